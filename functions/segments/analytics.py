"""GET /api/v1/segments/{segment_id}/analytics: growth, performance, trend, A/B results, recommendations."""

from typing import Annotated
from uuid import UUID

from aws_lambda_powertools.event_handler.openapi.params import Query
from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import Analytics

app = create_app()


@app.get("/api/v1/segments/<segment_id>/analytics")
def analytics(segment_id: UUID, days: Annotated[int, Query(ge=2, le=365)] = 30,
              confidence_level: Annotated[float, Query(ge=0.8, le=0.999)] = 0.95) -> Analytics:
    return Analytics(**service.segment_analytics(str(segment_id), days, confidence_level))


handler = http_handler(app)
