"""POST /api/audiences/uploads: a presigned S3 POST for a first-party CSV (identifier column = subtype)."""

from aws_lambda_powertools.event_handler import Response, content_types
from segmentation.audiences import uploads
from segmentation.audiences.api_models import UploadCreate, UploadTicket
from segmentation.platform.api import create_app, current_caller, http_handler

app = create_app()


@app.post("/api/audiences/uploads")
def create_upload(request: UploadCreate) -> Response[UploadTicket]:
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON,
                    body=UploadTicket(**uploads.create(request.filename, request.subtype, current_caller(app))))


handler = http_handler(app)
