"""The platform's one DynamoDB error translator (platform/dynamodb.py), for boto3 and PynamoDB failures."""

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from pynamodb.exceptions import GetError, UpdateError
from segmentation.platform import dynamodb
from segmentation.platform.errors import DependencyUnavailable, NotFound, TransientError


def client_error(code, status=400):
    return ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "GetItem")


@pytest.mark.parametrize(("error", "kind"), [
    (client_error("ThrottlingException"), TransientError),
    (client_error("ProvisionedThroughputExceededException"), TransientError),
    (client_error("InternalServerError", 500), TransientError),
    (client_error("SomethingNew", 503), TransientError),
    (EndpointConnectionError(endpoint_url="http://x"), TransientError),
    (client_error("ResourceNotFoundException"), DependencyUnavailable),
    (GetError("boom", cause=client_error("ThrottlingException")), TransientError),
    (UpdateError("boom", cause=client_error("ResourceNotFoundException")), DependencyUnavailable),
    (GetError("network down"), TransientError),
])
def test_transient_failures_are_transient_others_unavailable(error, kind):
    translated = dynamodb.translate(error, "get_item")
    assert type(translated) is kind and "get_item" in str(translated)


def test_translated_passes_platform_errors_and_translates_pynamodb_ones():
    @dynamodb.translated
    def read(error):
        raise error

    with pytest.raises(NotFound):
        read(NotFound("no ad"))
    with pytest.raises(TransientError):
        read(GetError("boom", cause=client_error("ThrottlingException")))
