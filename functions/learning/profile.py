"""GET /api/extension/learning/profile: a form's profile with its style hint."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from segmentation.learning.ats import normalize_host
from segmentation.learning.schemas import FormProfile
from segmentation.learning.store import ProfileStore
from segmentation.platform.api import ErrorResponse, create_app, http_handler

app = create_app()


@app.get("/api/extension/learning/profile", responses={
    200: {"description": "The form's profile and style hint"},
    404: {"description": "No profile for this form (never synced, or not aggregated yet)",
          "content": {"application/json": {"model": ErrorResponse}}}})
def get_profile(host: Annotated[str, Query(min_length=1, max_length=253)],
                schema_hash: Annotated[str, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$")],
                ) -> FormProfile:
    return FormProfile(**ProfileStore().get(normalize_host(host, field="query.host"), schema_hash))


handler = http_handler(app)
