"""POST /api/jobs/{jobAdId}/schedule: (re-)segment a job ad; 202 with the ad as it stands."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from segmentation.jobs.ads import to_api
from segmentation.jobs.scheduling import schedule
from segmentation.jobs.schemas import JobAdResponse
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.post("/api/jobs/<jobAdId>/schedule")
def schedule_ad(jobAdId: Annotated[int, Path(ge=1)]) -> Response[JobAdResponse]:
    body = JobAdResponse(**to_api(schedule(jobAdId)))
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=body)


handler = http_handler(app)
