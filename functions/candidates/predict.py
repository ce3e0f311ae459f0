"""POST /api/candidates/segmentation/predict: assign every candidate with the promoted model and write the
segment back; the seed's {num_candidates, segments} in the request up to SYNC_PREDICT_MAX candidates,
else 202 with a run_id."""

from aws_lambda_powertools.event_handler import Response, content_types
from segmentation.candidates import service
from segmentation.candidates.schemas import PredictRequest, PredictResult, RunStarted
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.post("/api/candidates/segmentation/predict")
def predict(request: PredictRequest | None = None) -> Response[PredictResult | RunStarted]:
    status, result = service.predict()
    body = PredictResult(**result) if status == 200 else RunStarted(**result)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


handler = http_handler(app)
