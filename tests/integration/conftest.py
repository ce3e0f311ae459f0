import boto3
import pytest
from localcloud import moto_patches
from localcloud.deployer import Deployment, deploy
from localcloud.gateway import HttpApiGateway, api_wsgi_app
from moto import mock_aws
from werkzeug.test import Client

from tests.conftest import DEFAULT_MODEL, TEMPLATE

STACK = "itest"


@pytest.fixture
def emulator():
    """moto in-process, with Step Functions really executing and this project's patches applied."""
    moto_patches.apply()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        yield


@pytest.fixture
def stack(emulator) -> Deployment:
    """template.yaml deployed into the in-process emulator by the same deployer `make up` uses."""
    return deploy(TEMPLATE, STACK)


def http_client(stack: Deployment) -> Client:
    """An HTTP client for a stack's HTTP API, through the local cloud's data plane."""
    return Client(api_wsgi_app(HttpApiGateway(stack.account_id, stack.region), stack.http_api_id), use_cookies=False)


@pytest.fixture
def http(stack) -> Client:
    return http_client(stack)


@pytest.fixture
def seeded_stack(stack) -> Deployment:
    """The stack with the shipped default text model published and promoted (as `make up` does)."""
    from segmentation.platform.storage import ArtifactStore
    from segmentation.text.model import TextModel
    from segmentation.text.registry import ModelRegistry

    registry = ModelRegistry(ArtifactStore(stack.ref("ArtifactsBucket")))
    registry.promote(registry.publish(TextModel.load(DEFAULT_MODEL)))
    return stack


@pytest.fixture
def aws():
    return lambda service: boto3.client(service)
