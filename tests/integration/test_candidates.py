"""The candidates service through the deployed template (in-process emulator): CRUD and bad input over the
HTTP data plane, the training state machine (gates, refused promotion, rollback, too few candidates),
prediction write-back, bulk import with rejected rows, and a missing or corrupt model."""

import csv
import io
import json

import pytest

from tests.conftest import ROOT
from tests.integration.conftest import http_client
from tests.integration.helpers import read_json, replace_function_code, state_names, wait_for_executions

DEMO = ROOT / "models" / "candidates" / "demo" / "stackoverflow_candidates.csv"


def demo_rows(count: int) -> list[dict]:
    rows = []
    with DEMO.open(encoding="utf-8", newline="") as handle:
        for row in list(csv.DictReader(handle))[:count]:
            rows.append({"candidate_id": row["candidate_id"],
                         **{k: float(row[k]) for k in ("years_experience", "desired_salary") if row[k]},
                         **{k: row[k] for k in ("location", "education_level", "primary_skill") if row[k]},
                         "skills": [s for s in row["skills"].split(";") if s]})
    return rows


def body(response) -> dict:
    return json.loads(response.get_data(as_text=True))


def post(http, path: str, payload) -> tuple[int, dict]:
    response = http.post(path, data=json.dumps(payload), content_type="application/json")
    return response.status_code, body(response)


def train(http, aws, stack, clusters=4, count=1) -> dict:
    status, started = post(http, "/api/candidates/segmentation/train", {"clusters": clusters})
    assert status == 202, started
    wait_for_executions(aws("stepfunctions"), stack.ref("CandidatesTrainingStateMachine"), count=count, timeout=300)
    response = http.get(f"/api/candidates/segmentation/runs/{started['run_id']}")
    assert response.status_code == 200
    return body(response)


@pytest.fixture
def pool(stack, http):
    status, created = post(http, "/api/candidates", {"candidates": demo_rows(300)})
    assert status == 201 and created["created"] == 300
    return stack


def test_create_get_update_delete_and_a_batch_is_all_or_nothing(stack, http):
    status, created = post(http, "/api/candidates", {"candidate_id": "c-1", "years_experience": 3,
                                                     "desired_salary": 60000, "location": "Germany",
                                                     "skills": ["Python", "SQL"], "email": "a@example.com"})
    assert status == 201 and created["candidates"][0]["segment_id"] is None  # no model yet
    assert body(http.get("/api/candidates/c-1"))["skills"] == ["Python", "SQL"]
    response = http.patch("/api/candidates/c-1", data=json.dumps({"location": None, "years_experience": 4}),
                          content_type="application/json")
    assert response.status_code == 200 and body(response)["location"] is None
    assert body(response)["years_experience"] == 4
    assert post(http, "/api/candidates", {"candidate_id": "c-1"})[0] == 409

    status, report = post(http, "/api/candidates", {"candidates": [
        {"candidate_id": "ok-1"}, {"candidate_id": "bad-1", "years_experience": -2},
        {"candidate_id": "bad-2", "desired_salary": "90k"}, {"candidate_id": "bad-3", "nickname": "x"},
        {"candidate_id": "segments"}, {"candidate_id": "bad-4", "location": "x" * 101}]})
    assert status == 422, report
    assert [item["index"] for item in report["items"]] == [1, 2, 3, 4, 5]
    fields = {e["field"] for e in report["errors"]}
    assert {"body.candidates.1.years_experience", "body.candidates.2.desired_salary",
            "body.candidates.3.nickname", "body.candidates.4.candidate_id", "body.candidates.5.location"} <= fields
    assert http.get("/api/candidates/ok-1").status_code == 404  # nothing was written
    assert post(http, "/api/candidates", {"candidates": [{"candidate_id": f"x{i}"} for i in range(501)]})[0] == 422

    assert http.delete("/api/candidates/c-1").status_code == 200
    assert http.get("/api/candidates/c-1").status_code == 404
    assert http.delete("/api/candidates/c-1").status_code == 404


