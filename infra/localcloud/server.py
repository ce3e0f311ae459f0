"""The embedded local cloud's server: moto on one port (LocalStack-style, default 4566) with the HTTP API
data plane and local controls beside it, and the stack's HTTP API at the root of a second port (3000,
like `sam local start-api`)."""

import json
import logging
import os
import re
import socket
import threading
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from localcloud import console, lambda_runtime, moto_patches
from localcloud.deployer import Deployment, deploy
from localcloud.gateway import HttpApiGateway, api_wsgi_app
from localcloud.rules import RuleNotFound, fire_rule

EXECUTE_API_PREFIX = "/_aws/execute-api/"
_API_HOST = re.compile(r"^([a-z0-9]+)\.execute-api\.")


class PortBusy(RuntimeError):
    pass


def check_port_free(host: str, port: int) -> None:
    """PortBusy unless a server could listen on (host, port) now. The probe binds with SO_REUSEADDR, as
    werkzeug's server does: sockets of a stopped `make up` left in TIME_WAIT do not make the port busy."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortBusy(f"port {port} on {host} is busy ({error.strerror}); stop what uses it or pick "
                           "another port (LOCALCLOUD_PORT / LOCALCLOUD_API_PORT)") from error


def free_port(preferred: int = 0, host: str = "127.0.0.1") -> int:
    """`preferred` if it is free, else a port the OS picks."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, preferred))
        except OSError:
            probe.bind((host, 0))
        return probe.getsockname()[1]


def configure_process(host: str, port: int) -> None:
    """Point this process's AWS SDK and moto's Step Functions interpreter at the emulator."""
    from moto.core.config import default_user_config

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per emulator call
    # moto's interpreter logs every failed execution with its whole state; the execution and its
    # history (and this project's run records) already say what failed.
    logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)
    os.environ["MOTO_PORT"] = str(port)  # moto's Step Functions interpreter calls localhost:$MOTO_PORT
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    os.environ.setdefault("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    os.environ.setdefault("AWS_DEFAULT_REGION", os.environ["AWS_REGION"])
    default_user_config["stepfunctions"]["execute_state_machine"] = True
    moto_patches.apply()


class LocalCloud:
    def __init__(self, template: Path, stack_name: str, host: str = "127.0.0.1", port: int = 4566,
                 api_port: int | None = 3000):
        self.template, self.stack_name = template, stack_name
        self.host, self.port, self.api_port = host, port, api_port
        self.deployment: Deployment | None = None
        self._servers: list[Any] = []

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def api_urls(self) -> list[str]:
        api_id = self.deployment.http_api_id()
        urls = [f"{self.endpoint}{EXECUTE_API_PREFIX}{api_id}"]
        if self.api_port:
            urls.insert(0, f"http://{self.host}:{self.api_port}")
        return urls

    # ---------------------------------------------------------------- WSGI apps
    def _gateway(self) -> HttpApiGateway:
        return HttpApiGateway(self.deployment.account_id, self.deployment.region)

    def _control(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        if parts == ["_local", "stack"] and request.method == "GET":
            if self.deployment is None:
                return Response(json.dumps({"message": "deploying"}), status=503, mimetype="application/json")
            body = {**self.deployment.to_json(), "endpoint": self.endpoint, "api_urls": self.api_urls()}
            return Response(json.dumps(body, default=str), mimetype="application/json")
        if len(parts) == 4 and parts[:2] == ["_local", "rules"] and parts[3] == "fire" and request.method == "POST":
            try:
                result = fire_rule(self.deployment.account_id, self.deployment.region, parts[2])
            except RuleNotFound as error:
                return Response(json.dumps({"message": str(error)}), status=404, mimetype="application/json")
            return Response(json.dumps(result, default=str), mimetype="application/json")
        return Response(json.dumps({"message": f"no local control {request.method} {request.path}"}), status=404,
                        mimetype="application/json")

    def emulator_app(self, moto_app: Any) -> Any:
        """Port 4566: LocalStack-style execute-api URLs and /_local controls; everything else is moto."""

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            path = environ.get("PATH_INFO", "")
            host_match = _API_HOST.match(environ.get("HTTP_HOST", ""))
            if path.startswith((EXECUTE_API_PREFIX, "/_local/")) or host_match:
                request = Request(environ)
                if path.startswith("/_local/"):
                    response = self._control(request)
                elif host_match:
                    response = self._gateway().handle(request, host_match.group(1), path)
                else:
                    api_id, _, rest = path[len(EXECUTE_API_PREFIX):].partition("/")
                    response = self._gateway().handle(request, api_id, "/" + rest)
                return response(environ, start_response)
            return moto_app(environ, start_response)

        return app

    def api_app(self) -> Any:
        """Port 3000: the stack's HTTP API at the root, like `sam local start-api`, and the web console
        under /console/ (same origin)."""
        api = api_wsgi_app(self._gateway(), self.deployment.http_api_id)

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            if console.is_console(environ.get("PATH_INFO", "")):
                return console.serve(Request(environ), self.deployment.outputs,
                                     self.deployment.routes)(environ, start_response)
            return api(environ, start_response)

        return app

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> Deployment:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )

        check_port_free(self.host, self.port)
        if self.api_port:
            check_port_free(self.host, self.api_port)
        configure_process(self.host, self.port)
        moto_app = DomainDispatcherApplication(create_backend_app)
        self._serve(make_server(self.host, self.port, self.emulator_app(moto_app), threaded=True,
                                request_handler=MotoRequestHandler))
        self.deployment = deploy(self.template, self.stack_name)
        if self.api_port:
            self._serve(make_server(self.host, self.api_port, self.api_app(), threaded=True))
        return self.deployment

    def _serve(self, server: Any) -> None:
        self._servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()

    def summary(self) -> str:
        deployment = self.deployment
        lines = [f"Local cloud for stack {deployment.stack_name} ({deployment.region}, account {deployment.account_id})",
                 f"  AWS endpoint:  {self.endpoint}   (export AWS_ENDPOINT_URL={self.endpoint})"]
        for url in self.api_urls():
            lines.append(f"  HTTP API:      {url}")
        if self.api_port:
            lines.append(f"  Web console:   http://{self.host}:{self.api_port}{console.PREFIX}/")
        lines.append("  Routes:        " + ", ".join(sorted(deployment.routes)))
        for name in sorted(deployment.rules):
            lines.append(f"  Schedule:      {name}   (fire: POST {self.endpoint}/_local/rules/{name}/fire)")
        lines.append("  Resources:")
        for logical_id, resource in deployment.resources.items():
            lines.append(f"    {logical_id:<34} {resource['type']:<32} {resource['ref']}")
        return "\n".join(lines)


def lambda_logs_to_console(enabled: bool) -> None:
    lambda_runtime.echo_logs = enabled
