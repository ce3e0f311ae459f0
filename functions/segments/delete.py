"""DELETE /api/v1/segments/{segment_id}: delete a segment with its members and personalized content."""

from uuid import UUID

from segmentation.platform.api import create_app, http_handler
from segmentation.segments import service
from segmentation.segments.schemas import SegmentDeleted

app = create_app()


@app.delete("/api/v1/segments/<segment_id>")
def delete(segment_id: UUID) -> SegmentDeleted:
    return SegmentDeleted(**service.delete_segment(str(segment_id)))


handler = http_handler(app)
