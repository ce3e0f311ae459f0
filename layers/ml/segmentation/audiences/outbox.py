"""POST /api/distribute: every requested platform x segment payload built by audiences/distribution.py
and written to the S3 outbox (outbox/{distribution_id}/{platform}/{group_id}.json), with a status per
platform in outbox/{distribution_id}/status.json. Nothing is sent over the network: the OutboxConnector
is the only connector; one per platform with credentials pushes from the outbox later."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np

from segmentation.audiences import builder, distribution
from segmentation.platform import settings
from segmentation.platform.errors import InvalidInput
from segmentation.platform.storage import ArtifactStore

OUTBOX_PREFIX = "outbox/"


class OutboxConnector(distribution.Connector):
    def __init__(self, platform: str, store: ArtifactStore, distribution_id: str, created_by: str | None = None):
        super().__init__(platform)
        self.store, self.distribution_id, self.created_by = store, distribution_id, created_by

    def push(self, audience_id: str, result: dict[str, Any]) -> dict[str, Any]:
        key = f"{OUTBOX_PREFIX}{self.distribution_id}/{self.platform}/{result['group_id']}.json"
        self.store.put_json(key, {"audience_id": audience_id, "created_by": self.created_by, **result})
        return {"status": "queued", "location": f"s3://{self.store.bucket}/{key}"}


def _record_kind(audience: dict[str, Any]) -> str:
    if audience.get("clean_room"):
        return "clean_room"
    if audience["record_set"] == "panel":
        return "panel"
    if audience["record_set"] == "zcta":
        return "postal_code"
    return audience["subtype"]


def distribute(audience_id: str, platforms: list[str], group_ids: list[int] | None,
               ad_category: str | None, caller: str | None = None) -> dict[str, Any]:
    """Build and queue the payloads; `caller` is recorded as created_by of the status and every payload."""
    audience = builder.get_audience(audience_id)
    known = {s["group_id"] for s in audience["segments"]}
    if group_ids is not None and (unknown := sorted(set(group_ids) - known)):
        raise InvalidInput(f"audience {audience_id} has no segment {unknown} (group_ids {sorted(known)})",
                           field="body.segments")
    chosen = [s for s in audience["segments"] if group_ids is None or s["group_id"] in group_ids]
    kind = _record_kind(audience)
    members: dict[int, list[str]] = {}
    if kind not in ("panel", "clean_room"):
        recs = builder.load_records({"record_set": audience["record_set"], "upload_id": audience.get("upload_id")})
        assignment = builder.assignment(audience_id)
        rows, labels = np.asarray(assignment["rows"]), np.asarray(assignment["labels"])
        for s in chosen:
            members[s["group_id"]] = [recs.ids[r] for r in rows[labels == s["group_id"]]]
    distribution_id = str(uuid.uuid4())
    store = ArtifactStore(settings.artifacts_bucket())
    results = []
    for platform in dict.fromkeys(platforms):
        connector = OutboxConnector(platform, store, distribution_id, caller)
        for s in chosen:
            result = distribution.build(platform, s, record_kind=kind, identifiers=members.get(s["group_id"]),
                                        variables=audience["variables"],
                                        ad_category=None if ad_category == "none" else ad_category,
                                        suppression_minimum=audience.get("clean_room_minimum") or 50)
            if result["status"] == "queued":
                result.update(connector.push(audience_id, result))
            result.pop("payload", None)
            results.append(result)
    statuses = {r["status"] for r in results}
    status = "queued" if statuses == {"queued"} else "refused" if "queued" not in statuses else "partial"
    summary = {"status": status, "distribution_id": distribution_id, "audience_id": audience_id,
               "record_kind": kind, "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "created_by": caller,
               "platforms": {p: sorted({r["status"] for r in results if r["platform"] == p}) for p in platforms},
               "results": results}
    store.put_json(f"{OUTBOX_PREFIX}{distribution_id}/status.json", summary)
    return summary
