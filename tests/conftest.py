import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"
CORPUS = ROOT / "models" / "corpus" / "esco_occupations.jsonl"
DEFAULT_MODEL = ROOT / "models" / "text" / "default"


@pytest.fixture(autouse=True, scope="session")
def offline_aws_environment():
    """Tests never reach a real AWS account: fake credentials, a fixed region, no endpoint override."""
    saved = dict(os.environ)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"})
    yield
    os.environ.clear()
    os.environ.update(saved)



class ApiClient(requests.Session):
    """A requests session for the HTTP API: paths are relative to the API's base URL
    (`cloud.http.get("/api/health")`). Every HTTP-tier test (e2e, contract, browser) talks to the API
    through it, so what every call needs (a timeout, credentials) is set in one place."""

    def __init__(self, base_url: str, timeout: float = 60):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.default_timeout = timeout

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", self.default_timeout)
        if url.startswith("/"):
            url = self.base_url + url
        return super().request(method, url, *args, **kwargs)


@dataclass
class RunningCloud:
    endpoint: str
    api_url: str
    process: subprocess.Popen
    output: list[str]
    http: ApiClient = field(init=False)

    def __post_init__(self):
        self.http = ApiClient(self.api_url)


def start_cloud(port: int, api_port: int) -> subprocess.Popen:
    # Lambda retries a failed asynchronous invocation after about 1 and 2 minutes; tests wait less.
    env = {"LOCALCLOUD_ASYNC_RETRY_DELAYS": "0.2,0.4", **os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "localcloud", "up", "--port", str(port), "--api-port", str(api_port), "--quiet",
         "--seed-model", "models/text/default"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="session")
def cloud():
    """`python -m localcloud up` (what `make up` runs) on free ports, as a separate process."""
    from localcloud.server import free_port

    port, api_port = free_port(), free_port()
    process = start_cloud(port, api_port)
    output: list[str] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        if line.startswith("Ready in"):
            break
    if not output or not output[-1].startswith("Ready in"):
        process.kill()
        pytest.fail("local cloud did not start:\n" + "".join(output))
    yield RunningCloud(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{api_port}", process, output)
    process.terminate()
    process.wait(timeout=30)
