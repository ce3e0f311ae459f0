"""The audience builder on the local cloud (`make up`), over HTTP only: a first-party file sent with the
presigned S3 POST, its validation report, and the whole process -> confirm -> export -> distribute
workflow on each record set."""

import csv
import io

import pytest
import requests


def people_csv(n: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "age", "degree", "partyid"])
    for i in range(n):
        writer.writerow([f"fake.person{i:05d}@example.invalid", 18 + (i * 7) % 70, ["high school", "bachelor's",
                         "graduate"][i % 3], i % 7])
    writer.writerow(["broken-address", 40, "graduate", 1])
    return out.getvalue().encode()


def upload(cloud, n: int = 1200) -> dict:
    ticket = cloud.http.post("/api/audiences/uploads", json={"filename": "crm.csv", "subtype": "email"})
    assert ticket.status_code == 201, ticket.text
    ticket = ticket.json()
    sent = requests.post(ticket["url"], data=ticket["fields"], timeout=60,  # straight to S3, not the API
                         files={"file": ("crm.csv", people_csv(n), "text/csv")})
    assert sent.status_code in (200, 201, 204), sent.text
    report = cloud.http.get(f"/api/audiences/uploads/{ticket['upload_id']}")
    assert report.status_code == 200, report.text
    return report.json()


def test_first_party_file_through_the_presigned_post(cloud):
    report = upload(cloud)
    assert report["status"] == "validated", report
    assert report["accepted"] == 1200 and report["rejected_rows"] == [
        {"line": 1202, "reason": "email: not an e-mail address"}]
    matched = {c["column"]: (c.get("matched") or {}).get("code") for c in report["columns"]}
    assert matched["age"] == "gss.age"


def test_session_state_machine_over_http(cloud):
    session = cloud.http.post("/api/nl/start_session").json()
    confirm = cloud.http.post("/api/nl/process", json={"session_id": session["session_id"], "action": "confirm",
                                                       "payload": {"confirmed_variables": ["gss.age"]}})
    assert confirm.status_code == 409
    missing = cloud.http.post("/api/nl/process", json={"session_id": "00000000-0000-4000-8000-000000000000",
                                                       "action": "process", "payload": {"input": "voters"}})
    assert missing.status_code == 404


@pytest.mark.parametrize("record_set", [{}, {"subtype": "postal_code"}])
def test_workflow_on_the_built_in_record_sets(cloud, record_set):
    session = cloud.http.post("/api/nl/start_session").json()
    suggested = cloud.http.post("/api/nl/process", json={
        "session_id": session["session_id"], "action": "process",
        "payload": {"input": "environmentally conscious millennials", "data_type": "third_party", **record_set}})
    assert suggested.status_code == 200, suggested.text
    body = suggested.json()
    codes = [v["code"] for group in body["suggested_variables"].values() for v in group][:8]
    done = cloud.http.post("/api/nl/process", json={"session_id": session["session_id"], "action": "confirm",
                                                    "payload": {"confirmed_variables": codes}})
    assert done.status_code == 200, done.text
    audience = done.json()
    total = audience["total_records"]
    assert all(0.05 * total - 1 < s["size"] <= 0.10 * total for s in audience["segments"])
    export = cloud.http.get(f"/api/export/{audience['audience_id']}?format=csv")
    assert export.status_code == 200 and export.text.startswith("# audience_id: ")
    sent = cloud.http.post("/api/distribute", json={"audience_id": audience["audience_id"], "platforms": ["meta"]})
    assert sent.status_code == 200 and sent.json()["results"]


def test_workflow_on_an_upload(cloud):
    report = upload(cloud)
    session = cloud.http.post("/api/nl/start_session").json()
    suggested = cloud.http.post("/api/nl/process", json={
        "session_id": session["session_id"], "action": "process",
        "payload": {"input": "young graduates", "data_type": "first_party", "subtype": "email",
                    "upload_id": report["upload_id"]}})
    assert suggested.status_code == 200, suggested.text
    codes = [v["code"] for group in suggested.json()["suggested_variables"].values() for v in group]
    assert set(codes) <= {"gss.age", "gss.degree", "gss.partyid"}
    done = cloud.http.post("/api/nl/process", json={"session_id": session["session_id"], "action": "confirm",
                                                    "payload": {"confirmed_variables": codes}})
    assert done.status_code == 200, done.text
