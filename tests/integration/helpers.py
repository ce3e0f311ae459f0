import io
import json
import time
import zipfile


def wait_for_executions(sfn, state_machine_arn: str, count: int = 1, timeout: float = 60) -> list[dict]:
    """The state machine's executions once `count` of them have finished, newest first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        executions = sfn.list_executions(stateMachineArn=state_machine_arn)["executions"]
        finished = [e for e in executions if e["status"] != "RUNNING"]
        if len(finished) >= count:
            return [sfn.describe_execution(executionArn=e["executionArn"]) for e in finished]
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} executions finished within {timeout} s")


def replace_function_code(lambda_client, function_name: str, module: str, source: str) -> None:
    """Deploy new code for a function through the Lambda API (as `sam deploy` of a change would)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{module}.py", source)
    lambda_client.update_function_code(FunctionName=function_name, ZipFile=buffer.getvalue())


def state_names(sfn, execution_arn: str) -> list[str]:
    events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def event_types(sfn, execution_arn: str) -> list[str]:
    return [e["type"] for e in sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]]


def read_json(s3, bucket: str, key: str) -> dict:
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
