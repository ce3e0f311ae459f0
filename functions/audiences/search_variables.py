"""GET /api/variables/search: the catalog variables that match a marketer's description (hybrid search)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from segmentation.audiences.search import search
from segmentation.audiences.variable_schemas import QueryText, ResultCount, VariableSearchResults
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/variables/search")
def search_variables(q: Annotated[QueryText, Query()],
                     k: Annotated[ResultCount, Query()] = 20,
                     type: Annotated[str | None, Query(description="demographic | behavioral | psychographic")] = None,
                     data_type: Annotated[str | None, Query(description="first_party | third_party | clean_room")] = None,
                     record_set: Annotated[str | None, Query(description="panel | zcta")] = None,
                     ) -> VariableSearchResults:
    return VariableSearchResults(results=search(q, k, type=type, data_type=data_type, record_set=record_set))


handler = http_handler(app)
