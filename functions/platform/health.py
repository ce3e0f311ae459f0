"""GET /api/health: every component of the deployment, in the one health contract (platform/health.py)."""

from aws_lambda_powertools.event_handler import Response
from segmentation.audiences import health as audiences_health
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
    # the audience builder's components as seed 003 names them
    "variable_selector": audiences_health.variable_selector,
    "clustering_engine": audiences_health.clustering_engine,
    "data_retriever": audiences_health.data_retriever,
}


@app.get("/api/health")
def health() -> Response[HealthReport]:
    return health_response(CHECKS)


handler = http_handler(app)
