import os
from pathlib import Path

import pytest

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
