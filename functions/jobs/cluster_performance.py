"""GET /api/jobs/cluster-performance?modelVersion=: performance per audience cluster (default: the
promoted model's version)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from segmentation.jobs.feedback import cluster_performance
from segmentation.jobs.schemas import ClusterPerformanceReport, ClusterPerformanceRow
from segmentation.platform import settings
from segmentation.platform.api import create_app, http_handler
from segmentation.platform.storage import ArtifactStore
from segmentation.text.registry import ModelRegistry

app = create_app()


@app.get("/api/jobs/cluster-performance")
def report(modelVersion: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
           ) -> ClusterPerformanceReport:
    version = modelVersion or ModelRegistry(ArtifactStore(settings.artifacts_bucket())).latest()["version"]
    return ClusterPerformanceReport(modelVersion=version,
                                    clusters=[ClusterPerformanceRow(**row) for row in cluster_performance(version)])


handler = http_handler(app)
