"""DELETE /api/jobs/{jobAdId}: delete a job ad (its performance events stay, for the cluster report)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from segmentation.jobs.ads import delete_ad
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.delete("/api/jobs/<jobAdId>")
def delete(jobAdId: Annotated[int, Path(ge=1)]):
    delete_ad(jobAdId)
    return Response(status_code=204)


handler = http_handler(app)
