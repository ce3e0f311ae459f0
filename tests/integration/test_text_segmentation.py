"""The text model trained by the state machine in the emulator, then served by POST /segment."""

import json

import boto3
import pytest
from localcloud import moto_patches
from localcloud.deployer import deploy
from moto import mock_aws

from tests.conftest import CORPUS, TEMPLATE
from tests.integration.conftest import http_client
from tests.integration.helpers import read_json, state_names, wait_for_executions

# Three occupation families, 60 ads each: enough for a quick run with clear clusters.
FAMILIES = {"2": 60, "5": 60, "7": 60}


def small_corpus() -> str:
    taken = {label: 0 for label in FAMILIES}
    lines = []
    for line in CORPUS.read_text().splitlines():
        label = json.loads(line)["label"]
        if label in taken and taken[label] < FAMILIES[label]:
            taken[label] += 1
            lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def trained_stack():
    """One training run shared by this module's tests (it takes about half a minute)."""
    moto_patches.apply()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        yield _train()


def _train():

    stack = deploy(TEMPLATE, "text", parameters={"TrainingClusters": "3"})
    # 180 documents are too few for the production stability floor; the gates have their own test.
    lambda_client = boto3.client("lambda")
    variables = lambda_client.get_function_configuration(FunctionName=stack.ref("EvaluateFunction"))[
        "Environment"]["Variables"]
    lambda_client.update_function_configuration(FunctionName=stack.ref("EvaluateFunction"), Environment={
        "Variables": {**variables, "GATE_STABILITY_ARI_MIN": "0.1"}})
    boto3.client("s3").put_object(Bucket=stack.ref("ArtifactsBucket"), Key="corpus/families.jsonl",
                                  Body=small_corpus().encode())
    [execution] = wait_for_executions(boto3.client("stepfunctions"), stack.ref("TrainingStateMachine"), timeout=300)
    return stack, execution


def test_training_run_promotes_a_model_that_segment_serves(trained_stack):
    stack, execution = trained_stack
    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    sfn = boto3.client("stepfunctions")
    states = state_names(sfn, execution["executionArn"])
    assert [s for s in states if s != "EmbedShard"] == [
        "ValidateCorpus", "IsCorpusValid", "EmbedShards", "ReduceAndCluster", "BuildProfiles", "Evaluate",
        "Promote", "PublishRun"]
    bucket = stack.ref("ArtifactsBucket")
    latest = read_json(boto3.client("s3"), bucket, "models/text/latest.json")
    manifest = read_json(boto3.client("s3"), bucket, f"models/text/{latest['version']}/manifest.json")
    assert manifest["parameters"]["k"] == 3
    assert manifest["corpus"]["documents"] == 180
    assert manifest["metrics"]["gates"]["passed"] is True
    assert {"nmi", "ari", "silhouette", "stability_ari"} <= set(manifest["metrics"])
    assert manifest["metrics"]["nmi"] > 0.2  # the three families are partly found again


def test_segment_answers_from_the_promoted_model(trained_stack):
    stack, _ = trained_stack
    response = http_client(stack).post("/segment", json={"job_ad_text": "Waiter and waitress wanted for a busy restaurant in "
                                                            "London: serve food and drinks to guests."})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) >= {"derived_audience_primitives", "assigned_cluster_id", "cluster_assignment_confidence",
                         "cluster_profile_name", "targeting_mode", "model_version"}
    assert 0.0 <= body["cluster_assignment_confidence"] <= 1.0
    [london] = [p for p in body["derived_audience_primitives"] if p["type"] == "location"]
    assert (london["value"], london["kind"], london["country"]) == ("London", "city", "GB")
    assert london["latitude"] == pytest.approx(51.51, abs=0.01) and london["longitude"] == pytest.approx(-0.13, abs=0.01)


@pytest.mark.parametrize("body, field", [
    ({"job_ad_text": ""}, "body.job_ad_text"),
    ({"job_ad_text": "   \n\t"}, "body.job_ad_text"),
    ({"job_ad_text": 42}, "body.job_ad_text"),
    ({"job_ad_text": "x" * 20_001}, "body.job_ad_text"),
    ({"text": "Welder wanted"}, "body.job_ad_text"),
])
def test_bad_input_is_a_422_naming_the_field(trained_stack, body, field):
    stack, _ = trained_stack
    response = http_client(stack).post("/segment", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_malformed_json_is_a_400_naming_the_body(trained_stack):
    stack, _ = trained_stack
    response = http_client(stack).post("/segment", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "body"


def test_no_promoted_model_is_a_503_naming_the_missing_artifact(http):
    response = http.post("/segment", json={"job_ad_text": "Welder wanted in Leeds"})
    assert response.status_code == 503
    assert "models/text/latest.json is missing" in response.get_json()["message"]
