"""POST /api/distribute: platform payloads for an audience's segments, written to the S3 outbox."""

from segmentation.audiences import outbox
from segmentation.audiences.api_models import DistributeRequest, DistributeResponse
from segmentation.platform.api import create_app, current_caller, http_handler

app = create_app()


@app.post("/api/distribute")
def distribute(request: DistributeRequest) -> DistributeResponse:
    return DistributeResponse(**outbox.distribute(str(request.audience_id), list(request.platforms),
                                                  request.segments, request.ad_category, current_caller(app)))


handler = http_handler(app)
