"""HTTP API helpers shared by every handler: one resolver factory with the error contract.

Error bodies are JSON: {"message": str, "request_id": str} plus, for 400/422, "errors": [{"field", "message"}].
Unexpected exceptions become 500 with the request id only; the stack trace goes to the function's log.

What every route gets before its handler runs (`PlatformResolver`), so no service repeats it:
- a trailing slash is ignored: `/api/v1/segments/` reaches the route `/api/v1/segments` (seed 001 writes
  the slash; HTTP API route keys cannot end in one, see docs/architecture.md "Trailing slashes");
- a request body must be JSON: Content-Type `application/json`, absent, or `text/plain` (a browser's
  simple request) is read as JSON, any other type is 415; a body that is not UTF-8 JSON is 400 naming
  `body` (never a 500);
- a query parameter the route does not declare is 422 naming it, never silently ignored.

Tracing is Lambda's own (`Tracing: Active` in template.yaml); Powertools Tracer is not used because
importing the X-Ray SDK costs about 0.5 s of every cold start.
"""

import base64
import binascii
import json
import os
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from segmentation.platform import auth
from segmentation.platform.errors import InvalidInput, PlatformError

# A handler that records no metric on some path is normal here, not worth a warning per invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
metrics = Metrics()


class FieldError(BaseModel):
    field: str | None
    message: str


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx answer."""

    message: str
    request_id: str | None
    errors: list[FieldError] = []


def error_response(status_code: int, message: str, request_id: str | None, **extra: Any) -> Response:
    body = {"message": message, "request_id": request_id, **extra}
    return Response(status_code=status_code, content_type=content_types.APPLICATION_JSON, body=json.dumps(body))


def _field_path(location: tuple | list) -> str:
    return ".".join(str(part) for part in location)


JSON_BODY_TYPES = ("application/json", "text/plain")


class RequestRejected(Exception):
    """A request refused before routing: its body's media type or encoding."""

    def __init__(self, status_code: int, message: str, field: str = "body"):
        super().__init__(message)
        self.status_code = status_code
        self.field = field


