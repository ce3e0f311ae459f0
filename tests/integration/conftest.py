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


class AuthenticatedClient(Client):
    """A werkzeug test client that sends a bearer token with every request (unless the call sets one)."""

    def __init__(self, app, token: str | None):
        super().__init__(app, use_cookies=False)
        self.token = token

    def open(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token and not any(name.lower() == "authorization" for name in headers):
            headers["Authorization"] = f"Bearer {self.token}"
        return super().open(*args, headers=headers, **kwargs)


def http_client(stack: Deployment, role: str | None = "admin") -> Client:
    """An HTTP client for a stack's HTTP API, through the local cloud's data plane, authenticated as the
    stack's demo user of `role` (None: no token)."""
    from localcloud.tokens import stack_token

    has_pool = "UserPoolId" in stack.outputs  # test fixtures' own templates may have no authorizer
    token = stack_token(stack.outputs, boto3.client("cognito-idp"), role) if role and has_pool else None
    return AuthenticatedClient(api_wsgi_app(HttpApiGateway(stack.account_id, stack.region), stack.http_api_id),
                               token)


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
