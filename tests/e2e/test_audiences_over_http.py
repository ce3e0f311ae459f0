"""The variable catalog on the local cloud (`make up`), over HTTP only: the handlers find the catalog
built by `make catalog` the way they find the encoder (in the working tree, LocalCloudExclude)."""


def test_variable_search_and_lookup_over_http(cloud):
    response = cloud.http.get("/api/variables/search", params={"q": "affluent millennials", "k": 10})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == 10
    assert {r["type"] for r in results} <= {"demographic", "behavioral", "psychographic"}
    first = cloud.http.get(f"/api/variables/{results[0]['code']}")
    assert first.status_code == 200, first.text
    assert first.json()["code"] == results[0]["code"]
    assert set(first.json()["dataAvailability"]) == {"record_sets", "data_types"}


def test_variable_search_rejects_bad_input_over_http(cloud):
    response = cloud.http.get("/api/variables/search", params={"q": "income", "k": 500})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "k"
    assert cloud.http.get("/api/variables/not-a-variable").status_code == 404
