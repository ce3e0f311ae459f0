"""The audience builder through the deployed template: the session state machine, uploads and their
validation, bad input, and (with the catalog search and clusterer deployed) the whole workflow."""

import csv
import io
import json
import math
import time
import uuid

import pytest

from tests.integration.conftest import http_client

PROCESS = "/api/nl/process"


def start(http) -> str:
    response = http.post("/api/nl/start_session")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready" and body["message"]
    return body["session_id"]


def process(http, session_id: str, action: str, **payload):
    return http.post(PROCESS, json={"session_id": session_id, "action": action, "payload": payload})


def error_fields(response) -> list[str]:
    return [e["field"] for e in response.get_json().get("errors", [])]


def test_confirm_before_process_is_a_conflict(http):
    session_id = start(http)
    response = process(http, session_id, "confirm", confirmed_variables=["gss.age"])
    assert response.status_code == 409
    assert "initial" in response.get_json()["message"]
    assert process(http, session_id, "refine", input="young voters").status_code == 409


def test_unknown_session_is_404_and_expired_is_410(http, stack, aws):
    assert process(http, str(uuid.uuid4()), "process", input="young voters").status_code == 404
    session_id = start(http)
    aws("dynamodb").update_item(TableName=stack.ref("EntitiesTable"),
                                Key={"pk": {"S": f"NLSESSION#{session_id}"}, "sk": {"S": "SESSION"}},
                                UpdateExpression="SET expires_at = :past",
                                ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}})
    response = process(http, session_id, "process", input="young voters")
    assert response.status_code == 410
    assert "expired" in response.get_json()["message"]


def test_first_party_without_an_upload_says_how_to_upload(http):
    """The seed's own example: first_party / rampid, but no file was ever uploaded."""
    session_id = start(http)
    response = process(http, session_id, "process", input="environmentally conscious millennials",
                       data_type="first_party", subtype="rampid")
    assert response.status_code == 422
    assert error_fields(response) == ["payload.upload_id"]
    assert "POST /api/audiences/uploads" in response.get_json()["message"]


@pytest.mark.parametrize(("body", "field"), [
    ({"action": "explode", "payload": {"input": "x"}}, "body.action"),
    ({"payload": {"input": "x"}}, "body.action"),
    ({"action": "process", "payload": {"input": "x", "data_type": "second_party"}}, "body.payload.data_type"),
    ({"action": "process", "payload": {"input": "x", "subtype": "fax"}}, "body.payload.subtype"),
    ({"action": "process", "payload": {"input": "x" * 501}}, "body.payload.input"),
    ({"action": "process", "payload": {"input": "x", "colour": "red"}}, "body.payload.colour"),
])
def test_bad_requests_name_the_field(http, body, field):
    session_id = start(http)
    response = http.post(PROCESS, json={"session_id": session_id, **body})
    assert response.status_code == 422
    assert any(f.startswith(field) for f in error_fields(response)), response.get_json()


@pytest.mark.parametrize("payload", [{"input": "   "}, {}])
def test_empty_input_is_422_and_leaves_the_session_alone(http, stack, aws, payload):
    session_id = start(http)
    response = process(http, session_id, "process", **payload)
    assert response.status_code == 422
    assert error_fields(response) == ["payload.input"]
    item = aws("dynamodb").get_item(TableName=stack.ref("EntitiesTable"),
                                    Key={"pk": {"S": f"NLSESSION#{session_id}"}, "sk": {"S": "SESSION"}})["Item"]
    assert item["status"]["S"] == "initial"


def test_unknown_audience_is_404(http):
    assert http.get(f"/api/audiences/{uuid.uuid4()}").status_code == 404
    assert http.get(f"/api/export/{uuid.uuid4()}?format=csv").status_code == 404
    response = http.post("/api/distribute", json={"audience_id": str(uuid.uuid4()), "platforms": ["meta"]})
    assert response.status_code == 404


# ---------------------------------------------------------------- uploads
def upload_csv(http, stack, aws, subtype: str, text: str) -> dict:
    response = http.post("/api/audiences/uploads", json={"filename": "customers.csv", "subtype": subtype})
    assert response.status_code == 201, response.get_json()
    ticket = response.get_json()
    assert ticket["fields"]["key"].startswith("uploads/") and ticket["url"] and ticket["expires_at"]
    pending = http.get(f"/api/audiences/uploads/{ticket['upload_id']}").get_json()
    assert pending["status"] == "awaiting_file"
    aws("s3").put_object(Bucket=stack.ref("ArtifactsBucket"), Key=ticket["fields"]["key"], Body=text.encode(),
                         ContentType="text/csv")
    response = http.get(f"/api/audiences/uploads/{ticket['upload_id']}")
    assert response.status_code == 200
    return response.get_json()


