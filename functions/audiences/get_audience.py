"""GET /api/audiences/{audience_id}: a built audience with its segments."""

from uuid import UUID

from segmentation.audiences import builder
from segmentation.audiences.api_models import Audience
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/audiences/<audience_id>")
def get(audience_id: UUID) -> Audience:
    return Audience(**builder.public_audience(builder.get_audience(str(audience_id))))


handler = http_handler(app)
