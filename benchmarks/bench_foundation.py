"""Foundation: local cloud start-up time and memory, the health endpoint, one pipeline run."""

import statistics
import subprocess
import time
import uuid

import requests
from localcloud.server import free_port

from benchmarks.common import ROOT, local_client, python, rss_mib, summary_ms

CORPUS = ROOT / "models" / "corpus" / "esco_occupations.jsonl"


def _start(seed_model=None) -> tuple[subprocess.Popen, float, int, int]:
    port, api_port = free_port(), free_port()
    started = time.perf_counter()
    seed = ["--seed-model", str(seed_model)] if seed_model else []
    process = subprocess.Popen([python(), "-m", "localcloud", "up", "--port", str(port), "--api-port",
                                str(api_port), "--quiet", *seed], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        if line.startswith("Ready in"):
            return process, time.perf_counter() - started, port, api_port
    raise RuntimeError("local cloud did not start")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def run(repeats: int = 3) -> list[tuple[str, str, str]]:
    startups, rss_ready = [], []
    for _ in range(repeats):
        process, seconds, _port, _api = _start()
        startups.append(seconds)
        rss_ready.append(rss_mib(process.pid))
        _stop(process)

    process, _seconds, port, api_port = _start(seed_model=ROOT / "models" / "text" / "default")
    try:
        cold_start = time.perf_counter()
        requests.get(f"http://127.0.0.1:{api_port}/api/health", timeout=60).raise_for_status()
        cold = time.perf_counter() - cold_start
        warm = []
        for _ in range(100):
            t0 = time.perf_counter()
            requests.get(f"http://127.0.0.1:{api_port}/api/health", timeout=60).raise_for_status()
            warm.append(time.perf_counter() - t0)

        endpoint = f"http://127.0.0.1:{port}"
        stack = requests.get(f"{endpoint}/_local/stack", timeout=30).json()
        s3 = local_client("s3", endpoint, stack["region"])
        sfn = local_client("stepfunctions", endpoint, stack["region"])
        bucket = stack["resources"]["ArtifactsBucket"]["ref"]
        machine = stack["resources"]["TrainingStateMachine"]["ref"]
        body = CORPUS.read_bytes()
        pipeline = []
        for index in range(1):
            unique = body + f'{{"text": "benchmark run {uuid.uuid4()}"}}\n'.encode()
            t0 = time.perf_counter()
            s3.put_object(Bucket=bucket, Key=f"corpus/bench-{index}.jsonl", Body=unique)
            while True:
                executions = sfn.list_executions(stateMachineArn=machine)["executions"]
                if len(executions) == index + 1 and executions[0]["status"] != "RUNNING":
                    break
                time.sleep(0.05)
            assert executions[0]["status"] == "SUCCEEDED", executions[0]
            pipeline.append(time.perf_counter() - t0)
        rss_after = rss_mib(process.pid)
    finally:
        _stop(process)

    return [
        ("local cloud start-up (`localcloud up` to Ready, deploy included)",
         f"median {statistics.median(startups):.2f} s (n={repeats})", "-"),
        ("local cloud memory (RSS) when ready / after the runs below",
         f"{statistics.median(rss_ready):.0f} MiB / {rss_after:.0f} MiB", "-"),
        ("GET /api/health, first call (handler cold start)", f"{cold * 1000:.0f} ms", "-"),
        ("GET /api/health, warm", summary_ms(warm), "-"),
        ("training state machine run, ESCO corpus 2,943 docs, 6 embedding shards (upload to SUCCEEDED)",
         f"{statistics.median(pipeline):.1f} s (n={len(pipeline)})", "-"),
    ]
