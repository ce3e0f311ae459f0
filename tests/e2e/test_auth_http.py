"""The HTTP API's authentication over HTTP, on the local cloud as `make up` runs it: every route but
GET /api/health needs a valid token (401 otherwise, before any handler runs), and the route's role from
segmentation/platform/auth.py ROUTE_ROLES (403 otherwise)."""

import re
import time
import uuid

import boto3
import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from localcloud.template import load_template
from moto.utilities.utils import load_resource
from segmentation.platform.auth import ROUTE_ROLES

from tests.conftest import TEMPLATE


def template_routes() -> list[tuple[str, str]]:
    routes = []
    for resource in load_template(TEMPLATE)["Resources"].values():
        for event in resource.get("Properties", {}).get("Events", {}).values():
            if event["Type"] == "HttpApi":
                routes.append((event["Properties"]["Method"].upper(), event["Properties"]["Path"]))
    return routes


def concrete(path: str) -> str:
    """A request path for a route path: every {parameter} filled with a well-formed UUID."""
    return re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", path)


def claims_of(cloud, role: str) -> dict:
    return jwt.decode(cloud.token(role), load_jwks_public()).claims


def load_jwks_public():
    from joserfc.jwk import KeySet

    return KeySet.import_key_set(load_resource("cognitoidp/resources/jwks-public.json"))


def test_every_route_but_health_refuses_a_request_without_a_token(cloud):
    anonymous = cloud.anonymous()
    answers = {}
    for method, path in template_routes():
        response = anonymous.request(method, concrete(path), json={})
        answers[f"{method} {path}"] = response.status_code
        if response.status_code == 401:
            assert response.json() == {"message": "Unauthorized"}
    assert answers.pop("GET /api/health") == 200
    assert len(answers) > 25
    assert {route: status for route, status in answers.items() if status != 401} == {}


@pytest.mark.parametrize("header", [
    "Bearer not-a-jwt",
    "Bearer a.b.c",
    "Basic dXNlcjpwYXNz",
])
def test_malformed_tokens_are_401(cloud, header):
    response = cloud.anonymous().get("/api/v1/segments", headers={"Authorization": header})
    assert response.status_code == 401, response.text


def test_expired_and_wrongly_signed_tokens_are_401(cloud):
    claims = claims_of(cloud, "admin")
    moto_key = RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    expired = jwt.encode({"kid": "dummy", "alg": "RS256"}, {**claims, "exp": int(time.time()) - 5}, moto_key)
    other_key = RSAKey.generate_key(2048, parameters={"kid": "dummy"})
    forged = jwt.encode({"kid": "dummy", "alg": "RS256"}, claims, other_key)
    wrong_client = jwt.encode({"kid": "dummy", "alg": "RS256"}, {**claims, "client_id": "someone-else"}, moto_key)
    still_valid = jwt.encode({"kid": "dummy", "alg": "RS256"}, claims, moto_key)
    for token in (expired, forged, wrong_client):
        response = cloud.anonymous().get("/api/v1/segments", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, response.text
    # the same claims, signed by the pool's key and not expired, pass: the 401s above are for the reason given
    assert cloud.anonymous().get("/api/v1/segments", headers={
        "Authorization": f"Bearer {still_valid}"}).status_code == 200


def test_roles_are_enforced_per_route_with_a_403_that_names_the_role(cloud):
    reader, writer = cloud.client("read"), cloud.client("write")
    assert reader.get("/api/v1/segments").status_code == 200
    refused = reader.post("/api/v1/segments", json={"name": "x"})
    assert refused.status_code == 403
    assert "write" in refused.json()["message"]
    created = writer.post("/api/v1/segments", json={
        "persona_id": str(uuid.uuid4()), "segment_name": "Auth test", "strategy": "behavioral",
        "criteria": {"content_preferences": ["running"], "engagement_frequency": "weekly"}})
    assert created.status_code == 201, created.text
    segment_id = created.json()["id"]
    assert writer.put(f"/api/v1/segments/{segment_id}", json={"description": "renamed"}).status_code == 200
    stack = requests.get(f"{cloud.endpoint}/_local/stack", timeout=30).json()
    item = boto3.client("dynamodb", endpoint_url=cloud.endpoint, region_name=stack["region"]).get_item(
        TableName=stack["outputs"]["EntitiesTableName"], Key={"pk": {"S": f"SEGMENT#{segment_id}"},
                                                             "sk": {"S": "SEGMENT"}})["Item"]
    assert item["created_by"]["S"] == "demo-write" and item["updated_by"]["S"] == "demo-write"
    deleted_by_writer = writer.delete(f"/api/v1/segments/{segment_id}")
    assert deleted_by_writer.status_code == 403 and "admin" in deleted_by_writer.json()["message"]
    assert cloud.http.delete(f"/api/v1/segments/{segment_id}").status_code == 200


def test_every_template_route_declares_its_role_once():
    routes = {f"{method} {path}" for method, path in template_routes()}
    assert routes - set(ROUTE_ROLES) == set(), "declare these routes' roles in segmentation/platform/auth.py"
    assert [route for route, role in ROUTE_ROLES.items() if role is None] == ["GET /api/health"]
