"""GET /api/extension/learning/profiles: form profiles by host and schema hash, optionally one host's
or one hint source's; cursor pages."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from segmentation.learning.ats import normalize_host
from segmentation.learning.schemas import FormProfile, FormProfilePage, Source
from segmentation.learning.store import ProfileStore
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/extension/learning/profiles")
def list_profiles(host: Annotated[str | None, Query(min_length=1, max_length=253)] = None,
                  source: Annotated[Source | None, Query(description="Only hints from this level.")] = None,
                  limit: Annotated[int, Query(ge=1, le=100, description="Items per page (1-100).")] = 25,
                  cursor: Annotated[str | None, Query(max_length=2048,
                                                      description="`next_cursor` of the previous page.")] = None,
                  ) -> FormProfilePage:
    items, next_cursor = ProfileStore().page(normalize_host(host, field="query.host") if host else None, source,
                                             limit, cursor)
    return FormProfilePage(items=[FormProfile(**item) for item in items], next_cursor=next_cursor)


handler = http_handler(app)
