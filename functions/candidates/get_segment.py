"""GET /api/candidates/segments/{segment_id}: one segment of the promoted model."""

from segmentation.candidates import service
from segmentation.candidates.schemas import SegmentDetail
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/candidates/segments/<segment_id>")
def get_segment(segment_id: str) -> SegmentDetail:
    return SegmentDetail(**service.get_segment(segment_id))


handler = http_handler(app)
