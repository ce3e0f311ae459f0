"""POST /api/v1/segments/personalized/{personalized_id}/performance: add views, engagement, conversions."""

from uuid import UUID

from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import PerformanceUpdate, PersonalizedContent

app = create_app()


@app.post("/api/v1/segments/personalized/<personalized_id>/performance")
def record_performance(personalized_id: UUID, request: PerformanceUpdate) -> PersonalizedContent:
    return PersonalizedContent(**service.record_performance(str(personalized_id), request.views,
                                                            request.engagement, request.conversions))


handler = http_handler(app)
