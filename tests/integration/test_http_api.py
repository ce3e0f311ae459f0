"""The HTTP API data plane (payload format 2.0) and the platform's error contract, in-process."""

import base64
import json
from pathlib import Path

import pytest
from localcloud.deployer import deploy
from werkzeug.test import Client

from tests.integration.conftest import http_client
from tests.integration.helpers import replace_function_code

ECHO_TEMPLATE = Path(__file__).parent / "fixtures" / "echo_template.yaml"


@pytest.fixture
def echo(emulator) -> Client:
    return http_client(deploy(ECHO_TEMPLATE, "echo"))


COMPONENTS = {"entities_table", "events_table", "artifacts_bucket", "training_pipeline", "text_model"}


def test_health_reports_every_component(seeded_stack, http):
    response = http.get("/api/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {"status": "healthy", "components": dict.fromkeys(COMPONENTS, "ok"), "version": body["version"]}
    assert body["version"]


def health_logs(aws, stack):
    group = f"/aws/lambda/{stack.ref('HealthFunction')}"
    return "\n".join(e["message"] for e in aws("logs").filter_log_events(logGroupName=group)["events"])


def test_health_is_503_and_names_the_component_that_is_down_without_details(seeded_stack, http, stack, aws):
    aws("dynamodb").delete_table(TableName=stack.ref("EventsTable"))
    response = http.get("/api/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["components"] == {**dict.fromkeys(COMPONENTS, "ok"), "events_table": "error"}
    text = response.get_data(as_text=True)
    assert "ResourceNotFoundException" not in text and stack.ref("EventsTable") not in text
    assert "ResourceNotFoundException" in health_logs(aws, stack)  # the detail is in the log


def test_health_reports_a_missing_text_model(http, aws, stack):
    response = http.get("/api/health")
    assert response.status_code == 503
    assert response.get_json()["components"]["text_model"] == "error"
    assert "latest.json" not in response.get_data(as_text=True)
    assert "latest.json is missing" in health_logs(aws, stack)


def test_unknown_route_is_a_json_404(http):
    response = http.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {"message": "Not Found"}
    assert http.post("/api/health").status_code == 404  # route exists for GET only


FAILING_HANDLER = '''
from segmentation.platform.api import create_app, http_handler

app = create_app()


@app.get("/api/health")
def health():
    raise KeyError("secret_internal_detail")


handler = http_handler(app)
'''


def test_handler_exception_is_a_500_with_request_id_and_the_trace_in_the_logs(http, stack, aws):
    replace_function_code(aws("lambda"), stack.ref("HealthFunction"), "health", FAILING_HANDLER)
    response = http.get("/api/health")
    assert response.status_code == 500
    body = response.get_json()
    assert body["message"] == "internal server error"
    assert body["request_id"]
    assert "secret_internal_detail" not in response.get_data(as_text=True)
    log_group = f"/aws/lambda/{stack.ref('HealthFunction')}"
    messages = "\n".join(e["message"] for e in aws("logs").filter_log_events(logGroupName=log_group)["events"])
    assert "secret_internal_detail" in messages and "Traceback" in messages
    assert body["request_id"] in messages


def test_path_parameters_query_strings_headers_and_cookies(echo):
    response = echo.get("/items/42?tag=a&tag=b&q=x%20y", headers={"X-Trace": "t1", "Cookie": "a=1; b=2"})
    assert response.status_code == 200
    event = response.get_json()
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items/{item_id}"
    assert event["pathParameters"] == {"item_id": "42"}
    assert event["queryStringParameters"] == {"tag": "a,b", "q": "x y"}
    assert event["rawQueryString"] == "tag=a&tag=b&q=x%20y"
    assert event["headers"]["x-trace"] == "t1"
    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]
    assert event["requestContext"]["http"]["method"] == "GET"
    assert response.headers["x-echo"] == "yes"
    assert response.headers.getlist("Set-Cookie") == ["session=abc; Path=/", "theme=dark"]


def test_literal_route_wins_over_a_path_variable_and_greedy_proxy_matches_deep_paths(echo):
    assert echo.get("/items/special").get_json()["routeKey"] == "GET /items/special"
    event = echo.delete("/files/a/b/c.txt").get_json()
    assert event["routeKey"] == "ANY /files/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a/b/c.txt"}


def test_json_and_binary_request_bodies(echo):
    event = echo.post("/items", json={"name": "x"}).get_json()
    assert (json.loads(event["body"]), event["isBase64Encoded"]) == ({"name": "x"}, False)
    event = echo.post("/items", data=b"\xff\x00\x01", content_type="application/octet-stream").get_json()
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\x00\x01"


def test_status_codes_bare_values_and_base64_responses(echo):
    assert echo.get("/items/1?status=201").status_code == 201
    bare = echo.get("/bare")
    assert (bare.status_code, bare.get_json()) == (200, {"echo": "bare value"})
    binary = echo.get("/binary")
    assert binary.get_data() == b"\x00\x01binary"
    assert binary.headers["content-type"] == "application/octet-stream"


def test_function_error_is_a_json_500(echo):
    response = echo.get("/boom")
    assert response.status_code == 500
    assert response.get_json()["message"] == "Internal Server Error"
