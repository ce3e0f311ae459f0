"""One health contract for the whole API (seed 003's shape), used by GET /api/health and every service's
health route:

    {"status": "healthy" | "degraded", "components": {"<name>": "ok" | "error"}, "version": str}

200 when healthy, 503 when degraded. A body never carries exception text or resource names (table,
bucket, state machine): what failed, and why, goes to the function's log with the component's name.
A check is a function that raises, or returns False, when its component is not usable.
"""

from collections.abc import Callable
from typing import Literal

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

from segmentation import __version__
from segmentation.platform import aws, settings
from segmentation.platform.api import logger

Check = Callable[[], bool | None]


class HealthReport(BaseModel):
    status: Literal["healthy", "degraded"]
    components: dict[str, Literal["ok", "error"]]
    version: str


def table_check(name_getter: Callable[[], str]) -> Check:
    def check() -> bool:
        return aws.client("dynamodb").describe_table(TableName=name_getter())["Table"]["TableStatus"] == "ACTIVE"

    return check


def bucket_check() -> bool:
    aws.client("s3").head_bucket(Bucket=settings.artifacts_bucket())
    return True


def state_machine_check() -> bool:
    machine = aws.client("stepfunctions").describe_state_machine(stateMachineArn=settings.training_state_machine_arn())
    return machine.get("status", "ACTIVE") == "ACTIVE"


def check_components(checks: dict[str, Check]) -> dict[str, str]:
    """{component: "ok" | "error"} for every component; each failure is logged with its detail."""
    report = {}
    for component, check in checks.items():
        try:
            ok = check() is not False
            if not ok:
                logger.warning("health check failed", extra={"component": component, "reason": "not active"})
        except Exception as error:  # noqa: BLE001 (a failing check is reported, the others still run)
            ok = False
            logger.warning("health check failed", extra={"component": component,
                                                         "error": f"{type(error).__name__}: {error}"})
        report[component] = "ok" if ok else "error"
    return report


def health_response(checks: dict[str, Check]) -> Response[HealthReport]:
    components = check_components(checks)
    healthy = all(state == "ok" for state in components.values())
    body = HealthReport(status="healthy" if healthy else "degraded", components=components, version=__version__)
    return Response(status_code=200 if healthy else 503, content_type=content_types.APPLICATION_JSON, body=body)
