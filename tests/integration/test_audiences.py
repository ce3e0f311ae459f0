"""The audience builder through the deployed template: the session state machine, uploads and their
validation, bad input, and (with the catalog search and clusterer deployed) the whole workflow."""

import csv
import io
import time
import uuid

import pytest

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
