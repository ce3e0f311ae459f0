"""POST /api/jobs/{jobAdId}/performance: record delivery/performance (impressions, clicks, applies)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from segmentation.jobs.feedback import COUNTS, record_performance
from segmentation.jobs.schemas import Performance, PerformanceRecorded, PerformanceReport
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.post("/api/jobs/<jobAdId>/performance")
def report(jobAdId: Annotated[int, Path(ge=1)], request: PerformanceReport) -> Response[PerformanceRecorded]:
    outcome = record_performance(jobAdId, request.eventId, request.platform,
                                 {name: getattr(request, name) for name in COUNTS}, request.occurredAt)
    body = PerformanceRecorded(recorded=outcome["recorded"], performance=Performance(**outcome["ad"]))
    return Response(status_code=201 if outcome["recorded"] else 200, content_type=content_types.APPLICATION_JSON,
                    body=body)


handler = http_handler(app)
