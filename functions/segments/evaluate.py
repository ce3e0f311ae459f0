"""POST /api/v1/segments/{segment_id}/evaluate: does a user profile match the segment, and which criteria fail."""

from uuid import UUID

from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import EvaluateRequest, Evaluation

app = create_app()


@app.post("/api/v1/segments/<segment_id>/evaluate")
def evaluate(segment_id: UUID, request: EvaluateRequest) -> Evaluation:
    return Evaluation(**service.evaluate_profile(str(segment_id), request.profile))


handler = http_handler(app)
