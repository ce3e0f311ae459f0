"""GET /api/v1/segments/{segment_id}: one segment."""

from uuid import UUID

from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import Segment

app = create_app()


@app.get("/api/v1/segments/<segment_id>")
def get(segment_id: UUID) -> Segment:
    return Segment(**service.get_segment(str(segment_id)))


handler = http_handler(app)
