"""DELETE /api/candidates/{candidate_id}."""

from segmentation.candidates import service
from segmentation.candidates.schemas import CandidateDeleted
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.delete("/api/candidates/<candidate_id>")
def delete(candidate_id: str) -> CandidateDeleted:
    return CandidateDeleted(**service.delete_candidate(candidate_id))


handler = http_handler(app)
