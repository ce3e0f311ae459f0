"""GET /api/candidates/segments: the promoted model's segments with names, sizes and profiles."""

from segmentation.candidates import service
from segmentation.candidates.schemas import SegmentList
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/candidates/segments")
def list_segments() -> SegmentList:
    return SegmentList(**service.list_segments())


handler = http_handler(app)
