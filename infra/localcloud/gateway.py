"""The HTTP API data plane moto lacks: match a request to a route of an API Gateway v2 HTTP API,
build the payload-format-2.0 event, invoke the integration's Lambda function, map its answer to HTTP."""

import base64
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from moto.apigatewayv2.models import apigatewayv2_backends
from moto.awslambda.utils import get_backend as lambda_backend
from werkzeug.wrappers import Request, Response

from localcloud.authorizer import Unauthorized, authorize

log = logging.getLogger("localcloud")
_TEXT_TYPES = re.compile(r"^(text/|application/(json|xml|javascript|x-www-form-urlencoded)|.*\+(json|xml))")


@dataclass(frozen=True)
class RouteMatch:
    route_key: str
    target: str
    path_parameters: dict[str, str]


def _route_pattern(path: str) -> tuple[re.Pattern, bool, int]:
    """A regex for a route path, whether it ends in a greedy {proxy+}, and its count of literal segments."""
    parts, greedy, literals = [], False, 0
    for segment in path.strip("/").split("/") if path != "/" else []:
        if segment.startswith("{") and segment.endswith("+}"):
            parts.append(f"(?P<{segment[1:-2]}>.+)")
            greedy = True
        elif segment.startswith("{") and segment.endswith("}"):
            parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
        else:
            parts.append(re.escape(segment))
            literals += 1
    return re.compile("^/" + "/".join(parts) + "/?$"), greedy, literals


def match_route(routes: list[tuple[str, str]], method: str, path: str) -> RouteMatch | None:
    """The most specific route for (method, path): literal over variable over greedy, a method over ANY,
    `$default` last. `routes` holds (route_key, target) pairs."""
    candidates = []
    default = None
    for route_key, target in routes:
        if route_key == "$default":
            default = RouteMatch(route_key, target, {})
            continue
        route_method, _, route_path = route_key.partition(" ")
        if route_method not in (method, "ANY"):
            continue
        pattern, greedy, literals = _route_pattern(route_path)
        found = pattern.match(path)
        if found:
            rank = (greedy, -literals, route_method == "ANY")
            candidates.append((rank, RouteMatch(route_key, target, found.groupdict())))
    if candidates:
        return min(candidates, key=lambda item: item[0])[1]
    return default


def _json_response(status: int, body: dict[str, Any], request_id: str) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json",
                    headers={"apigw-requestid": request_id})