# The create function as deployed, with a DynamoDB failure injected at the boto level: the Nth
# TransactWriteItems call of one request answers InternalServerError (botocore's retries never see it, as
# when they are exhausted); FAIL_DELETES also fails every BatchWriteItem (the rollback's deletes).
FAULT = '''

from botocore.exceptions import ClientError
from segmentation.platform import aws

_real_handler = handler


def _failure(operation):
    return ClientError({"Error": {"Code": "InternalServerError", "Message": "injected fault"},
                        "ResponseMetadata": {"HTTPStatusCode": 500}}, operation)


def handler(event, context):
    transactions = []

    def transact(**_kwargs):
        transactions.append(1)
        if len(transactions) == FAIL_ON_TRANSACTION:
            raise _failure("TransactWriteItems")

    def batch_write(**_kwargs):
        if FAIL_DELETES:
            raise _failure("BatchWriteItem")

    events = aws.client("dynamodb").meta.events
    events.register("before-call.dynamodb.TransactWriteItems", transact, unique_id="fault-transact")
    events.register("before-call.dynamodb.BatchWriteItem", batch_write, unique_id="fault-batch")
    try:
        return _real_handler(event, context)
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", unique_id="fault-transact")
        events.unregister("before-call.dynamodb.BatchWriteItem", unique_id="fault-batch")
'''


def faulty_create(fail_on: int, fail_deletes: bool) -> str:
    return ((ROOT / "functions" / "candidates" / "create.py").read_text() + FAULT +
            f"\nFAIL_ON_TRANSACTION = {fail_on}\nFAIL_DELETES = {fail_deletes}\n")


def candidate_items(aws, stack, prefix: str) -> list[dict]:
    return aws("dynamodb").scan(TableName=stack.ref("EntitiesTable"), FilterExpression="begins_with(pk, :p)",
                                ExpressionAttributeValues={":p": {"S": f"CANDIDATE#{prefix}"}})["Items"]


def candidate_item(aws, stack, candidate_id: str) -> dict:
    return aws("dynamodb").get_item(TableName=stack.ref("EntitiesTable"), Key={
        "pk": {"S": f"CANDIDATE#{candidate_id}"}, "sk": {"S": "CANDIDATE"}})["Item"]


def test_a_batch_that_dynamodb_fails_midway_leaves_nothing_written_even_assigned(pool, http, aws):
    assert train(http, aws, pool)["status"] == "SUCCEEDED"  # a promoted model: the batch is assigned at once
    segments_before = {s["segment_id"]: s["size"] for s in body(http.get("/api/candidates/segments"))["segments"]}
    replace_function_code(aws("lambda"), pool.ref("CandidatesCreateFunction"), "create",
                          faulty_create(3, False))
    batch = [{**row, "candidate_id": f"half-{row['candidate_id']}"} for row in demo_rows(250)]
    status, answer = post(http, "/api/candidates", {"candidates": batch})  # transactions of 100, 100, 50
    assert status == 503, answer
    assert "nothing was written" in answer["message"] and "200 candidate(s) written before" in answer["message"]
    assert "InternalServerError" in answer["message"]
    assert candidate_items(aws, pool, "half-") == []  # the two transactions that succeeded were undone
    for segment_id in segments_before:  # and no segment lists one of them
        page = body(http.get(f"/api/candidates?segment_id={segment_id}&limit=100"))
        while True:
            assert not [c for c in page["items"] if c["candidate_id"].startswith("half-")]
            if not page["next_cursor"]:
                break
            page = body(http.get(f"/api/candidates?segment_id={segment_id}&limit=100&cursor={page['next_cursor']}"))
    assert body(http.get("/api/candidates?limit=1"))["items"]  # the pool itself is untouched

    # the first transaction failing writes nothing to undo; the answer says so just as clearly
    replace_function_code(aws("lambda"), pool.ref("CandidatesCreateFunction"), "create",
                          faulty_create(1, False))
    status, answer = post(http, "/api/candidates", {"candidates": batch})
    assert status == 503 and "nothing was written" in answer["message"], answer
    assert candidate_items(aws, pool, "half-") == []

    # without the fault the same batch is written whole, assigned
    replace_function_code(aws("lambda"), pool.ref("CandidatesCreateFunction"), "create",
                          faulty_create(0, False))
    status, created = post(http, "/api/candidates", {"candidates": batch})
    assert status == 201 and created["created"] == 250
    assert len(candidate_items(aws, pool, "half-")) == 250
    assert all(c["segment_id"] in segments_before for c in created["candidates"])