def _header(event: Mapping[str, Any], name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return value
    return None


def _without_trailing_slash(event: dict[str, Any]) -> dict[str, Any]:
    path = event.get("rawPath") or ""
    if len(path) > 1 and path.endswith("/"):
        event = {**event, "rawPath": path.rstrip("/") or "/", "_slash_stripped": True}
        http = (event.get("requestContext") or {}).get("http")
        if http and http.get("path"):
            event["requestContext"] = {**event["requestContext"],
                                       "http": {**http, "path": http["path"].rstrip("/") or "/"}}
    return event


def _json_body(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its body as JSON text (Content-Type application/json), or RequestRejected."""
    body = event.get("body")
    if body is None or body == "":
        return event
    content_type = (_header(event, "content-type") or "").strip()
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type and media_type not in JSON_BODY_TYPES:
        raise RequestRejected(415, f"unsupported Content-Type {content_type!r}: send the body as JSON "
                                   f"(Content-Type {' or '.join(JSON_BODY_TYPES)}, or none)", field="headers.content-type")
    try:
        raw = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode("utf-8")
        text = raw.decode("utf-8")
        json.loads(text)
    except (binascii.Error, UnicodeError):
        raise RequestRejected(400, "the request body is not valid UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise RequestRejected(400, f"the request body is not valid JSON: {error.msg} at line {error.lineno} "
                                   f"column {error.colno}") from None
    headers = {key: value for key, value in (event.get("headers") or {}).items() if key.lower() != "content-type"}
    return {**event, "body": text, "isBase64Encoded": False, "headers": {**headers, "content-type": "application/json"}}


class PlatformResolver(APIGatewayHttpResolver):
    """APIGatewayHttpResolver with the request envelope every route shares (see the module docstring)."""

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        event = _without_trailing_slash(dict(event))
        try:
            event = _json_body(event)
        except RequestRejected as rejection:
            logger.info("request rejected", extra={"status": rejection.status_code, "reason": str(rejection)})
            request_id = getattr(context, "aws_request_id", None)
            body = {"message": str(rejection), "request_id": request_id,
                    "errors": [{"field": rejection.field, "message": str(rejection)}]}
            return {"statusCode": rejection.status_code, "headers": {"Content-Type": content_types.APPLICATION_JSON},
                    "body": json.dumps(body), "isBase64Encoded": False}
        return super().resolve(event, context)


def _reject_unknown_query_parameters(app: APIGatewayHttpResolver, next_middleware: Callable) -> Any:
    """422 naming each query parameter the matched route does not declare (a global middleware: it runs
    after the route's own validation, so declared parameters are checked first). Powertools routes an
    unmatched request through a synthetic `not_found_handler` route, which declares nothing: it is left
    to answer 404 (tests/unit/test_api_contract.py guards the name)."""
    route = app.context.get("_route")
    declared = getattr(getattr(route, "dependant", None), "query_params", None)
    if route is not None and route.func.__name__ != "not_found_handler" and declared is not None:
        known = {param.alias for param in declared}
        unknown = sorted(set(app.current_event.query_string_parameters or {}) - known)
        if unknown:
            allowed = ", ".join(sorted(known)) or "none"
            raise RequestValidationError([{"loc": ("query", name), "type": "extra_forbidden",
                                           "msg": f"unknown query parameter (this route takes: {allowed})"}
                                          for name in unknown])
    return next_middleware(app)


def create_app() -> APIGatewayHttpResolver:
    """A resolver with request/response validation, the request envelope and the platform's error contract."""
    app = PlatformResolver(enable_validation=True)
    app.use(middlewares=[_reject_unknown_query_parameters])

    def request_id() -> str | None:
        context = app.lambda_context
        return getattr(context, "aws_request_id", None)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response:
        errors = [{"field": _field_path(e.get("loc", ())), "message": e.get("msg", "invalid")} for e in error.errors()]
        logger.info("request rejected", extra={"errors": errors})
        return error_response(422, "invalid request: " + "; ".join(f"{e['field']}: {e['message']}" for e in errors),
                              request_id(), errors=errors)

    @app.exception_handler(InvalidInput)
    def _invalid_input(error: InvalidInput) -> Response:
        errors = [{"field": error.field, "message": str(error)}] if error.field else []
        return error_response(422, str(error), request_id(), errors=errors)

    @app.exception_handler(PlatformError)
    def _platform_error(error: PlatformError) -> Response:
        if error.status_code >= 500:
            logger.error("dependency failure", extra={"error": str(error), "error_type": type(error).__name__})
        return error_response(error.status_code, str(error), request_id())

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(500, "internal server error", request_id())

    @app.not_found
    def _no_route(_error: Exception) -> Response:
        event = app.current_event
        if "{proxy+}" in (event.raw_event.get("routeKey") or "") and event.raw_event.get("_slash_stripped"):
            # A slashed deeper path (`/api/v1/segments/{id}/`) that API Gateway handed to a collection's greedy
            # companion route: send the client to the path without the slash, which a specific route serves.
            query = event.raw_event.get("rawQueryString") or ""
            return Response(308, content_types.APPLICATION_JSON,
                            json.dumps({"message": f"use {event.path} (no trailing slash)", "location": event.path}),
                            headers={"Location": event.path + (f"?{query}" if query else "")})
        return error_response(404, f"no route for {app.current_event.http_method} {app.current_event.path}",
                              request_id())

    return app


def current_caller(app: APIGatewayHttpResolver) -> str | None:
    """The authenticated caller of the request `app` is resolving (token username or sub), for
    created_by/updated_by; None only on a public route."""
    return auth.caller(app.current_event.raw_event)


def _bind_function_environment() -> None:
    """Powertools reads the service name and metrics namespace from the environment when it is built, at
    import. The local cloud serves every function from one process, so each invocation re-reads them
    from its own function's environment; on Lambda this changes nothing."""
    if namespace := os.environ.get("POWERTOOLS_METRICS_NAMESPACE"):
        metrics.namespace = namespace
    if service := os.environ.get("POWERTOOLS_SERVICE_NAME"):
        metrics.service = service
        logger.append_keys(service=service)


def http_handler(app: APIGatewayHttpResolver) -> Callable[[dict, LambdaContext], dict]:
    """The Lambda entry point for an HTTP API resolver, with structured logs, metrics and tracing."""

    @logger.inject_lambda_context(clear_state=True)
    @metrics.log_metrics
    def handler(event: dict, context: LambdaContext) -> dict:
        _bind_function_environment()
        try:
            auth.check(event)  # the route's role from auth.ROUTE_ROLES; the token itself API Gateway verified
        except auth.Forbidden as error:
            logger.info("request forbidden", extra={"route": event.get("routeKey"), "caller": auth.caller(event)})
            body = {"message": str(error), "request_id": getattr(context, "aws_request_id", None)}
            return {"statusCode": 403, "headers": {"Content-Type": content_types.APPLICATION_JSON},
                    "body": json.dumps(body)}
        return app.resolve(event, context)

    return handler


def batch_handler(function: Callable[[dict], Any]) -> Callable[[dict, LambdaContext], Any]:
    """The Lambda entry point for a batch job or a Step Functions task: failures propagate, so
    Step Functions Retry/Catch see the error type, and are logged with the input that caused them."""

    @logger.inject_lambda_context(clear_state=True)
    @metrics.log_metrics
    def handler(event: dict, context: LambdaContext) -> Any:
        _bind_function_environment()
        try:
            return function(event)
        except Exception:
            logger.exception("task failed", extra={"event": event})
            raise

    return handler
