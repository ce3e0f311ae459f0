"""POST /api/jobs/test-segmentation: preview an ad's segmentation and targeting without storing it."""

from segmentation.jobs.schemas import SegmentationData, TestSegmentationRequest, TestSegmentationResponse
from segmentation.jobs.segmenting import preview
from segmentation.platform.api import create_app, http_handler
from segmentation.text.serving import PromotedSegmenter

app = create_app()
segmenter = PromotedSegmenter()


@app.post("/api/jobs/test-segmentation")
def test_segmentation(request: TestSegmentationRequest) -> TestSegmentationResponse:
    data = preview(segmenter, request.jobAdId, request.title, request.text)
    return TestSegmentationResponse(segmentationData=SegmentationData(**data))


handler = http_handler(app)
