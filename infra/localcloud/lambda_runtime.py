"""Runs Lambda handlers in this process, the way the Lambda runtime would run them in a container:
the function's deployed zip is unpacked once per code version, its handler imported once per execution
environment (so later invocations are warm, as on AWS), its environment applied, and its output captured
into CloudWatch Logs. As on Lambda, an environment serves one invocation at a time: a concurrent
invocation of the same function gets another environment (a fresh import of the handler module, cold).

Limits of running in-process, by design: the timeout and memory size are not enforced, and environment
variables are process-wide (functions of one stack share almost all of theirs).

Layers: in this process every handler imports from the working tree (one interpreter, one sys.modules),
so a function could use a library its layers lack. When a host build of the layers is registered
(`layer_paths`, filled by the deployer from $LOCALCLOUD_LAYER_BUILD, which `make package --host` writes:
the same file lists as the Lambda build, host wheels), each new code version's handler is first imported
by a separate `python -I` from its unzipped code and its layers' folders alone, as the Lambda runtime
would; if that fails the invocation fails with Lambda's Runtime.ImportModuleError.

Per-invocation state that libraries keep process-wide: Powertools' event handler stores the request on the
class (`BaseRouter.current_event`, `BaseRouter.lambda_context`, read through every resolver's `app.current_event`),
which is safe on Lambda (one invocation per process) but not here, where concurrent invocations of any
HTTP functions are threads of one process: a request could be answered with another one's body (the load
run saw a learning sync answered 422 "body.events: Field required" though its client sent events).
`_isolate_router_state` makes those two attributes belong to the invocation running on the thread (a
stack, so an invocation nested on the same thread gets its own and the outer one's is restored).
"""

import importlib.util
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

_local = threading.local()
_lock = threading.Lock()
_idle: dict[tuple[str, str], list[Callable[[Any, Any], Any]]] = {}
_environments: dict[tuple[str, str], int] = {}
_code_root = Path(tempfile.mkdtemp(prefix="localcloud-lambda-"))
echo_logs = False  # the local cloud's server sets this, so function logs also appear on its console
layer_paths: dict[str, Path] = {}  # layer version ARN -> its host build's python/ folder (see the docstring)
_import_checks: dict[tuple[str, str], str | None] = {}  # (code sha, layers) -> None or the import error
_check_locks: dict[tuple[str, str], threading.Lock] = {}
_IMPORT_PROBE = """
import importlib.util, os, sys
code, module = sys.argv[1], sys.argv[2]
sys.path[:0] = [code, *sys.argv[3:]]
spec = importlib.util.spec_from_file_location("handler", os.path.join(code, module))
spec.loader.exec_module(importlib.util.module_from_spec(spec))
"""


_process_router_state: dict[str, Any] = {}  # outside any invocation (tests that call a resolver directly)


def _router_state() -> dict[str, Any]:
    stack = getattr(_local, "router_states", None)
    return stack[-1] if stack else _process_router_state


class _InvocationAttribute:
    """A class attribute whose value belongs to the invocation running on this thread."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        try:
            return _router_state()[self.name]
        except KeyError:
            raise AttributeError(self.name) from None

    def __set__(self, instance: Any, value: Any) -> None:
        _router_state()[self.name] = value


_ROUTER_ATTRIBUTES = ("current_event", "lambda_context")


def _isolate_router_state() -> None:
    """Make Powertools' BaseRouter.current_event/lambda_context per invocation (see the module docstring).
    They are assigned on the class (`BaseRouter.current_event = ...`) and read on instances, so the
    attribute is a data descriptor both in the class's dict (instance access) and on its metaclass
    (class access and assignment)."""
    try:
        from aws_lambda_powertools.event_handler.api_gateway import BaseRouter
    except ImportError:  # a function set without Powertools
        return
    with _lock:  # once, even when the first invocations arrive together
        meta = type(BaseRouter)
        if getattr(meta, "_localcloud_invocation_state", False):
            return
        for name in _ROUTER_ATTRIBUTES:
            if name in BaseRouter.__dict__:
                _process_router_state[name] = BaseRouter.__dict__[name]
            setattr(BaseRouter, name, _InvocationAttribute(name))
        isolated = type(f"LocalCloud{meta.__name__}", (meta,), {
            "_localcloud_invocation_state": True, **{name: _InvocationAttribute(name) for name in _ROUTER_ATTRIBUTES}})
        BaseRouter.__class__ = isolated


class ImportModuleError(ImportError):
    """Lambda's Runtime.ImportModuleError: the handler does not import from its code and layers."""


def _check_imports(function: Any, target: Path, module_file: str) -> None:
    arns = [layer["Arn"] for layer in (function.layers or [])]
    if not layer_paths or not all(arn in layer_paths for arn in arns):
        return
    key = (function.code_sha_256, ",".join(arns))
    with _lock:  # one check per code version, even when its first invocations arrive together
        check_lock = _check_locks.setdefault(key, threading.Lock())
    with check_lock:
        _run_import_check(key, arns, target, module_file)
    error = _import_checks[key]
    if error:
        raise ImportModuleError(f"Unable to import module '{module_file[:-3].replace('/', '.')}': {error} "
                                f"(imported from the function's code and its layers only)")


def _run_import_check(key: tuple[str, str], arns: list[str], target: Path, module_file: str) -> None:
    if key not in _import_checks:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        done = subprocess.run([sys.executable, "-I", "-S", "-c", _IMPORT_PROBE, str(target), module_file,
                               *(str(layer_paths[arn]) for arn in arns)],
                              capture_output=True, text=True, env=env, timeout=300, check=False)
        _import_checks[key] = None if done.returncode == 0 else (done.stderr.strip().splitlines()
                                                                  or ["(no output)"])[-1]


