"""Audience-builder sessions in DynamoDB: the seed's workflow state, kept across Lambda invocations.

EntitiesTable item NLSESSION#{id} / SESSION: status (initial | variables_suggested | complete), the last
query and record set, the suggestions, the confirmed variables, audience_id, history (every action with
its outcome), last_error, created_by / updated_by (the caller who started it / took the last action,
issue 17), version (optimistic concurrency) and expires_at (epoch seconds, the table's TTL attribute). Sessions live 24 hours; DynamoDB's TTL deletes expired items late (up to days), so every
read checks expires_at itself and answers 410 Gone.

State machine (enforced with a conditional write on status and version):
  initial -> process -> variables_suggested -> confirm -> complete
  variables_suggested | complete -> refine -> variables_suggested;  any -> process -> variables_suggested
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from segmentation.platform import dynamodb, settings
from segmentation.platform.errors import Conflict, NotFound, PlatformError

SESSION_TTL_SECONDS = 24 * 3600
HISTORY_LIMIT = 50
ALLOWED = {"process": ("initial", "variables_suggested", "complete"),
           "confirm": ("variables_suggested",),
           "refine": ("variables_suggested", "complete")}


class SessionExpired(PlatformError):
    status_code = 410


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _key(session_id: str) -> dict[str, Any]:
    return dynamodb.key(f"NLSESSION#{session_id}", "SESSION")


def start(caller: str | None = None) -> dict[str, Any]:
    session_id = str(uuid.uuid4())
    session = {"session_id": session_id, "status": "initial", "created_at": _now(), "version": 1,
               "expires_at": int(time.time()) + SESSION_TTL_SECONDS, "history": [], "created_by": caller,
               "updated_by": caller}
    dynamodb.call("put_item", TableName=settings.entities_table(), ConditionExpression="attribute_not_exists(pk)",
                  Item=dynamodb.serialize({"pk": f"NLSESSION#{session_id}", "sk": "SESSION", "entity": "nl_session",
                                           **session}))
    return {k: v for k, v in session.items() if v is not None}


def load(session_id: str) -> dict[str, Any]:
    session = dynamodb.get(settings.entities_table(), f"NLSESSION#{session_id}", "SESSION")
    if session is None:
        raise NotFound(f"session {session_id} does not exist; start one with POST /api/nl/start_session")
    if session["expires_at"] <= time.time():
        raise SessionExpired(f"session {session_id} expired at "
                             f"{datetime.fromtimestamp(session['expires_at'], UTC).isoformat()}; start a new one")
    return dynamodb.strip_keys(session)


def require_state(session: dict[str, Any], action: str) -> None:
    if session["status"] not in ALLOWED[action]:
        hint = {"confirm": "process a query first (action process)",
                "refine": "process a query first (action process)"}.get(action, "")
        raise Conflict(f"action {action} is not allowed in state {session['status']}; "
                       f"allowed in {', '.join(ALLOWED[action])}" + (f": {hint}" if hint else ""))


def update_request(session: dict[str, Any], changes: dict[str, Any], event: dict[str, Any],
                   caller: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the session after `changes` and `event` by `caller` (its updated_by; created_by is kept), the
    conditional UpdateItem request that writes it)."""
    history = ([*session.get("history", []), {"at": _now(), **event}])[-HISTORY_LIMIT:]
    by = {"updated_by": caller} if caller else {}
    updated = {**session, **changes, **by, "history": history, "version": session["version"] + 1,
               "expires_at": int(time.time()) + SESSION_TTL_SECONDS, "updated_at": _now()}
    names = [k for k in updated if k != "session_id"]
    set_parts = [f"#{k} = :{k}" for k in names if updated[k] is not None]
    remove_parts = [f"#{k}" for k in names if updated[k] is None]
    expression = "SET " + ", ".join(set_parts) + (" REMOVE " + ", ".join(remove_parts) if remove_parts else "")
    request = {"TableName": settings.entities_table(), "Key": _key(session["session_id"]),
               "UpdateExpression": expression, "ConditionExpression": "attribute_exists(pk) AND version = :expected",
               "ExpressionAttributeNames": {f"#{k}": k for k in names},
               "ExpressionAttributeValues": dynamodb.values(expected=session["version"],
                                                            **{k: updated[k] for k in names if updated[k] is not None})}
    return {k: v for k, v in updated.items() if v is not None}, request


def save(session: dict[str, Any], changes: dict[str, Any], event: dict[str, Any],
         also: list[dict[str, Any]] | None = None, caller: str | None = None) -> dict[str, Any]:
    """Apply `changes` and append `event` to the history if nobody changed the session since it was read
    (409 otherwise), in one transaction with the `also` TransactItems (e.g. the audience's Put). Sliding
    expiry: each successful action keeps the session 24 hours from now."""
    updated, request = update_request(session, changes, event, caller)
    if also:
        try:
            dynamodb.transact([*also, {"Update": request}])
        except dynamodb.TransactionCancelled as error:
            raise Conflict(f"session {session['session_id']} was changed by another request; reload and retry") \
                from error
        return updated
    if dynamodb.conditional("update_item", **request) is None:
        raise Conflict(f"session {session['session_id']} was changed by another request; reload and retry")
    return updated


def record_failure(session: dict[str, Any], action: str, reason: str, caller: str | None = None) -> None:
    """Keep the session's state, record why the action failed (last_error and the history)."""
    try:
        save(session, {"last_error": {"action": action, "reason": reason, "at": _now()}},
             {"action": action, "outcome": "failed", "reason": reason, "status": session["status"]}, caller=caller)
    except Conflict:
        pass  # another request moved the session on; its state is what it is
