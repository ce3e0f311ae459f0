"""POST /api/v1/segments: create a segment (criteria validated against its strategy)."""

from aws_lambda_powertools.event_handler import Response, content_types
from segmentation.platform.api import create_app, current_caller, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import Segment, SegmentCreate

app = create_app()


@app.post("/api/v1/segments")
def create(request: SegmentCreate) -> Response[Segment]:
    caller = current_caller(app)
    segment = service.create_segment({**request.model_dump(), "created_by": caller, "updated_by": caller})
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=Segment(**segment))


handler = http_handler(app)
