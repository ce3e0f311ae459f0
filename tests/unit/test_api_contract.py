"""The error contract every HTTP handler shares (segmentation.platform.api)."""

import json
from types import SimpleNamespace

from pydantic import BaseModel, Field
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


handler = http_handler(app)
CONTEXT = SimpleNamespace(function_name="f", memory_limit_in_mb=128, invoked_function_arn="arn:f",
                          aws_request_id="req-1", function_version="$LATEST")


def call(method, path, body=None):
    event = {"version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": "",
             "headers": {"content-type": "application/json"},
             "requestContext": {"http": {"method": method, "path": path, "sourceIp": "127.0.0.1"},
                                "requestId": "r", "stage": "$default"},
             "isBase64Encoded": False}
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    response = handler(event, CONTEXT)
    return response["statusCode"], json.loads(response["body"])


def test_valid_request():
    assert call("POST", "/things", {"name": "a", "size": 1}) == (200, {"name": "a"})


def test_invalid_body_is_422_naming_each_field():
    status, body = call("POST", "/things", {"name": "", "size": "big"})
    assert status == 422
    assert {e["field"] for e in body["errors"]} == {"body.name", "body.size"}
    assert body["request_id"] == "req-1"


def test_malformed_json_is_422():
    assert call("POST", "/things", "{not json")[0] == 422


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