def people_csv(n: int, bad_lines: dict[int, str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "age", "degree", "partyid", "favourite_colour"])
    for i in range(n):
        writer.writerow([f"Person{i:04d}@Example.invalid ", 20 + i % 60, ["high school", "bachelor's"][i % 2],
                         i % 7, ["red", "blue"][i % 2]])
    lines = out.getvalue().splitlines()
    for line, text in (bad_lines or {}).items():
        lines[line - 1] = text
    return "\n".join(lines) + "\n"


def test_upload_validation_reports_rejected_rows_by_line_and_matches_columns(http, stack, aws):
    report = upload_csv(http, stack, aws, "email", people_csv(150, {5: "not-an-email,30,bachelor's,2,red",
                                                                    9: "person9@x.invalid,30"}))
    assert report["status"] == "validated", report
    assert report["rows"] == 150 and report["accepted"] == 148 and report["rejected"] == 2
    assert [r["line"] for r in report["rejected_rows"]] == [5, 9]
    assert "not-an-email" not in str(report)  # identifiers are never quoted back
    matched = {c["column"]: (c.get("matched") or {}).get("code") for c in report["columns"]}
    assert matched["age"] == "gss.age" and matched["partyid"] == "gss.partyid"


def test_upload_without_the_identifier_column_or_with_too_few_rows_is_rejected(http, stack, aws):
    report = upload_csv(http, stack, aws, "phone", people_csv(150))
    assert report["status"] == "rejected" and report["field"] == "subtype" and "'phone'" in report["reason"]
    report = upload_csv(http, stack, aws, "email", people_csv(20))
    assert report["status"] == "rejected" and "at least 100" in report["reason"]
    session_id = start(http)
    response = process(http, session_id, "process", input="young graduates", data_type="first_party",
                       subtype="email", upload_id=report["upload_id"])
    assert response.status_code == 422 and error_fields(response) == ["payload.upload_id"]


@pytest.mark.parametrize("body", [{"filename": "x.exe", "subtype": "email"},
                                  {"filename": "x.csv", "subtype": "fax"}, {"filename": "x.csv"}])
def test_bad_upload_requests(http, body):
    assert http.post("/api/audiences/uploads", json=body).status_code == 422


def test_unknown_upload_is_404(http):
    assert http.get(f"/api/audiences/uploads/{uuid.uuid4()}").status_code == 404


# ---------------------------------------------------------------- confirm onwards
def suggested_session(http, stack, aws, columns: list[str], record_set: dict) -> tuple[str, list[str]]:
    """A session in state variables_suggested whose suggestions are the named columns of the record set,
    written as the process action writes it. The process action itself needs the catalog search (issue 12);
    tests/e2e/test_audiences_http.py goes through it once that is deployed."""
    from segmentation.audiences import records
    from segmentation.platform import dynamodb

    session_id = start(http)
    recs = None if record_set["record_set"] == "upload" else records.load_builtin(record_set["record_set"])
    suggestions = []
    for name in columns:
        meta = recs.column(name) if recs else {"code": f"gss.{name}", "description": name}
        suggestions.append({"code": meta["code"], "description": meta["description"], "type": "demographic",
                            "category": None, "relevance_score": 1.0, "column": name})
    aws("dynamodb").update_item(
        TableName=stack.ref("EntitiesTable"), Key={"pk": {"S": f"NLSESSION#{session_id}"}, "sk": {"S": "SESSION"}},
        UpdateExpression="SET #s = :s, suggestions = :g, record_set = :r, #q = :q, version = :v",
        ExpressionAttributeNames={"#s": "status", "#q": "query"},
        ExpressionAttributeValues=dynamodb.values(s="variables_suggested", g=suggestions, r=record_set,
                                                  q="environmentally conscious millennials", v=2))
    return session_id, [s["code"] for s in suggestions]


PANEL = {"data_type": "third_party", "subtype": "panel", "record_set": "panel", "upload_id": None, "clean_room": False}
PANEL_COLUMNS = ["natenvir", "age", "degree", "partyid", "sex", "realinc", "polviews", "xnorcsiz"]


