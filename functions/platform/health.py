"""GET /api/health: the status of every component of the deployment."""

from typing import Literal

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel
from segmentation import __version__
from segmentation.platform.api import create_app, http_handler
from segmentation.platform.health import check_components

app = create_app()


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    components: dict[str, dict]


@app.get("/api/health")
def health() -> Response[HealthResponse]:
    components = check_components()
    healthy = all(c["status"] == "ok" for c in components.values())
    body = HealthResponse(status="ok" if healthy else "degraded", version=__version__, components=components)
    return Response(status_code=200 if healthy else 503, content_type=content_types.APPLICATION_JSON, body=body)


handler = http_handler(app)
