import os
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest
from localcloud.server import free_port

from tests.conftest import ROOT


@dataclass
class RunningCloud:
    endpoint: str
    api_url: str
    process: subprocess.Popen
    output: list[str]


def start_cloud(port: int, api_port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "localcloud", "up", "--port", str(port), "--api-port", str(api_port), "--quiet",
         "--seed-model", "models/text/default"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="session")
def cloud():
    """`python -m localcloud up` (what `make up` runs) on free ports, as a separate process."""
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
