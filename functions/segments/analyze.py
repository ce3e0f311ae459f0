"""POST /api/v1/segments/{segment_id}/analyze: recompute and store performance_metrics and last_analyzed_at."""

from uuid import UUID

from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import Segment

app = create_app()


@app.post("/api/v1/segments/<segment_id>/analyze")
def analyze(segment_id: UUID) -> Segment:
    return Segment(**service.analyze_segment(str(segment_id)))


handler = http_handler(app)
