"""HTTP API helpers shared by every handler: one resolver factory with the error contract.

Error bodies are JSON: {"message": str, "request_id": str} plus, for 422, "errors": [{"field", "message"}].
Unexpected exceptions become 500 with the request id only; the stack trace goes to the function's log.

Tracing is Lambda's own (`Tracing: Active` in template.yaml); Powertools Tracer is not used because
importing the X-Ray SDK costs about 0.5 s of every cold start.
"""

import json
import os
import warnings
from collections.abc import Callable
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


def create_app() -> APIGatewayHttpResolver:
    """A resolver with request/response validation and the platform's error contract."""
    app = APIGatewayHttpResolver(enable_validation=True)

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
