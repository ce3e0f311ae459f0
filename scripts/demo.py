"""`make demo`: stand up the embedded local cloud, deploy template.yaml, promote the shipped text model,
segment realistic job ads over HTTP, then retrain through Step Functions by uploading a corpus under
the corpus prefix, and show /segment answering from the newly promoted version."""

import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
from localcloud.__main__ import seed_model
from localcloud.rules import fire_rule
from localcloud.server import LocalCloud, free_port

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "models" / "corpus" / "esco_occupations.jsonl"
DEFAULT_MODEL = ROOT / "models" / "text" / "default"

ADS = [
    "Senior Python Developer (AWS). Build and run the data pipelines behind our analytics platform in Berlin. "
    "5+ years of Python, SQL and cloud infrastructure; you will mentor two junior engineers.",
    "Registered Nurse - Intensive Care Unit, night shifts. Provide patient care, monitor vital signs and work "
    "with doctors in a 20-bed ICU in Toronto. Valid nursing licence required.",
    "HGV Class 1 Driver wanted for international routes from Rotterdam. Load, secure and deliver goods on time; "
    "C+E licence and tachograph card required.",
    "Primary school teacher (Year 3) from September: plan lessons, assess pupils' progress and work with "
    "parents. QTS required. London.",
    "Sales Representative for industrial machinery: visit customers, present products, negotiate contracts and "
    "hit quarterly targets across the Midlands.",
    "We're hiring! Join our amazing team. Great vibes, free snacks. Apply now!",
]


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def segment_ads(api: str) -> None:
    for ad in ADS:
        started = time.perf_counter()
        status, body = post(f"{api}/segment", {"job_ad_text": ad})
        ms = (time.perf_counter() - started) * 1000
        if status != 200:
            print(f"    {status} {body}")
            continue
        primitives = body["derived_audience_primitives"]
        industry = next((p["value"] for p in primitives if p["type"] == "industry"), "-")
        seniority = next((p["value"] for p in primitives if p["type"] == "seniority"), "-")
        places = ", ".join(p["value"] for p in primitives if p["type"] == "location") or "-"
        print(f"    {ad[:46]:<46} -> cluster {body['assigned_cluster_id']:>2} {body['cluster_profile_name'][:34]:<34} "
              f"conf {body['cluster_assignment_confidence']:.2f} {body['targeting_mode']:<7} "
              f"[{industry}, {seniority}, {places}] {ms:.0f} ms")


def wait_for_execution(sfn, state_machine_arn: str, timeout: float = 900) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        executions = sfn.list_executions(stateMachineArn=state_machine_arn)["executions"]
        if executions and executions[0]["status"] != "RUNNING":
            return sfn.describe_execution(executionArn=executions[0]["executionArn"])
        time.sleep(0.5)
    raise TimeoutError(f"no training run finished within {timeout:.0f} s")


def main() -> int:
    started = time.perf_counter()
    cloud = LocalCloud(ROOT / "template.yaml", "audience-segmentation", port=free_port(4566), api_port=free_port(3000))  # a `make up` may hold them
    deployment = cloud.start()
    print(cloud.summary())
    print(f"\n[1] local cloud up and stack deployed in {time.perf_counter() - started:.1f} s")
    print(f"    text model: {seed_model(cloud, DEFAULT_MODEL)}")

    api = cloud.api_urls()[0]
    with urllib.request.urlopen(f"{api}/api/health", timeout=30) as response:
        health = json.load(response)
        print(f"\n[2] GET {api}/api/health -> {response.status} {health['status']}")
        for component, status in health["components"].items():
            print(f"      {component:<18} {status['status']}  {status.get('name', status.get('version', ''))}")

    print(f"\n[3] POST {api}/segment (default model, trained on ESCO occupation descriptions)")
    segment_ads(api)
    status, body = post(f"{api}/segment", {"job_ad_text": "   "})
    print(f"    blank text -> {status} {body['message']}")

    bucket = deployment.ref("ArtifactsBucket")
    key = "corpus/esco_occupations.jsonl"
    print(f"\n[4] retraining through Step Functions: uploading the ESCO corpus to s3://{bucket}/{key} "
          "(about two minutes on 2 cores)")
    run_started = time.perf_counter()
    boto3.client("s3").upload_file(str(CORPUS), bucket, key)
    sfn = boto3.client("stepfunctions")
    execution = wait_for_execution(sfn, deployment.ref("TrainingStateMachine"))
    history = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)["events"]
    states = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
    print(f"    S3 notification started execution {execution['name']}")
    print(f"    states: {' -> '.join(dict.fromkeys(states))} ({states.count('EmbedShard')} shards in the Map)")
    print(f"    execution status: {execution['status']} in {time.perf_counter() - run_started:.1f} s")
    if execution["status"] == "SUCCEEDED":
        record = json.loads(boto3.client("s3").get_object(
            Bucket=bucket, Key=f"runs/{execution['name']}.json")["Body"].read())
        metrics = record["model"]["metrics"]
        print(f"    promoted {record['promotion']['version']} (previous {record['promotion']['previous']}); "
              f"k={metrics['k']} silhouette={metrics['silhouette']} stability_ari={metrics['stability_ari']}")
        print(f"\n[5] POST {api}/segment (the newly promoted model)")
        segment_ads(api)
    else:
        print(f"    cause: {execution.get('cause')}")

    rule = next(iter(deployment.rules))
    fired = fire_rule(deployment.account_id, deployment.region, rule)
    print(f"\n[6] fired schedule {rule} on demand -> {fired['targets'][0]['payload']}")
    cloud.stop()
    print(f"\nDemo finished in {time.perf_counter() - started:.1f} s; training run {execution['status']}.")
    return 0 if execution["status"] == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main())
