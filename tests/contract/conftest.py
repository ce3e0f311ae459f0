"""The contract tier: the seeds' documented requests (/work/shared/seeds, see docs/seed-contracts.md),
written as the seeds write them, sent over HTTP to the local cloud (the session fixture `cloud` in
tests/conftest.py). Every call goes through `cloud.http`."""

import time

import pytest
import requests


@pytest.fixture(scope="session")
def api(cloud):
    """The API session: `api.post("/api/v1/segments/", json=...)`, as the seed's httpx calls read."""
    return cloud.http


def fire_rule(cloud, suffix: str, timeout: float = 300) -> dict:
    """Fire the stack's scheduled rule ending in `suffix` and wait for a Step Functions target to finish."""
    stack = requests.get(f"{cloud.endpoint}/_local/stack", timeout=30).json()
    [rule] = [name for name in stack["rules"] if name.endswith(suffix)]
    fired = requests.post(f"{cloud.endpoint}/_local/rules/{rule}/fire", timeout=120)
    assert fired.status_code == 200, fired.text
    return fired.json()


def wait_for(predicate, timeout: float = 120, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(interval)
