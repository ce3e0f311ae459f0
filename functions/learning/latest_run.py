"""GET /api/extension/learning/runs/latest: the aggregator's last run (when, events read, profiles
written, hints by source)."""

from segmentation.learning.schemas import AggregatorRun
from segmentation.learning.store import RunStore
from segmentation.platform.api import ErrorResponse, create_app, http_handler

app = create_app()


@app.get("/api/extension/learning/runs/latest", responses={
    200: {"description": "The summary of the aggregator's most recent run"},
    404: {"description": "The aggregator has not run yet", "content": {"application/json": {"model": ErrorResponse}}}})
def latest_run() -> AggregatorRun:
    return AggregatorRun(**RunStore().latest())


handler = http_handler(app)
