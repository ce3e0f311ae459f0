"""GET /api/audiences/uploads/{upload_id}: the upload's validation report (validated on first look)."""

from uuid import UUID

from segmentation.audiences import uploads
from segmentation.platform.api import create_app, current_caller, http_handler

app = create_app()


@app.get("/api/audiences/uploads/<upload_id>")
def get_upload(upload_id: UUID) -> dict:
    report = uploads.report(str(upload_id), current_caller(app))
    return {k: v for k, v in report.items() if k not in ("entity", "object_key")}


handler = http_handler(app)