def session_item(stack, aws, session_id: str) -> dict:
    from segmentation.platform import dynamodb

    return dynamodb.deserialize(aws("dynamodb").get_item(
        TableName=stack.ref("EntitiesTable"),
        Key={"pk": {"S": f"NLSESSION#{session_id}"}, "sk": {"S": "SESSION"}})["Item"])


def test_confirm_on_the_panel_builds_weighted_segments_within_the_bounds(http, stack, aws):
    session_id, codes = suggested_session(http, stack, aws, PANEL_COLUMNS, PANEL)
    response = process(http, session_id, "confirm", confirmed_variables=codes, n_clusters=12)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "complete" and body["data_type"] == "third_party"
    segments, total = body["segments"], body["total_records"]
    assert 5000 < total <= 5215 and len(segments) == 12
    assert sum(s["size"] for s in segments) == total
    assert all(math.ceil(0.05 * total) <= s["size"] <= math.floor(0.10 * total) for s in segments)
    assert len({s["name"] for s in segments}) == 12
    for s in segments:
        assert set(s) >= {"group_id", "size", "size_percentage", "name", "dominantTraits", "characteristics",
                          "lifestyle_segments", "diversity_score"}
        assert 0 < s["diversity_score"] <= 1 and s["lifestyle_segments"][0]["index"] > 0
    assert session_item(stack, aws, session_id)["status"] == "complete"

    audience = http.get(f"/api/audiences/{body['audience_id']}").get_json()
    assert audience["total_records"] == total and audience["record_set"] == "panel"

    export = http.get(f"/api/export/{body['audience_id']}?format=csv")
    assert export.status_code == 200 and export.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in export.headers["Content-Disposition"]
    lines = export.get_data(as_text=True).splitlines()
    meta = [line for line in lines if line.startswith("#")]
    assert any(line.startswith(f"# audience_id: {body['audience_id']}") for line in meta)
    assert any("gss.natenvir" in line for line in meta) and any("created_at" in line for line in meta)
    rows = list(csv.reader(lines[len(meta):]))
    assert rows[0][:3] == ["respondent_id", "group_id", "segment_name"] and len(rows) - 1 == total

    sent = http.post("/api/distribute", json={"audience_id": body["audience_id"], "platforms": ["meta", "ttd"]})
    assert sent.status_code == 200, sent.get_json()
    result = sent.get_json()
    assert len(result["results"]) == 24 and {r["status"] for r in result["results"]} <= {"queued", "refused"}
    keys = [o["Key"] for o in aws("s3").list_objects_v2(Bucket=stack.ref("ArtifactsBucket"),
                                                         Prefix=f"outbox/{result['distribution_id']}/")["Contents"]]
    assert f"outbox/{result['distribution_id']}/status.json" in keys
    payload = json.loads(aws("s3").get_object(Bucket=stack.ref("ArtifactsBucket"),
                                              Key=f"outbox/{result['distribution_id']}/meta/0.json")["Body"].read())
    assert "segment_definition" in payload["payload"]  # survey respondents go out as definitions, not people

    employment = http.post("/api/distribute", json={"audience_id": body["audience_id"], "platforms": ["meta"],
                                                    "ad_category": "employment"}).get_json()
    assert all(r["status"] == "refused" and "age" in r["reason"] for r in employment["results"])


def test_a_failed_clustering_keeps_the_session_and_records_why(http, stack, aws):
    session_id, codes = suggested_session(http, stack, aws, ["age", "sex"], PANEL)
    response = process(http, session_id, "confirm", confirmed_variables=codes, min_size=0.4, max_size=0.45)
    assert response.status_code == 422, response.get_json()
    assert error_fields(response)[0].startswith("payload."), response.get_json()
    item = session_item(stack, aws, session_id)
    assert item["status"] == "variables_suggested"
    assert item["last_error"]["action"] == "confirm" and item["last_error"]["reason"]
    assert item["history"][-1]["outcome"] == "failed"
    bad = process(http, session_id, "confirm", confirmed_variables=["gss.notsuggested"])
    assert bad.status_code == 422 and error_fields(bad) == ["payload.confirmed_variables"]


