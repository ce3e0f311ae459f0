"""Firing an EventBridge scheduled rule on demand (schedules never fire by themselves in moto)."""

import copy
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from moto.events.models import events_backends

from localcloud import moto_patches


class RuleNotFound(LookupError):
    pass


def scheduled_event(rule: Any) -> dict[str, Any]:
    """The event EventBridge sends for a schedule tick."""
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
        "account": rule.account_id, "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": rule.region_name, "resources": [rule.arn], "detail": {},
    }


def fire_rule(account_id: str, region: str, rule_name: str) -> dict[str, Any]:
    """Deliver one schedule tick of `rule_name` to each of its targets, now, and report what each returned."""
    backend = events_backends[account_id][region]
    rule = next((r for bus in backend.event_buses.values() for r in bus.rules.values() if r.name == rule_name), None)
    if rule is None:
        raise RuleNotFound(f"rule {rule_name} does not exist")
    event = scheduled_event(rule)
    results = []
    for target in rule.targets:
        if target["Arn"].split(":")[2] in ("lambda", "states"):
            payload = json.loads(target["Input"]) if "Input" in target else event
            results.append(moto_patches.deliver(account_id, region, target["Arn"], payload))
        else:
            clone = copy.copy(rule)
            clone.targets = [target]
            clone.scheduled_expression = None
            moto_patches.Rule.send_to_targets(clone, event)
            results.append({"target": target["Arn"], "delivered": True})
    return {"rule": rule.name, "schedule": rule.scheduled_expression, "state": rule.state, "event": event,
            "targets": results}
