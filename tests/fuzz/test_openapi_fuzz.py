"""Schemathesis against docs/openapi.json on the local cloud (`make up`'s process), authenticated as the
admin demo user, every operation: no 5xx, every response conforms to the documented status codes,
content types and schemas, and every 4xx body names the problem (a non-empty `message`).

Bounded for `make test` (FUZZ_EXAMPLES per operation, default 8) with Hypothesis derandomized, so the
same cases run every time and CI cannot flake; `make fuzz` runs FUZZ_EXAMPLES=150.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import ROOT

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))


@schemathesis.check
def error_bodies_name_the_problem(ctx, response, case):
    """A 4xx answer says what is wrong: a JSON body with a non-empty `message`."""
    if 400 <= response.status_code < 500:
        try:
            body = response.json()
        except ValueError:
            raise AssertionError(f"{response.status_code} without a JSON body: {response.text[:200]!r}") from None
        message = body.get("message") if isinstance(body, dict) else None
        if not (isinstance(message, str) and message.strip()):
            raise AssertionError(f"{response.status_code} body names no problem: {response.text[:200]!r}")
    return True


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          error_bodies_name_the_problem]


schema = schemathesis.openapi.from_path(ROOT / "docs" / "openapi.json")


@pytest.fixture(scope="module")
def promoted_candidate_model(cloud):
    """The candidates routes answer 503 until a candidate model is promoted (documented). So that the fuzz run
    reaches their real behaviour whatever ran before it (`make fuzz`, or this tier alone), it trains one on
    the demo pool when the stack has none; after the e2e tier there is one already."""
    from tests.browser.helpers import ensure_candidate_model  # API calls only: no browser needed
    from tests.e2e.test_candidates_over_http import demo_rows

    ensure_candidate_model(cloud, demo_rows(120, "fuzz-"))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_and_never_answers_5xx(case, cloud, promoted_candidate_model):
    # the admin demo user's token, over any Authorization the generator put in from the security scheme
    case.headers = {**(case.headers or {}), "Authorization": cloud.http.headers["Authorization"]}
    response = case.call(base_url=cloud.api_url, timeout=60)
    case.validate_response(response, checks=CHECKS)