def test_zcta_audience_exports_through_s3_when_large_and_distributes_zip_targets(http, stack, aws):
    zcta = {"data_type": "third_party", "subtype": "postal_code", "record_set": "zcta", "upload_id": None,
            "clean_room": False}
    session_id, codes = suggested_session(http, stack, aws, ["per_capita_income", "median_age"], zcta)
    body = process(http, session_id, "confirm", confirmed_variables=codes, n_clusters=12).get_json()
    assert body["status"] == "complete", body
    assert all(s["lifestyle_segments"] for s in body["segments"])
    aws("lambda").update_function_configuration(
        FunctionName=stack.ref("AudiencesExportFunction"),
        Environment={"Variables": {**aws("lambda").get_function_configuration(
            FunctionName=stack.ref("AudiencesExportFunction"))["Environment"]["Variables"],
            "EXPORT_INLINE_LIMIT": "100000"}})
    export = http.get(f"/api/export/{body['audience_id']}?format=csv")
    assert export.status_code == 302
    location = export.headers["Location"]
    assert "response-content-disposition=attachment" in location and "response-content-type=text%2Fcsv" in location
    key = f"exports/{body['audience_id']}/audience_{body['audience_id']}.csv"
    text = aws("s3").get_object(Bucket=stack.ref("ArtifactsBucket"), Key=key)["Body"].read().decode()
    assert text.count("\n") > 30000 and "# record_set: zcta" in text
    sent = http.post("/api/distribute", json={"audience_id": body["audience_id"], "platforms": ["meta"],
                                              "segments": [0]}).get_json()
    assert sent["results"][0]["status"] == "queued"
    unknown = http.post("/api/distribute", json={"audience_id": body["audience_id"], "platforms": ["meta"],
                                                 "segments": [99]})
    assert unknown.status_code == 422


def uploaded(http, stack, aws, n: int, data_type: str) -> tuple[str, dict]:
    report = upload_csv(http, stack, aws, "email", people_csv(n))
    assert report["status"] == "validated", report
    return report["upload_id"], {"data_type": data_type, "subtype": "email", "record_set": "upload",
                                 "upload_id": report["upload_id"], "clean_room": data_type == "clean_room"}


def test_clean_room_outputs_aggregates_only_and_suppresses_small_segments(http, stack, aws):
    _upload_id, chosen = uploaded(http, stack, aws, 700, "clean_room")
    session_id, codes = suggested_session(http, stack, aws, ["age", "degree", "partyid"], chosen)
    body = process(http, session_id, "confirm", confirmed_variables=codes, n_clusters=16).get_json()
    assert body["status"] == "complete", body
    suppressed = [s for s in body["segments"] if s.get("suppressed")]
    assert suppressed and all("size" not in s for s in suppressed)  # 16 segments of 35-70, mean 43.75: some < 50
    text = http.get(f"/api/export/{body['audience_id']}?format=csv").get_data(as_text=True)
    assert "@example.invalid" not in text  # nothing row-level leaves a clean room
    rows = list(csv.reader([line for line in text.splitlines() if not line.startswith("#")]))
    assert rows[0] == ["group_id", "name", "size", "size_percentage", "dominant_traits", "suppressed"]
    assert len(rows) == 17 and sum(r[5] == "true" for r in rows[1:]) == len(suppressed)
    sent = http.post("/api/distribute", json={"audience_id": body["audience_id"], "platforms": ["meta"]}).get_json()
    assert {r["status"] for r in sent["results"]} == {"queued", "suppressed"}


def test_first_party_upload_distributes_hashed_identifiers(http, stack, aws):
    _upload_id, chosen = uploaded(http, stack, aws, 1500, "first_party")
    session_id, codes = suggested_session(http, stack, aws, ["age", "degree"], chosen)
    body = process(http, session_id, "confirm", confirmed_variables=codes, n_clusters=10).get_json()
    assert body["status"] == "complete", body
    sent = http.post("/api/distribute", json={"audience_id": body["audience_id"],
                                              "platforms": ["meta", "liveramp"]}).get_json()
    meta = [r for r in sent["results"] if r["platform"] == "meta"]
    assert {r["status"] for r in meta} <= {"queued", "too_small"} and any(r["status"] == "queued" for r in meta)
    assert {r["status"] for r in sent["results"] if r["platform"] == "liveramp"} == {"not_applicable"}
    queued = next(r for r in meta if r["status"] == "queued")
    payload = json.loads(aws("s3").get_object(
        Bucket=stack.ref("ArtifactsBucket"),
        Key=f"outbox/{sent['distribution_id']}/meta/{queued['group_id']}.json")["Body"].read())["payload"]
    data = payload["users"]["payload"]["data"]
    assert len(data) == queued["size"] and all(len(row[0]) == 64 for row in data)
    assert "example.invalid" not in json.dumps(payload)