def test_a_failed_rollback_is_a_503_naming_the_ids_that_may_remain(stack, http, aws):
    replace_function_code(aws("lambda"), stack.ref("CandidatesCreateFunction"), "create",
                          faulty_create(2, True))
    batch = [{"candidate_id": f"stuck-{i:03d}", "years_experience": i % 20} for i in range(150)]
    status, answer = post(http, "/api/candidates", {"candidates": batch})
    assert status == 503, answer
    assert "deleting the 100 candidate(s) already written failed too" in answer["message"]
    assert "stuck-000" in answer["message"]
    assert len(candidate_items(aws, stack, "stuck-")) == 100  # what the message says may exist, does


def test_writes_record_the_caller_and_an_update_keeps_the_creator(stack, http, aws):
    writer = http_client(stack, "write")  # a non-admin caller: the demo user `demo-write`
    assert post(writer, "/api/candidates", {"candidate_id": "by-1", "years_experience": 2})[0] == 201
    assert post(writer, "/api/candidates", {"candidates": [{"candidate_id": "by-2"}, {"candidate_id": "by-3"}]})[0] \
        == 201
    for item in candidate_items(aws, stack, "by-"):
        assert item["created_by"]["S"] == item["updated_by"]["S"] == "demo-write"
    response = http.patch("/api/candidates/by-1", data=json.dumps({"years_experience": 3}),
                          content_type="application/json")  # the admin user updates
    assert response.status_code == 200, body(response)
    item = candidate_item(aws, stack, "by-1")
    assert (item["created_by"]["S"], item["updated_by"]["S"]) == ("demo-write", "demo-admin")


def test_without_a_model_segments_and_predict_are_503_naming_the_file(stack, http):
    response = http.get("/api/candidates/segments")
    assert response.status_code == 503
    assert "models/candidates/latest.json is missing" in body(response)["message"]
    assert post(http, "/api/candidates/segmentation/predict", {})[0] == 503


def test_training_run_promotes_names_segments_and_assigns_every_candidate(pool, http, aws):
    run = train(http, aws, pool)
    assert run["status"] == "SUCCEEDED", run
    assert run["counts"]["candidates"] == 300 and run["counts"]["assigned"] == 300
    assert run["result"]["num_candidates"] == 300 and sum(run["result"]["segments"].values()) == 300
    segments = body(http.get("/api/candidates/segments"))
    assert [s["segment_id"] for s in segments["segments"]] == ["0", "1", "2", "3"]
    assert all(s["name"] and s["profile"]["skills"] for s in segments["segments"])
    assert segments["model_version"] == run["result"]["version"]
    first = segments["segments"][0]
    page = body(http.get(f"/api/candidates?segment_id={first['segment_id']}&limit=500"))
    assert http.get("/api/candidates?segment_id=0&limit=500").status_code == 422  # limit is 1-100
    page = body(http.get(f"/api/candidates?segment_id={first['segment_id']}&limit=100"))
    assert page["items"] and all(c["segment_id"] == first["segment_id"] for c in page["items"])
    candidate = page["items"][0]
    assert candidate["segment_name"] == first["name"] and 0 <= candidate["segment_confidence"] <= 1
    assert candidate["segment_explanation"] and candidate["model_version"] == segments["model_version"]
    assert body(http.get(f"/api/candidates/segments/{first['segment_id']}"))["size"] == first["size"]
    assert http.get("/api/candidates/segments/99").status_code == 404

    status, created = post(http, "/api/candidates", {"candidate_id": "new-1", "years_experience": 12,
                                                     "location": "Germany", "skills": ["Python"]})
    assert status == 201 and created["candidates"][0]["segment_id"] in {"0", "1", "2", "3"}  # assigned at once

    status, predicted = post(http, "/api/candidates/segmentation/predict", {})
    assert status == 200 and predicted["num_candidates"] == 301
    assert list(predicted["segments"]) == sorted(predicted["segments"], key=int)
    assert sum(predicted["segments"].values()) == 301


