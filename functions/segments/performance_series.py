"""GET /api/v1/segments/personalized/{personalized_id}/performance: the content's performance updates."""

from uuid import UUID

from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import Cursor, PageLimit, PerformancePoint, PerformanceSeries

app = create_app()


@app.get("/api/v1/segments/personalized/<personalized_id>/performance")
def performance_series(personalized_id: UUID, limit: PageLimit = 20,
                       cursor: Cursor = None) -> PerformanceSeries:
    items, next_cursor = service.performance_series(str(personalized_id), limit, cursor)
    return PerformanceSeries(personalized_id=personalized_id, items=[PerformancePoint(**i) for i in items],
                             next_cursor=next_cursor)


handler = http_handler(app)
