"""What every route shares (platform/api.py), seen over HTTP on routes of each service: JSON bodies sent
as application/json, untyped or text/plain (seed 003's frontend sends simple requests); other types 415;
bodies that are not UTF-8 JSON 400 naming the body; unknown query parameters 422; one health contract."""

import json

import pytest

ROUTES_WITH_BODIES = [
    ("/api/v1/segments/", {"persona_id": "123e4567-e89b-12d3-a456-426614174000", "segment_name": "Envelope",
                           "criteria": {"interests": ["x"]}}),
    ("/api/jobs", {"title": "Nurse", "description": "Care for patients on a hospital ward."}),
    ("/segment", {"job_ad_text": "Nurse caring for patients on a hospital ward."}),
]


@pytest.mark.parametrize("content_type", ["application/json", "text/plain;charset=UTF-8", None])
@pytest.mark.parametrize(("path", "body"), ROUTES_WITH_BODIES)
def test_json_bodies_are_read_whatever_simple_type_they_are_sent_as(api, path, body, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    data = json.dumps(body).encode()  # requests adds no Content-Type to raw bytes
    response = api.post(path, data=data, headers=headers)
    assert response.status_code in (200, 201), response.text


@pytest.mark.parametrize(("path", "body"), ROUTES_WITH_BODIES)
def test_other_media_types_are_415(api, path, body):
    response = api.post(path, data=json.dumps(body), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert response.json()["errors"][0]["field"] == "headers.content-type"


@pytest.mark.parametrize(("path", "_body"), ROUTES_WITH_BODIES)
@pytest.mark.parametrize("raw", [b'{"title": "caf\xe9"}', b"{not json", b"\xff\xfe\x00"])
def test_bodies_that_are_not_utf8_json_are_400_naming_the_body(api, path, _body, raw):
    response = api.post(path, data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize("path", ["/api/jobs", "/api/v1/segments/health", "/api/health"])
def test_unknown_query_parameters_are_422_on_every_service(api, path):
    response = api.get(path, params={"verbose": "1"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.verbose"


def test_platform_health_contract(api):
    response = api.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "components", "version"}
    assert body["status"] == "healthy" and set(body["components"].values()) == {"ok"}
