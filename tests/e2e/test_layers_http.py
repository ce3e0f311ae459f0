"""The local cloud runs each function against its layers as built for Lambda (host wheels, the same file
lists: scripts/package.py --host, set up by tests/conftest.py): a handler importing a library its layers
lack fails here as it would on AWS, while the same import works in a function that carries the layer."""

import io
import json
import zipfile

import boto3
import requests
from localcloud.deployer import zip_directory

from tests.conftest import ROOT

IMPORTS_SKLEARN = '''
import sklearn

def handler(event, context):
    return {"statusCode": 200, "body": sklearn.__version__}
'''


def handler_zip(module: str, source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(module, source)
    return buffer.getvalue()


def test_an_import_the_layers_lack_fails_as_on_lambda_and_works_where_the_layer_is(cloud):
    stack = requests.get(f"{cloud.endpoint}/_local/stack", timeout=30).json()
    lambda_ = boto3.client("lambda", endpoint_url=cloud.endpoint, region_name=stack["region"])
    crud = stack["resources"]["SegmentsHealthFunction"]["ref"]  # MlLayer only
    training = stack["resources"]["RecordFailureFunction"]["ref"]  # MlLayer + TrainingLayer
    try:
        for name, module in ((crud, "health.py"), (training, "record_failure.py")):
            lambda_.update_function_code(FunctionName=name, ZipFile=handler_zip(module, IMPORTS_SKLEARN))
        failed = lambda_.invoke(FunctionName=crud, Payload=b"{}")
        error = json.loads(failed["Payload"].read())
        assert "FunctionError" in failed, error
        assert error["errorType"] == "ImportModuleError"
        assert "No module named 'sklearn'" in error["errorMessage"]
        assert cloud.http.get("/api/v1/segments/health").status_code == 500
        worked = lambda_.invoke(FunctionName=training, Payload=b"{}")
        assert "FunctionError" not in worked, worked["Payload"].read()
    finally:
        lambda_.update_function_code(FunctionName=crud, ZipFile=zip_directory(ROOT / "functions" / "segments"))
        lambda_.update_function_code(FunctionName=training, ZipFile=zip_directory(ROOT / "functions" / "training"))
    assert cloud.http.get("/api/v1/segments/health").status_code == 200
