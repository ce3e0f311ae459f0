"""`make demo`: stand up the embedded local cloud, deploy template.yaml, call the HTTP API, and run the
training pipeline through Step Functions by uploading the ESCO corpus under the corpus prefix."""

import json
import socket
import sys
import time
import urllib.request
from pathlib import Path

import boto3

from localcloud.server import LocalCloud
from localcloud.rules import fire_rule

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "models" / "corpus" / "esco_occupations.jsonl"


def port(preferred: int) -> int:
    """The preferred port if it is free (a `make up` may be running), else any free one."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]


def wait_for_execution(sfn, state_machine_arn: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        executions = sfn.list_executions(stateMachineArn=state_machine_arn)["executions"]
        if executions and executions[0]["status"] != "RUNNING":
            return sfn.describe_execution(executionArn=executions[0]["executionArn"])
        time.sleep(0.5)
    raise TimeoutError(f"no training run finished within {timeout:.0f} s")


def main() -> int:
    started = time.perf_counter()
    cloud = LocalCloud(ROOT / "template.yaml", "audience-segmentation", port=port(4566), api_port=port(3000))
    deployment = cloud.start()
    print(cloud.summary())
    print(f"\n[1] local cloud up and stack deployed in {time.perf_counter() - started:.1f} s")

    api = cloud.api_urls()[0]
    with urllib.request.urlopen(f"{api}/api/health", timeout=30) as response:
        health = json.load(response)
        print(f"\n[2] GET {api}/api/health -> {response.status}")
        for component, status in health["components"].items():
            print(f"      {component:<18} {status['status']}  {status.get('name', '')}")

    bucket = deployment.ref("ArtifactsBucket")
    state_machine_arn = deployment.ref("TrainingStateMachine")
    key = "corpus/esco_occupations.jsonl"
    print(f"\n[3] uploading {CORPUS.name} ({CORPUS.stat().st_size // 1024} KiB) to s3://{bucket}/{key}")
    run_started = time.perf_counter()
    boto3.client("s3").upload_file(str(CORPUS), bucket, key)
    sfn = boto3.client("stepfunctions")
    execution = wait_for_execution(sfn, state_machine_arn)
    seconds = time.perf_counter() - run_started
    history = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)["events"]
    states = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
    print(f"    S3 notification started execution {execution['name']}")
    print(f"    states: {' -> '.join(dict.fromkeys(states))} ({states.count('ProfileShard')} shards in the Map)")
    print(f"    execution status: {execution['status']} in {seconds:.1f} s")
    if execution["status"] == "SUCCEEDED":
        record = json.loads(boto3.client("s3").get_object(
            Bucket=bucket, Key=f"runs/{execution['name']}.json")["Body"].read())
        summary = record["summary"]
        print(f"    run record runs/{execution['name']}.json: {summary['documents']} documents, "
              f"{summary['tokens']} tokens; top terms: {', '.join(summary['top_terms'][:8])}")

    rule = next(iter(deployment.rules))
    fired = fire_rule(deployment.account_id, deployment.region, rule)
    print(f"\n[4] fired schedule {rule} on demand -> {fired['targets'][0]['payload']}")
    cloud.stop()
    print(f"\nDemo finished in {time.perf_counter() - started:.1f} s; pipeline {execution['status']}.")
    return 0 if execution["status"] == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main())