def test_writes_record_the_caller_session_upload_audience_export_distribution(http, stack, aws):
    """Sessions, uploads, audiences, exports and distributions name who wrote them (issue 17): here the
    non-admin demo user `demo-write`, and the admin `demo-admin` for what only an admin may do."""
    import os

    writer = http_client(stack, "write")
    report = upload_csv(writer, stack, aws, "email", people_csv(600))
    upload = aws("dynamodb").get_item(TableName=stack.ref("EntitiesTable"), Key={
        "pk": {"S": f"UPLOAD#{report['upload_id']}"}, "sk": {"S": "UPLOAD"}})["Item"]
    assert upload["created_by"]["S"] == upload["updated_by"]["S"] == "demo-write"
    session_id, codes = suggested_session(writer, stack, aws, ["age", "sex"], PANEL)
    assert session_item(stack, aws, session_id)["created_by"] == "demo-write"
    body = process(writer, session_id, "confirm", confirmed_variables=codes, n_clusters=12).get_json()
    assert body["status"] == "complete", body
    session = session_item(stack, aws, session_id)
    assert (session["created_by"], session["updated_by"]) == ("demo-write", "demo-write")
    audience = http.get(f"/api/audiences/{body['audience_id']}").get_json()
    assert audience["created_by"] == "demo-write"

    function = stack.ref("AudiencesExportFunction")
    variables = aws("lambda").get_function_configuration(FunctionName=function)["Environment"]["Variables"]
    aws("lambda").update_function_configuration(FunctionName=function, Environment={"Variables": {
        **variables, "EXPORT_INLINE_LIMIT": "100"}})  # staged in S3, not inline
    try:
        assert writer.get(f"/api/export/{body['audience_id']}?format=csv").status_code == 302
    finally:
        aws("lambda").update_function_configuration(FunctionName=function, Environment={"Variables": variables})
        if "EXPORT_INLINE_LIMIT" not in variables:
            os.environ.pop("EXPORT_INLINE_LIMIT", None)  # the in-process runtime applies it process-wide
    staged = aws("s3").head_object(Bucket=stack.ref("ArtifactsBucket"),
                                   Key=f"exports/{body['audience_id']}/audience_{body['audience_id']}.csv")
    assert staged["Metadata"] == {"created-by": "demo-write"}

    sent = http.post("/api/distribute", json={"audience_id": body["audience_id"], "platforms": ["meta"],
                                              "segments": [0]}).get_json()  # distribution is admin's
    assert sent["created_by"] == "demo-admin"
    status = json.loads(aws("s3").get_object(Bucket=stack.ref("ArtifactsBucket"),
                                             Key=f"outbox/{sent['distribution_id']}/status.json")["Body"].read())
    assert status["created_by"] == "demo-admin"
    for result in (r for r in sent["results"] if r["status"] == "queued"):
        key = f"outbox/{sent['distribution_id']}/meta/{result['group_id']}.json"
        assert json.loads(aws("s3").get_object(Bucket=stack.ref("ArtifactsBucket"), Key=key)["Body"].read())[
            "created_by"] == "demo-admin"


def test_refine_narrows_the_suggestions_and_keeps_the_history(http, stack, aws):
    session_id, codes = suggested_session(http, stack, aws, ["age", "sex", "degree"], PANEL)
    done = process(http, session_id, "confirm", confirmed_variables=codes, n_clusters=12)
    assert done.status_code == 200, done.get_json()
    refined = process(http, session_id, "refine", confirmed_variables=["gss.age", "gss.degree"])
    assert refined.status_code == 200, refined.get_json()
    body = refined.get_json()
    assert body["status"] == "variables_suggested" and body["total_suggested"] == 2
    assert process(http, session_id, "refine", confirmed_variables=["gss.partyid"]).status_code == 422
    again = process(http, session_id, "confirm", confirmed_variables=["gss.age", "gss.degree"], n_clusters=12)
    assert again.status_code == 200 and again.get_json()["audience_id"] != done.get_json()["audience_id"]
    history = session_item(stack, aws, session_id)["history"]
    assert [(h["action"], h["outcome"]) for h in history] == [
        ("confirm", "complete"), ("refine", "variables_suggested"), ("confirm", "complete")]
