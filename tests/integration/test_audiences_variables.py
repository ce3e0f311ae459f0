"""The variable catalog API (GET /api/variables/search, GET /api/variables/{code}) through template.yaml
deployed into the in-process emulator, over the full catalog built by `make catalog`."""

import os

import pytest

SEARCH = "/api/variables/search"


def search(http, **params):
    response = http.get(SEARCH, query_string=params)
    return response.status_code, response.get_json()


def test_search_answers_a_marketer_phrasing_with_census_and_gss_variables(http):
    status, body = search(http, q="car-free households", k=10)
    assert status == 200, body
    results = body["results"]
    assert len(results) == 10
    assert any(r["code"].startswith(("B08201_", "B25044_", "B08141_")) for r in results[:5])
    top = results[0]
    assert set(top) == {"code", "description", "type", "category", "source", "score", "matched"}
    assert set(top["matched"]) == {"lexical", "dense", "keyword", "intent"}


def test_search_filters_by_type_record_set_and_data_type(http):
    status, body = search(http, q="environmentally conscious millennials", k=20, type="psychographic",
                          record_set="panel", data_type="third_party")
    assert status == 200, body
    assert body["results"] and all(r["type"] == "psychographic" and r["source"] == "gss" for r in body["results"])
    for hit in body["results"][:5]:
        variable = http.get(f"/api/variables/{hit['code']}").get_json()
        assert "panel" in variable["dataAvailability"]["record_sets"]
        assert "third_party" in variable["dataAvailability"]["data_types"]


@pytest.mark.parametrize(("params", "field"), [
    ({"q": "", "k": 5}, "q"), ({"q": "   ", "k": 5}, "q"), ({"q": "x" * 501}, "q"), ({"k": 5}, "q"),
    ({"q": "income", "k": 0}, "k"), ({"q": "income", "k": 101}, "k"), ({"q": "income", "k": "ten"}, "k"),
    ({"q": "income", "type": "lifestyle"}, "type"), ({"q": "income", "data_type": "second_party"}, "data_type"),
    ({"q": "income", "record_set": "census"}, "record_set"),
])
def test_bad_search_input_is_a_422_naming_the_parameter(http, params, field):
    status, body = search(http, **params)
    assert status == 422, body
    assert any(field in (error["field"] or "") for error in body["errors"]), body


def test_get_variable_acs_and_gss(http):
    acs = http.get("/api/variables/B19013_001E")
    assert acs.status_code == 200, acs.get_json()
    body = acs.get_json()
    assert body["code"] == "B19013_001E" and body["type"] == "demographic" and body["table"] == "B19013"
    assert body["columns"] == {"panel": "income16"}
    assert body["dataAvailability"] == {"record_sets": ["panel"], "data_types": ["third_party", "clean_room"]}
    gss = http.get("/api/variables/gss.partyid").get_json()
    assert gss["values"]["0"] == "strong democrat" and gss["columns"] == {"panel": "partyid"}
    zcta = http.get("/api/variables/B19301_001E").get_json()
    assert zcta["columns"] == {"zcta": "per_capita_income"}


def test_unknown_variable_is_a_404(http):
    response = http.get("/api/variables/B99999_001E")
    assert response.status_code == 404
    assert "B99999_001E" in response.get_json()["message"]


def test_a_missing_index_is_a_503_naming_the_file(http, stack, aws, tmp_path):
    lambda_client = aws("lambda")
    name = stack.ref("VariablesSearchFunction")
    variables = lambda_client.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    lambda_client.update_function_configuration(
        FunctionName=name, Environment={"Variables": {**variables, "CATALOG_DIR": str(tmp_path)}})
    try:
        status, body = search(http, q="income")
    finally:
        lambda_client.update_function_configuration(FunctionName=name, Environment={"Variables": variables})
        # The in-process runtime applies a function's environment to the whole process and never removes a
        # key: take CATALOG_DIR out again, or later functions (and the e2e cloud started from this process's
        # environment) would read the missing catalog.
        os.environ.pop("CATALOG_DIR", None)
    assert status == 503, body
    assert str(tmp_path / "manifest.json") in body["message"]
