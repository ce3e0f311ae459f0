"""AWS clients. Endpoint, region and credentials come from the environment
(AWS_ENDPOINT_URL, AWS_REGION), so the same code runs on AWS, LocalStack and the local cloud.

Clients are botocore's own: importing boto3 also imports s3transfer, about 0.1 s of every cold start,
for nothing the handlers use.
"""

import functools
import os

import botocore.session
from botocore.config import Config

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30)


def client(service: str):
    """A client per service, reused across warm invocations; rebuilt if the endpoint or region changes."""
    return _client(service, os.environ.get("AWS_ENDPOINT_URL"), region())


def region() -> str | None:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


@functools.lru_cache(maxsize=32)
def _client(service: str, endpoint_url: str | None, region: str | None):
    return botocore.session.get_session().create_client(service, region_name=region, config=_CONFIG)
