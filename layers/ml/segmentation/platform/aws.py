"""boto3 clients. Endpoint, region and credentials come from the environment
(AWS_ENDPOINT_URL, AWS_REGION), so the same code runs on AWS, LocalStack and the local cloud."""

import functools
import os

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30)


def client(service: str):
    """A client per service, reused across warm invocations; rebuilt if the endpoint or region changes."""
    return _client(service, os.environ.get("AWS_ENDPOINT_URL"), os.environ.get("AWS_REGION"))


@functools.lru_cache(maxsize=32)
def _client(service: str, endpoint_url: str | None, region: str | None):
    return boto3.session.Session().client(service, config=_CONFIG)
