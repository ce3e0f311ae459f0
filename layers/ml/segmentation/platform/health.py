"""Health of the deployment's components: each is checked and reported, none hides another."""

from collections.abc import Callable
from typing import Any

from segmentation.platform import aws, settings


def table_check(name_getter: Callable[[], str]) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        table = aws.client("dynamodb").describe_table(TableName=name_getter())["Table"]
        return {"name": table["TableName"], "state": table["TableStatus"], "ok": table["TableStatus"] == "ACTIVE"}

    return check


def _bucket() -> dict[str, Any]:
    name = settings.artifacts_bucket()
    aws.client("s3").head_bucket(Bucket=name)
    return {"name": name, "ok": True}


def _state_machine() -> dict[str, Any]:
    machine = aws.client("stepfunctions").describe_state_machine(stateMachineArn=settings.training_state_machine_arn())
    return {"name": machine["name"], "state": machine.get("status", "ACTIVE"), "ok": machine.get("status", "ACTIVE") == "ACTIVE"}


def _text_model() -> dict[str, Any]:
    from segmentation.platform.storage import ArtifactStore
    from segmentation.text.registry import ModelRegistry

    latest = ModelRegistry(ArtifactStore(settings.artifacts_bucket())).latest()
    return {"version": latest["version"], "promoted_at": latest.get("promoted_at"), "ok": True}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "entities_table": table_check(settings.entities_table),
    "events_table": table_check(settings.events_table),
    "artifacts_bucket": _bucket,
    "training_pipeline": _state_machine,
    "text_model": _text_model,
}


def check_components(checks: dict[str, Callable[[], dict[str, Any]]] = CHECKS) -> dict[str, dict[str, Any]]:
    """{component: {"status": "ok" | "unavailable", ...details}} for every component checked."""
    report = {}
    for component, check in checks.items():
        try:
            detail = check()
            ok = detail.pop("ok")
            report[component] = {"status": "ok" if ok else "unavailable", **detail}
        except Exception as error:  # noqa: BLE001 (a failing check is reported, the others still run)
            report[component] = {"status": "unavailable", "error": f"{type(error).__name__}: {error}"}
    return report
