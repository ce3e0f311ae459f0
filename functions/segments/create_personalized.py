"""POST /api/v1/segments/personalized: attach a content variant (or the control) to a segment."""

from aws_lambda_powertools.event_handler import Response, content_types
from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import PersonalizedContent, PersonalizedCreate

app = create_app()


@app.post("/api/v1/segments/personalized")
def create_personalized(request: PersonalizedCreate) -> Response[PersonalizedContent]:
    content = service.create_content(str(request.segment_id), request.content_id, request.variant_id,
                                     request.is_control)
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON,
                    body=PersonalizedContent(**content))


handler = http_handler(app)
