"""GET /api/health: every component of the deployment, in the one health contract (platform/health.py)."""

from aws_lambda_powertools.event_handler import Response
from segmentation.platform import settings
from segmentation.platform.api import create_app, http_handler
from segmentation.platform.health import (
    HealthReport,
    bucket_check,
    health_response,
    state_machine_check,
    table_check,
)
from segmentation.platform.storage import ArtifactStore
from segmentation.text.registry import ModelRegistry

app = create_app()


def text_model_check() -> bool:
    ModelRegistry(ArtifactStore(settings.artifacts_bucket())).latest()
    return True


CHECKS = {
    "entities_table": table_check(settings.entities_table),
    "events_table": table_check(settings.events_table),
    "artifacts_bucket": bucket_check,
    "training_pipeline": state_machine_check,
    "text_model": text_model_check,
}


@app.get("/api/health")
def health() -> Response[HealthReport]:
    return health_response(CHECKS)


handler = http_handler(app)
