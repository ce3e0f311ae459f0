"""PATCH or PUT /api/candidates/{candidate_id}: partial update (only the fields sent change; null clears);
a changed feature re-assigns the candidate's segment."""

from segmentation.candidates import service
from segmentation.candidates.schemas import Candidate, CandidateUpdate
from segmentation.platform.api import create_app, current_caller, http_handler

app = create_app()


def _update(candidate_id: str, request: CandidateUpdate) -> Candidate:
    return Candidate(**service.update_candidate(candidate_id, request.model_dump(include=request.model_fields_set),
                                               updated_by=current_caller(app)))


@app.patch("/api/candidates/<candidate_id>")
def patch(candidate_id: str, request: CandidateUpdate) -> Candidate:
    return _update(candidate_id, request)


@app.put("/api/candidates/<candidate_id>")
def put(candidate_id: str, request: CandidateUpdate) -> Candidate:
    return _update(candidate_id, request)


handler = http_handler(app)
