"""docs/openapi.json documents what the API answers (found by the fuzz run, tests/fuzz): every operation
the platform's error statuses with a body that names the problem, success codes other than 200 where the
handler sends them, and the bearer token on every operation but GET /api/health."""

import json

from tests.conftest import ROOT

DOCUMENT = json.loads((ROOT / "docs" / "openapi.json").read_text())


def operations():
    for route, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            yield route, method, operation


def test_every_operation_documents_the_platform_errors_and_its_token():
    for route, method, operation in operations():
        codes = set(operation["responses"])
        public = (route, method) == ("/api/health", "get")
        assert {"404", "409", "422", "500"} <= codes, (route, method)
        assert public or {"401", "403"} <= codes, (route, method)
        assert public or operation["security"] == [{"bearerAuth": []}], (route, method)
        if "requestBody" in operation:
            assert {"400", "415"} <= codes, (route, method)
    assert DOCUMENT["components"]["schemas"]["GatewayError"]["required"] == ["message"]


def test_creates_document_201_not_200():
    created = {(route, method) for route, method, operation in operations() if "201" in operation["responses"]}
    assert ("/api/v1/segments", "post") in created and ("/api/jobs", "post") in created
    assert all("200" not in DOCUMENT["paths"][route][method]["responses"] for route, method in created)
