"""GET /api/jobs?status=&cursor=&limit=: job ads, newest first, each with its confidence badge."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from segmentation.jobs.ads import list_ads, to_api
from segmentation.jobs.schemas import JobAdPage, JobAdResponse, Status
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/jobs")
def list_job_ads(status: Annotated[Status | None, Query()] = None,
                 cursor: Annotated[str | None, Query(max_length=2048)] = None,
                 limit: Annotated[int, Query(ge=1, le=100)] = 25) -> JobAdPage:
    items, next_cursor = list_ads(status, cursor, limit)
    return JobAdPage(items=[JobAdResponse(**to_api(ad)) for ad in items], nextCursor=next_cursor)


handler = http_handler(app)
