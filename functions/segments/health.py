"""GET /api/v1/segments/health: the segments service's tables, in the one health contract (platform/health.py)."""

from aws_lambda_powertools.event_handler import Response
from segmentation.platform import settings
from segmentation.platform.api import create_app, http_handler
from segmentation.platform.health import HealthReport, health_response, table_check

app = create_app()
CHECKS = {"entities_table": table_check(settings.entities_table), "events_table": table_check(settings.events_table)}


@app.get("/api/v1/segments/health")
def health() -> Response[HealthReport]:
    return health_response(CHECKS)


handler = http_handler(app)
