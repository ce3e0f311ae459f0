"""GET /api/jobs/{jobAdId}: one job ad with its segmentation and targeting."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from segmentation.jobs.ads import get_ad, to_api
from segmentation.jobs.schemas import JobAdResponse
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/jobs/<jobAdId>")
def get(jobAdId: Annotated[int, Path(ge=1)]) -> JobAdResponse:
    return JobAdResponse(**to_api(get_ad(jobAdId)))


handler = http_handler(app)
