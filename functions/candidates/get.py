"""GET /api/candidates/{candidate_id}: one candidate with its segment, confidence and explanation."""

from segmentation.candidates import service
from segmentation.candidates.schemas import Candidate
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/candidates/<candidate_id>")
def get(candidate_id: str) -> Candidate:
    return Candidate(**service.get_candidate(candidate_id))


handler = http_handler(app)
