"""Shared pieces of the benchmarks: timing statistics, the machine description, and recording results
into docs/benchmarks.md between per-section markers."""

import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "benchmarks.md"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary_ms(samples_s: list[float]) -> str:
    ms = [s * 1000 for s in samples_s]
    return f"p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms (n={len(ms)})"


def timed_calls(call, repeats: int, expect: int = 200) -> list[float]:
    """Seconds per call of `call(index)`, an HTTP request whose status must be `expect`."""
    samples = []
    for index in range(repeats):
        started = time.perf_counter()
        response = call(index)
        samples.append(time.perf_counter() - started)
        assert response.status_code == expect, (response.status_code, response.text[:500])
    return samples


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def record(section: str, rows: list[tuple[str, str, str]], command: str) -> None:
    """Replace the section's table in docs/benchmarks.md (rows: what, result, budget)."""
    table = "\n".join([f"<!-- bench:{section}:start -->",
                       f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}",
                       f"with `{command}`.", "",
                       "| measurement | result | budget |", "| --- | --- | --- |",
                       *[f"| {what} | {result} | {budget} |" for what, result, budget in rows],
                       f"<!-- bench:{section}:end -->"])
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"<!-- bench:{section}:start -->.*?<!-- bench:{section}:end -->", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: table, text)
    else:
        text = text.rstrip("\n") + f"\n\n## {section}\n\n{table}\n"
    RESULTS.write_text(text)


def print_table(title: str, rows: list[tuple[str, str, str]]) -> None:
    print(f"\n{title}")
    width = max(len(r[0]) for r in rows)
    for what, result, budget in rows:
        print(f"  {what:<{width}}  {result}  [{budget}]")


def python() -> str:
    return sys.executable


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True, **kwargs)


def local_client(service: str, endpoint: str, region: str):
    """A boto3 client for the local cloud (any credentials do)."""
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name=region, aws_access_key_id="local",
                        aws_secret_access_key="local")


def api_session(port: int, role: str = "admin"):
    """A requests session carrying the access token of the local cloud's demo user of `role`
    (every route but /api/health needs one; see docs/operations.md "Authentication and roles")."""
    import requests
    from localcloud.tokens import stack_token

    endpoint = f"http://127.0.0.1:{port}"
    stack = requests.get(f"{endpoint}/_local/stack", timeout=30).json()
    session = requests.Session()
    token = stack_token(stack["outputs"], local_client("cognito-idp", endpoint, stack["region"]), role)
    session.headers["Authorization"] = f"Bearer {token}"
    return session