class _ThreadRoutedStream(io.TextIOBase):
    """sys.stdout/sys.stderr stand-in: writes go to the invocation running on this thread, if any."""

    def __init__(self, fallback: Any):
        self.fallback = fallback

    def write(self, text: str) -> int:
        stack = getattr(_local, "captures", None)
        if stack:
            stack[-1].write(text)
            if echo_logs:
                self.fallback.write(text)
            return len(text)
        return self.fallback.write(text)

    def flush(self) -> None:
        self.fallback.flush()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return getattr(self.fallback, "encoding", "utf-8")


def _install_streams() -> None:
    """Route sys.stdout/sys.stderr, and logging handlers that captured a stream before (a module imported
    outside any invocation, as tests do), through the per-thread capture."""
    if not isinstance(sys.stdout, _ThreadRoutedStream):
        sys.stdout = _ThreadRoutedStream(sys.stdout)
    if not isinstance(sys.stderr, _ThreadRoutedStream):
        sys.stderr = _ThreadRoutedStream(sys.stderr)
    loggers = [logging.getLogger(), *(l for l in logging.Logger.manager.loggerDict.values()
                                      if isinstance(l, logging.Logger))]
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler) is logging.StreamHandler and not isinstance(handler.stream, _ThreadRoutedStream):
                handler.setStream(_ThreadRoutedStream(handler.stream))


class LambdaContext:
    """The context object the Lambda runtime passes to a handler."""

    def __init__(self, function: Any, request_id: str):
        self.function_name = function.function_name
        self.function_version = function.version
        self.invoked_function_arn = function.function_arn
        self.memory_limit_in_mb = int(function.memory_size)
        self.aws_request_id = request_id
        self.log_group_name = function.logs_group_name
        self.log_stream_name = f"{time.strftime('%Y/%m/%d')}/[{function.version}]{request_id.replace('-', '')}"
        self._deadline = time.monotonic() + int(function.timeout)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _environment(function: Any) -> dict[str, str]:
    return {
        "AWS_REGION": function.region,
        "AWS_DEFAULT_REGION": function.region,
        "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": str(function.version),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": function.logs_group_name,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.run_time}",
        "AWS_SAM_LOCAL": "true",  # as under `sam local`: tells Powertools Tracer there is no X-Ray daemon
        **{key: str(value) for key, value in (function.environment_vars or {}).items()},
    }


def _acquire_handler(function: Any) -> tuple[tuple[str, str], Callable[[Any, Any], Any]]:
    """An idle execution environment's handler for this code version, or a new environment's."""
    key = (function.function_arn, function.code_sha_256)
    with _lock:
        if _idle.get(key):
            return key, _idle[key].pop()
        number = _environments[key] = _environments.get(key, 0) + 1
        target = _code_root / f"{function.function_name}-{function.code_sha_256[:16]}"
        if not target.exists():
            with zipfile.ZipFile(io.BytesIO(function.code_bytes)) as archive:
                archive.extractall(target)
    module_path, _, attribute = function.handler.rpartition(".")
    source = target / (module_path.replace(".", "/") + ".py")
    if not source.is_file():
        raise ImportError(f"Unable to import module '{module_path}': {source.name} is not in the deployed code")
    _check_imports(function, target, module_path.replace(".", "/") + ".py")
    spec = importlib.util.spec_from_file_location(f"lambda_{function.function_name}_{module_path}_{number}", source)
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, attribute, None)):
        raise AttributeError(f"Handler '{attribute}' missing on module '{module_path}'")  # noqa: TRY004 (Lambda's error)
    return key, getattr(module, attribute)


def _release_handler(key: tuple[str, str], handler: Callable[[Any, Any], Any]) -> None:
    with _lock:
        _idle.setdefault(key, []).append(handler)


def invoke(function: Any, event: Any) -> tuple[str, bool, str]:
    """Invoke a moto LambdaFunction in-process: (payload, errored, log text)."""
    _install_streams()
    _isolate_router_state()
    request_id = str(uuid.uuid4())
    os.environ.update(_environment(function))
    capture = io.StringIO()
    _local.captures = [*getattr(_local, "captures", []), capture]
    _local.router_states = [*getattr(_local, "router_states", []), {}]
    started = time.perf_counter()
    print(f"START RequestId: {request_id} Version: {function.version}")
    errored, environment = False, None
    try:
        environment = _acquire_handler(function)
        result = environment[1](event, LambdaContext(function, request_id))
        payload = json.dumps(result)
    except Exception as error:  # noqa: BLE001 (the Lambda runtime reports every handler failure the same way)
        errored = True
        trace = traceback.format_exception(error)
        print("".join(trace), end="")
        payload = json.dumps({
            "errorMessage": str(error), "errorType": type(error).__name__,
            "requestId": request_id, "stackTrace": [line.rstrip("\n") for line in trace[1:-1]],
        })
    finally:
        if environment is not None:
            _release_handler(*environment)
        duration = (time.perf_counter() - started) * 1000
        print(f"END RequestId: {request_id}")
        print(f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms")
        _local.captures = _local.captures[:-1]
        _local.router_states = _local.router_states[:-1]
    logs = capture.getvalue()
    function.logs_backend.ensure_log_group(function.logs_group_name)
    function.save_logs(logs)
    return payload, errored, logs
