"""POST /api/nl/start_session: a new audience-builder session (state initial, 24 hours)."""

from aws_lambda_powertools.event_handler import Response, content_types
from segmentation.audiences import builder
from segmentation.audiences.api_models import StartSessionResponse
from segmentation.platform.api import create_app, current_caller, http_handler

app = create_app()


@app.get("/api/nl/start_session")  # the seed's frontend: fetch('/api/nl/start_session'), a GET
@app.post("/api/nl/start_session")
def start_session() -> Response[StartSessionResponse]:
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON,
                    body=StartSessionResponse(**builder.start_session(current_caller(app))))


handler = http_handler(app)
