"""The error contract every HTTP handler shares (segmentation.platform.api)."""

import base64
import json
from types import SimpleNamespace
from typing import Annotated

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, Field
from segmentation.platform import auth
from segmentation.platform.api import create_app, http_handler
from segmentation.platform.errors import Conflict, DependencyUnavailable, InvalidInput, NotFound

app = create_app()


class Body(BaseModel):
    name: str = Field(min_length=1)
    size: int


@app.post("/things")
def create(body: Body) -> dict:
    return {"name": body.name}


@app.get("/things/<kind>")
def fail(kind: str) -> dict:
    raise {"missing": NotFound("thing 7 does not exist"), "conflict": Conflict("thing 7 changed"),
           "down": DependencyUnavailable("model artifact centroids.npy is missing"),
           "bad": InvalidInput("size must be positive", field="size"), "bug": ZeroDivisionError("x")}[kind]


@app.get("/things")
def list_things(kind: Annotated[str | None, Query()] = None, limit: Annotated[int, Query(ge=1)] = 10) -> dict:
    return {"kind": kind, "limit": limit}


handler = http_handler(app)

# This module's routes, declared as every route is (platform/auth.py); the calls carry a writer's claims.
# A slashed collection path arrives through its {proxy+} companion route, an unknown path through $default.
TEST_ROUTES = {"POST /things": auth.WRITE, "GET /things": auth.READ, "GET /things/{kind}": auth.READ,
               "POST /things/{proxy+}": auth.WRITE, "$default": auth.READ}


@pytest.fixture(autouse=True)
def declared_routes(monkeypatch):
    for route_key, role in TEST_ROUTES.items():
        monkeypatch.setitem(auth.ROUTE_ROLES, route_key, role)


def route_key(method: str, path: str) -> str:
    if (path == "/things/" and method == "POST") or path.endswith("/deeper/"):
        return "POST /things/{proxy+}"
    if path.startswith("/things/"):
        return f"{method} /things/{{kind}}"
    return f"{method} {path}" if path == "/things" else "$default"
CONTEXT = SimpleNamespace(function_name="f", memory_limit_in_mb=128, invoked_function_arn="arn:f",
                          aws_request_id="req-1", function_version="$LATEST")


def request_event(method, path, body=None, headers=None, query=None, raw_body=None) -> dict:
    event = {"version": "2.0", "routeKey": route_key(method, path), "rawPath": path, "rawQueryString": "",
             "headers": {"content-type": "application/json"} if headers is None else headers,
             "requestContext": {"http": {"method": method, "path": path, "sourceIp": "127.0.0.1"},
                                "requestId": "r", "stage": "$default",
                                "authorizer": {"jwt": {"claims": {"sub": "u-1", "cognito:groups": "[write]"}}}},
             "isBase64Encoded": False}
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    if raw_body is not None:
        event["body"], event["isBase64Encoded"] = base64.b64encode(raw_body).decode(), True
    if query:
        event["queryStringParameters"] = query
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in query.items())
    return event


def call(method, path, body=None, headers=None, query=None, raw_body=None):
    response = handler(request_event(method, path, body, headers, query, raw_body), CONTEXT)
    return response["statusCode"], json.loads(response["body"])


def test_valid_request():
    assert call("POST", "/things", {"name": "a", "size": 1}) == (200, {"name": "a"})


def test_invalid_body_is_422_naming_each_field():
    status, body = call("POST", "/things", {"name": "", "size": "big"})
    assert status == 422
    assert {e["field"] for e in body["errors"]} == {"body.name", "body.size"}
    assert body["request_id"] == "req-1"


def test_malformed_json_is_400_naming_the_body():
    status, body = call("POST", "/things", "{not json")
    assert status == 400
    assert body["errors"][0]["field"] == "body" and "not valid JSON" in body["message"]


def test_body_that_is_not_utf8_is_400_naming_the_body():
    status, body = call("POST", "/things", raw_body='{"name": "caf\u00e9", "size": 1}'.encode("latin-1"))
    assert status == 400
    assert body["errors"][0]["field"] == "body" and "UTF-8" in body["message"]


def test_utf8_body_sent_base64_is_read():
    assert call("POST", "/things", raw_body='{"name": "caf\u00e9", "size": 1}'.encode()) == (200, {"name": "caf\u00e9"})


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", "text/plain",
                                          "text/plain;charset=UTF-8", None])
def test_json_body_is_read_from_json_plain_text_or_untyped_requests(content_type):
    headers = {} if content_type is None else {"Content-Type": content_type}
    assert call("POST", "/things", {"name": "a", "size": 1}, headers=headers) == (200, {"name": "a"})


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                          "application/xml"])
def test_other_body_types_are_415(content_type):
    status, body = call("POST", "/things", {"name": "a", "size": 1}, headers={"content-type": content_type})
    assert status == 415
    assert body["errors"][0]["field"] == "headers.content-type" and content_type in body["message"]


def test_trailing_slash_reaches_the_route():
    assert call("POST", "/things/", {"name": "a", "size": 1}) == (200, {"name": "a"})
    assert call("GET", "/things/", query={"kind": "x"}) == (200, {"kind": "x", "limit": 10})


def test_slashed_deeper_path_on_the_greedy_companion_route_is_redirected_without_the_slash():
    # On AWS, POST /things/7/deeper/ matches no route key but the collection's {proxy+} companion.
    response = handler(request_event("POST", "/things/7/deeper/", query={"dry": "1"}), CONTEXT)
    assert response["statusCode"] == 308
    assert response["headers"]["Location"] == "/things/7/deeper?dry=1"


def test_unknown_query_parameter_is_422_naming_it():
    status, body = call("GET", "/things", query={"kind": "x", "colour": "red"})
    assert status == 422
    assert [e["field"] for e in body["errors"]] == ["query.colour"]
    assert "kind" in body["errors"][0]["message"] and "limit" in body["errors"][0]["message"]


def test_query_parameter_on_a_route_without_any_is_422():
    status, body = call("POST", "/things", {"name": "a", "size": 1}, query={"dry_run": "1"})
    assert status == 422 and body["errors"][0]["field"] == "query.dry_run"


def test_unknown_route_with_query_is_still_404():
    assert call("GET", "/nowhere", query={"x": "1"})[0] == 404


def test_domain_errors_map_to_statuses():
    assert call("GET", "/things/missing") == (404, {"message": "thing 7 does not exist", "request_id": "req-1"})
    assert call("GET", "/things/conflict")[0] == 409
    assert call("GET", "/things/down") == (503, {"message": "model artifact centroids.npy is missing",
                                                 "request_id": "req-1"})
    status, body = call("GET", "/things/bad")
    assert (status, body["errors"]) == (422, [{"field": "size", "message": "size must be positive"}])


def test_unexpected_error_is_500_without_details():
    assert call("GET", "/things/bug") == (500, {"message": "internal server error", "request_id": "req-1"})


def test_unknown_route_is_404():
    status, body = call("GET", "/nowhere")
    assert status == 404 and "GET /nowhere" in body["message"]
