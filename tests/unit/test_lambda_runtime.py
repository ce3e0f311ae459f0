"""The local cloud's in-process Lambda runtime (infra/localcloud/lambda_runtime.py): concurrent invocations
are threads of one process, so per-invocation state that a library keeps on a class must not leak between
them (Powertools' BaseRouter.current_event)."""

import io
import json
import sys
import threading
import zipfile
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "infra"))
from localcloud import lambda_runtime

HANDLER = '''
import time
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

app = APIGatewayHttpResolver()


@app.post("/echo")
def echo():
    first = app.current_event.json_body["n"]
    time.sleep(0.2)  # the other invocations set their events meanwhile
    return {"first": first, "after": app.current_event.json_body["n"],
            "request_id": app.lambda_context.aws_request_id}


def handler(event, context):
    return app.resolve(event, context)
'''


def _function(name: str, source: str) -> SimpleNamespace:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("echo.py", source)
    logs = SimpleNamespace(ensure_log_group=lambda _name: None)
    return SimpleNamespace(
        function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}", code_sha_256=name * 4,
        function_name=name, handler="echo.handler", code_bytes=buffer.getvalue(), layers=[], region="us-east-1",
        version="$LATEST", memory_size=128, timeout=30, logs_group_name=f"/aws/lambda/{name}", run_time="python3.12",
        environment_vars={}, logs_backend=logs, save_logs=lambda _text: None)


def _event(n: int) -> dict:
    return {"version": "2.0", "routeKey": "POST /echo", "rawPath": "/echo", "rawQueryString": "",
            "headers": {"content-type": "application/json"}, "body": json.dumps({"n": n}), "isBase64Encoded": False,
            "requestContext": {"http": {"method": "POST", "path": "/echo", "sourceIp": "127.0.0.1"},
                               "requestId": str(n), "stage": "$default"}}


def test_concurrent_invocations_of_one_http_function_each_get_their_own_request():
    function = _function("echo-concurrent", HANDLER)
    clients = 8
    start = threading.Barrier(clients)
    answers: dict[int, dict] = {}

    def call(n: int) -> None:
        start.wait()
        payload, errored, logs = lambda_runtime.invoke(function, _event(n))
        assert not errored, logs
        answers[n] = json.loads(json.loads(payload)["body"])

    threads = [threading.Thread(target=call, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == list(range(clients))
    assert {n: (a["first"], a["after"]) for n, a in answers.items()} == {n: (n, n) for n in range(clients)}
    assert len({a["request_id"] for a in answers.values()}) == clients


def test_an_invocation_nested_on_the_same_thread_leaves_the_outer_request_intact():
    inner = _function("echo-inner", HANDLER.replace("time.sleep(0.2)", "pass"))
    outer_source = HANDLER.replace(
        "time.sleep(0.2)  # the other invocations set their events meanwhile",
        "import json\n    from localcloud import lambda_runtime\n    nested = lambda_runtime.invoke(INNER, EVENT)\n"
        "    assert json.loads(json.loads(nested[0])['body'])['first'] == 99, nested")
    outer = _function("echo-outer", outer_source)
    module_globals = {"INNER": inner, "EVENT": _event(99)}
    original = lambda_runtime._acquire_handler

    def acquire(function):
        key, handler = original(function)
        if function is outer:
            handler.__globals__.update(module_globals)
        return key, handler

    lambda_runtime._acquire_handler = acquire
    try:
        payload, errored, logs = lambda_runtime.invoke(outer, _event(1))
    finally:
        lambda_runtime._acquire_handler = original
    assert not errored, logs
    body = json.loads(json.loads(payload)["body"])
    assert (body["first"], body["after"]) == (1, 1)
