"""POST /api/candidates: one candidate, or {"candidates": [...]} (up to 500, all or nothing)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body
from segmentation.candidates import service
from segmentation.candidates.schemas import BatchInvalid, CandidatesCreated, validate_batch
from segmentation.platform.api import create_app, current_caller, error_response, http_handler

app = create_app()


@app.exception_handler(BatchInvalid)
def _invalid_batch(invalid: BatchInvalid) -> Response:
    """422 with the per-item report: `items` [{index, candidate_id, errors}] besides the flat `errors`."""
    return error_response(422, str(invalid), getattr(app.lambda_context, "aws_request_id", None),
                          errors=invalid.field_errors(), items=invalid.items)


@app.post("/api/candidates")
def create(body: Annotated[dict[str, Any], Body(
        description="A candidate (CandidateCreate) or {\"candidates\": [CandidateCreate, ...]} (1..500).")]
           ) -> Response[CandidatesCreated]:
    created = service.create_candidates(validate_batch(body), created_by=current_caller(app))
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON,
                    body=CandidatesCreated(created=len(created), candidates=created))


handler = http_handler(app)
