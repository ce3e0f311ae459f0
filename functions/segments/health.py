"""GET /api/v1/segments/health: the segments service and its tables."""

from aws_lambda_powertools.event_handler import Response, content_types
from segmentation import __version__
from segmentation.platform import settings
from segmentation.platform.api import create_app, http_handler
from segmentation.platform.health import check_components, table_check
from segmentation.segments.schemas import SegmentsHealth

app = create_app()
CHECKS = {"entities_table": table_check(settings.entities_table), "events_table": table_check(settings.events_table)}


@app.get("/api/v1/segments/health")
def health() -> Response[SegmentsHealth]:
    components = check_components(CHECKS)
    healthy = all(c["status"] == "ok" for c in components.values())
    body = SegmentsHealth(status="ok" if healthy else "degraded", service="segments", version=__version__,
                          components=components)
    return Response(status_code=200 if healthy else 503, content_type=content_types.APPLICATION_JSON, body=body)


handler = http_handler(app)
