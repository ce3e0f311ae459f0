"""PUT /api/jobs/{jobAdId}: partial update of a job ad, its status (draft/published) and its pins."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from segmentation.jobs.ads import to_api, update_ad
from segmentation.jobs.schemas import JobAdResponse, JobAdUpdate
from segmentation.platform.api import create_app, current_caller, http_handler

app = create_app()


@app.put("/api/jobs/<jobAdId>")
def update(jobAdId: Annotated[int, Path(ge=1)], request: JobAdUpdate) -> JobAdResponse:
    ad = update_ad(jobAdId, request.changes(), request.expectedVersion, updated_by=current_caller(app))
    return JobAdResponse(**to_api(ad))


handler = http_handler(app)
