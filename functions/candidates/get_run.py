"""GET /api/candidates/segmentation/runs/{run_id}: a training, prediction or import run's status, step and
counts."""

from segmentation.candidates import runs
from segmentation.candidates.schemas import Run
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/candidates/segmentation/runs/<run_id>")
def get_run(run_id: str) -> Run:
    return Run(**runs.describe(run_id))


handler = http_handler(app)
