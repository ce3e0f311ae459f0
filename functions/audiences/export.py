"""GET /api/export/{audience_id}?format=csv: the audience as CSV (large ones via a presigned S3 URL)."""

from typing import Annotated, Literal
from uuid import UUID

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from segmentation.audiences import builder, export
from segmentation.platform.api import create_app, current_caller, http_handler

app = create_app()


@app.get("/api/export/<audience_id>")
def export_audience(audience_id: UUID, format: Annotated[Literal["csv"], Query()] = "csv") -> Response[str]:
    audience = builder.get_audience(str(audience_id))
    body = export.render(audience)
    if len(body.encode()) > export.inline_limit():
        return Response(status_code=302, headers={"Location": export.stage_large(audience, body, current_caller(app))}, body="")
    return Response(status_code=200, content_type="text/csv; charset=utf-8", body=body,
                    headers={"Content-Disposition": f'attachment; filename="{export.filename(audience)}"'})


handler = http_handler(app)
