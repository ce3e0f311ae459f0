"""POST /api/candidates/segmentation/train {"clusters"?}: start a training run (202 with its run_id)."""

from aws_lambda_powertools.event_handler import Response, content_types
from segmentation.candidates import runs
from segmentation.candidates.schemas import RunStarted, TrainRequest
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.post("/api/candidates/segmentation/train")
def train(request: TrainRequest | None = None) -> Response[RunStarted]:
    clusters = request.clusters if request is not None else None
    started = runs.start("train", {"clusters": clusters, "source": {"api": True}})
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=RunStarted(**started))


handler = http_handler(app)