class HttpApiGateway:
    """Serves the HTTP APIs deployed into moto's API Gateway v2 backend."""

    def __init__(self, account_id: str, region: str):
        self.account_id = account_id
        self.region = region

    def _api(self, api_id: str) -> Any:
        return apigatewayv2_backends[self.account_id][self.region].apis.get(api_id)

    def build_event(self, request: Request, api_id: str, stage: str, path: str, match: RouteMatch,
                    request_id: str) -> dict[str, Any]:
        headers: dict[str, str] = {}
        for name, value in request.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        cookie_header = headers.pop("cookie", "")
        now = time.time()
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": match.route_key,
            "rawPath": path,
            "rawQueryString": request.query_string.decode("latin-1"),
            "headers": headers,
            "requestContext": {
                "accountId": self.account_id, "apiId": api_id,
                "domainName": request.host, "domainPrefix": request.host.split(".")[0],
                "http": {"method": request.method, "path": path, "protocol": request.environ.get("SERVER_PROTOCOL",
                                                                                               "HTTP/1.1"),
                         "sourceIp": request.remote_addr or "127.0.0.1", "userAgent": headers.get("user-agent", "")},
                "requestId": request_id, "routeKey": match.route_key, "stage": stage,
                "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)), "timeEpoch": int(now * 1000),
            },
            "isBase64Encoded": False,
        }
        if cookie_header:
            event["cookies"] = [c.strip() for c in cookie_header.split(";") if c.strip()]
        if request.args:
            event["queryStringParameters"] = {k: ",".join(request.args.getlist(k)) for k in request.args}
        if match.path_parameters:
            event["pathParameters"] = match.path_parameters
        body = request.get_data()
        if body:
            if _TEXT_TYPES.match(request.mimetype or "text/plain"):
                try:
                    event["body"] = body.decode("utf-8")
                except UnicodeDecodeError:
                    event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
            else:
                event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
        return event

    @staticmethod
    def to_response(result: Any, request_id: str) -> Response:
        """Map a payload-format-2.0 Lambda answer to HTTP (a bare value means 200 with it as JSON)."""
        if not (isinstance(result, dict) and "statusCode" in result):
            return Response(json.dumps(result), status=200, mimetype="application/json",
                            headers={"apigw-requestid": request_id})
        body = result.get("body") or ""
        data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
        response = Response(data, status=int(result["statusCode"]))
        response.headers.pop("Content-Type", None)
        for name, value in (result.get("headers") or {}).items():
            response.headers[name] = str(value)
        for cookie in result.get("cookies") or []:
            response.headers.add("Set-Cookie", cookie)
        response.headers["apigw-requestid"] = request_id
        if "Content-Type" not in response.headers:  # werkzeug Headers: case-insensitive
            response.headers["Content-Type"] = "application/json"
        return response

    def handle(self, request: Request, api_id: str, path: str) -> Response:
        request_id = str(uuid.uuid4())
        try:
            return self._handle(request, api_id, path, request_id)
        except Exception:
            log.exception("HTTP API gateway failed on %s %s", request.method, path)
            return _json_response(500, {"message": "Internal Server Error", "request_id": request_id}, request_id)

    def _handle(self, request: Request, api_id: str, path: str, request_id: str) -> Response:
        api = self._api(api_id)
        if api is None:
            return _json_response(404, {"message": f"no HTTP API {api_id}"}, request_id)
        stage = "$default"
        first, _, rest = path.lstrip("/").partition("/")
        if first in api.stages and first != "$default":
            stage, path = first, "/" + rest
        routes = [(route.route_key, route.target) for route in api.routes.values()]
        match = match_route(routes, request.method, path or "/")
        if match is None or not (match.target or "").startswith("integrations/"):
            return _json_response(404, {"message": "Not Found"}, request_id)
        route = next(r for r in api.routes.values() if r.route_key == match.route_key)
        authorizer_context = None
        if route.authorization_type == "JWT":
            authorizer = api.authorizers[route.authorizer_id]
            try:
                authorizer_context = authorize({k.lower(): v for k, v in request.headers.items()},
                                               authorizer.jwt_config, self.account_id)
            except Unauthorized as error:
                log.info("401 on %s %s: %s", request.method, path, error)
                response = _json_response(401, {"message": "Unauthorized"}, request_id)
                response.headers["www-authenticate"] = 'Bearer error="invalid_token"'
                return response
        integration = api.integrations[match.target.split("/", 1)[1]]
        function_arn = re.sub(r"^arn:aws:apigateway:[^:]+:lambda:path/[^/]+/functions/(.+)/invocations$", r"\1",
                              integration.integration_uri)
        event = self.build_event(request, api_id, stage, path, match, request_id)
        if authorizer_context is not None:
            event["requestContext"]["authorizer"] = authorizer_context
        function = lambda_backend(self.account_id, self.region).get_function(function_arn)
        payload, errored, _logs = function._invoke_lambda(event)
        if errored:
            return _json_response(500, {"message": "Internal Server Error", "request_id": request_id}, request_id)
        return self.to_response(json.loads(payload), request_id)


def api_wsgi_app(gateway: HttpApiGateway, api_id_of: Any) -> Any:
    """A WSGI app serving one HTTP API at its root; `api_id_of()` names the API (it may change on redeploy)."""

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        return gateway.handle(request, api_id_of(), request.path)(environ, start_response)

    return app