def test_retrain_keeps_segment_ids_refused_gates_keep_latest_and_rollback(pool, http, aws, monkeypatch):
    first = train(http, aws, pool)
    assert first["status"] == "SUCCEEDED"
    before = body(http.get("/api/candidates/segments"))
    second = train(http, aws, pool, count=2)  # same pool: the same segments keep their ids
    after = body(http.get("/api/candidates/segments"))
    assert after["model_version"] != before["model_version"]
    assert {s["segment_id"]: s["size"] for s in after["segments"]} == \
        {s["segment_id"]: s["size"] for s in before["segments"]}
    assert second["status"] == "SUCCEEDED"

    function = pool.ref("CandidatesEvaluateFunction")
    variables = aws("lambda").get_function_configuration(FunctionName=function)["Environment"]["Variables"]
    monkeypatch.setenv("CANDIDATE_GATE_SILHOUETTE_MIN", "0.02")  # in-process Lambdas share os.environ: undone after
    aws("lambda").update_function_configuration(FunctionName=function, Environment={"Variables": {
        **variables, "CANDIDATE_GATE_SILHOUETTE_MIN": "0.99"}})
    refused = train(http, aws, pool, count=3)
    assert refused["status"] == "FAILED" and refused["error"] == "PromotionRefused"
    assert "silhouette" in refused["cause"] and "< 0.99" in refused["cause"]
    assert body(http.get("/api/candidates/segments"))["model_version"] == after["model_version"]

    from segmentation.candidates.registry import CandidateRegistry
    from segmentation.platform.storage import ArtifactStore

    CandidateRegistry(ArtifactStore(pool.ref("ArtifactsBucket"))).rollback()
    assert body(http.get("/api/candidates/segments"))["model_version"] == before["model_version"]


def test_too_few_candidates_fail_the_run_clearly(stack, http, aws):
    post(http, "/api/candidates", {"candidates": demo_rows(3)})
    run = train(http, aws, stack, clusters=5)
    assert run["status"] == "FAILED" and run["error"] == "TrainingDataError"
    assert "3 candidates cannot make 5 clusters" in run["cause"]
    executions = aws("stepfunctions").list_executions(
        stateMachineArn=stack.ref("CandidatesTrainingStateMachine"))["executions"]
    assert state_names(aws("stepfunctions"), executions[0]["executionArn"])[-2:] == \
        ["RecordFailure", "CandidateTrainingFailed"]
    assert "Contents" not in aws("s3").list_objects_v2(Bucket=stack.ref("ArtifactsBucket"), Prefix="models/candidates/")


def test_import_writes_valid_rows_reports_rejected_ones_and_trains(stack, http, aws):
    rows = demo_rows(120)
    lines = io.StringIO()
    writer = csv.writer(lines)
    writer.writerow(["id", "years_experience", "desired_salary", "location", "education_level", "primary_skill",
                     "skills"])
    for row in rows:
        writer.writerow([row["candidate_id"], row.get("years_experience", ""), row.get("desired_salary", ""),
                         row.get("location", ""), row.get("education_level", ""), row.get("primary_skill", ""),
                         ";".join(row["skills"])])
    writer.writerow(["bad-a", "-1", "", "", "", "", ""])  # line 122
    writer.writerow(["bad-b", "3", "lots", "", "", "", ""])  # line 123
    writer.writerow(["segmentation", "3", "", "", "", "", ""])  # line 124
    bucket = stack.ref("ArtifactsBucket")
    aws("s3").put_object(Bucket=bucket, Key="candidates/import/pool 1.csv", Body=lines.getvalue().encode())
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("CandidatesImportStateMachine"), timeout=300)
    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    run = body(http.get(f"/api/candidates/segmentation/runs/{execution['name']}"))
    assert run["counts"] == {"rows": 123, "accepted": 120, "rejected": 3}
    report = read_json(aws("s3"), bucket, run["result"]["report"])
    assert [(r["line"], r["errors"][0]["field"]) for r in report["rejected"]] == [
        (122, "years_experience"), (123, "desired_salary"), (124, "candidate_id")]
    assert body(http.get("/api/candidates/so-1"))["candidate_id"] == "so-1"
    item = candidate_item(aws, stack, "so-1")  # an import's writes name the file they came from
    assert item["created_by"]["S"] == item["updated_by"]["S"] == "import:candidates/import/pool 1.csv"

    [training] = wait_for_executions(aws("stepfunctions"), stack.ref("CandidatesTrainingStateMachine"), timeout=300)
    assert training["status"] == "SUCCEEDED", training.get("cause")
    assert body(http.get("/api/candidates/so-1"))["segment_id"] is not None

    # the same file again: one more import run would be idempotent; a duplicate notification starts none
    aws("s3").put_object(Bucket=bucket, Key="candidates/import/pool 1.csv", Body=lines.getvalue().encode())
    assert len(aws("stepfunctions").list_executions(
        stateMachineArn=stack.ref("CandidatesImportStateMachine"))["executions"]) == 1


