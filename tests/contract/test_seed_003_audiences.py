"""Seed 003 (Activation Manager): every documented call, verbatim, against the local cloud over HTTP."""





def start(cloud) -> dict:
    response = cloud.http.post("/api/nl/start_session")
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_start_session_answers_the_seed_shape(cloud):
    body = start(cloud)
    assert body["status"] == "ready" and body["session_id"] and body["message"]


def test_the_seed_frontend_starts_a_session_with_a_plain_fetch(cloud):
    """React Query example: fetch('/api/nl/start_session') with no method."""
    response = cloud.http.get("/api/nl/start_session")
    assert response.status_code == 201 and response.json()["status"] == "ready"


def test_variable_selection_request_of_the_seed_without_an_upload_says_how_to_upload(cloud):
    """The seed's own request: first_party / rampid. Our first-party audiences segment the user's file,
    so without one the answer is a 422 that explains the upload."""
    session = start(cloud)
    response = cloud.http.post("/api/nl/process", json={
        "session_id": session["session_id"], "action": "process",
        "payload": {"input": "environmentally conscious millennials", "data_type": "first_party",
                    "subtype": "rampid"}})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "payload.upload_id" and "/api/audiences/uploads" in body["message"]


def test_variables_suggested_then_complete_then_export_and_distribute(cloud):
    session = start(cloud)
    response = cloud.http.post("/api/nl/process", json={
        "session_id": session["session_id"], "action": "process",
        "payload": {"input": "environmentally conscious millennials", "data_type": "third_party"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "variables_suggested" and body["data_type"] == "third_party"
    assert set(body["suggested_variables"]) >= {"psychographic", "demographic", "behavioral"}
    variables = [v for group in body["suggested_variables"].values() for v in group]
    assert body["total_suggested"] == len(variables) > 0
    assert all(set(v) >= {"code", "description", "type", "category", "relevance_score"} for v in variables)

    response = cloud.http.post("/api/nl/process", json={
        "session_id": session["session_id"], "action": "confirm",
        "payload": {"confirmed_variables": [v["code"] for v in variables[:6]]}})
    assert response.status_code == 200, response.text
    done = response.json()
    assert done["status"] == "complete" and done["audience_id"] and done["total_records"] > 0
    for segment in done["segments"]:
        assert set(segment) >= {"group_id", "size", "size_percentage", "name", "dominantTraits", "characteristics"}

    export = cloud.http.get(f"/api/export/{done['audience_id']}?format=csv")
    assert export.status_code == 200
    assert export.headers["Content-Type"].startswith("text/csv")
    assert export.headers["Content-Disposition"].startswith("attachment; filename=")

    sent = cloud.http.post("/api/distribute", json={"audience_id": done["audience_id"], "platforms": ["meta"]})
    assert sent.status_code == 200 and sent.json()["status"] and isinstance(sent.json()["results"], list)


def test_health_names_the_seed_components(cloud):
    body = cloud.http.get("/api/health").json()
    assert {"variable_selector", "clustering_engine", "data_retriever"} <= set(body["components"])
    assert body["version"]
