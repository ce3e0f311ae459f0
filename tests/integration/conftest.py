import boto3
import pytest
from moto import mock_aws
from werkzeug.test import Client

from localcloud import moto_patches
from localcloud.deployer import Deployment, deploy
from localcloud.gateway import HttpApiGateway, api_wsgi_app
from tests.conftest import TEMPLATE

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


@pytest.fixture
def http(stack) -> Client:
    """An HTTP client for the stack's HTTP API, through the local cloud's data plane."""
    return Client(api_wsgi_app(HttpApiGateway(stack.account_id, stack.region), stack.http_api_id), use_cookies=False)


@pytest.fixture
def aws():
    return lambda service: boto3.client(service)