def test_a_malformed_import_file_fails_with_its_report(stack, http, aws):
    bucket = stack.ref("ArtifactsBucket")
    aws("s3").put_object(Bucket=bucket, Key="candidates/import/broken.csv", Body=b"id,shoe_size\nx,42\n")
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("CandidatesImportStateMachine"))
    assert execution["status"] == "FAILED"
    run = body(http.get(f"/api/candidates/segmentation/runs/{execution['name']}"))
    assert run["error"] == "InvalidInput" and "unknown column(s) shoe_size" in run["cause"]
    assert aws("stepfunctions").list_executions(
        stateMachineArn=stack.ref("CandidatesTrainingStateMachine"))["executions"] == []


def test_a_corrupt_model_file_is_a_503_naming_it(pool, http, aws):
    run = train(http, aws, pool)
    bucket, version = pool.ref("ArtifactsBucket"), run["result"]["version"]
    from segmentation.candidates.registry import CandidateRegistry
    from segmentation.platform.storage import ArtifactStore

    registry = CandidateRegistry(ArtifactStore(bucket))
    model = registry.load(version)
    model.manifest["version"] = "corrupt-1"
    registry.publish(model)
    registry.promote("corrupt-1")
    aws("s3").put_object(Bucket=bucket, Key="models/candidates/corrupt-1/centroids.npy", Body=b"not numpy")
    response = http.get("/api/candidates/segments")
    assert response.status_code == 503
    assert "models/candidates/corrupt-1/centroids.npy is corrupt" in body(response)["message"]
    status, created = post(http, "/api/candidates", {"candidate_id": "late-1", "years_experience": 1})
    assert status == 201 and "centroids.npy is corrupt" in created["candidates"][0]["assignment_error"]


def test_a_job_ad_targets_candidate_segments_ranked_by_fit(pool, http, aws):
    train(http, aws, pool)
    status, ad = post(http, "/api/jobs", {
        "title": "Senior Python Developer", "description": "Build data pipelines in Python and SQL on AWS. "
        "At least 6 years of experience required.", "targetCandidateSegments": ["1", "77"]})
    assert status == 201 and ad["targetCandidateSegments"] == ["1", "77"]
    ranking = body(http.get(f"/api/jobs/{ad['jobAdId']}/candidate-segments"))
    assert ranking["seniority"] == "senior" and {"python", "sql"} <= set(ranking["adSkills"])
    scores = [s["score"] for s in ranking["segments"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 4
    assert [s["segment_id"] for s in ranking["segments"] if s["targeted"]] == ["1"]
    assert ranking["unknownTargets"] == ["77"]
    best = ranking["segments"][0]
    assert best["score"] == pytest.approx(0.7 * best["skill_fit"] + 0.3 * best["seniority_fit"], abs=1e-3)
    response = http.put(f"/api/jobs/{ad['jobAdId']}", data=json.dumps({"targetCandidateSegments": ["x1"]}),
                        content_type="application/json")
    assert response.status_code == 422 and "targetCandidateSegments" in body(response)["message"]
    response = http.put(f"/api/jobs/{ad['jobAdId']}", data=json.dumps({"targetCandidateSegments": []}),
                        content_type="application/json")
    assert response.status_code == 200 and body(response)["targetCandidateSegments"] == []
    assert http.get("/api/jobs/999999/candidate-segments").status_code == 404
