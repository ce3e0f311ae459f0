"""POST /api/nl/process: the session's next step (action process, confirm or refine)."""

from segmentation.audiences import builder
from segmentation.audiences.api_models import ProcessRequest, ProcessResponse
from segmentation.platform.api import create_app, current_caller, http_handler

app = create_app()


@app.post("/api/nl/process")
def process(request: ProcessRequest) -> ProcessResponse:
    payload = request.payload.model_dump(exclude_none=True)
    if "upload_id" in payload:
        payload["upload_id"] = str(payload["upload_id"])
    return ProcessResponse(**builder.process(str(request.session_id), request.action, payload, current_caller(app)))


handler = http_handler(app)
