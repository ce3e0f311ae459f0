"""POST /api/jobs: create a job ad (status draft)."""

from aws_lambda_powertools.event_handler import Response, content_types
from segmentation.jobs.ads import create_ad, to_api
from segmentation.jobs.schemas import JobAdCreate, JobAdResponse
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.post("/api/jobs")
def create(request: JobAdCreate) -> Response[JobAdResponse]:
    ad = create_ad(request.title, request.description, request.company, request.locations,
                   request.targetCandidateSegments)
    body = JobAdResponse(**to_api(ad))
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=body,
                    headers={"Location": f"/api/jobs/{body.jobAdId}"})


handler = http_handler(app)
