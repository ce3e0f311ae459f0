"""First-party uploads: a CSV the user sends straight to S3 with a presigned POST, validated into a record
set the builder can segment. Identifiers are personal data: they are normalised (audiences/distribution.py),
stored only under uploads/ (expired by the bucket's lifecycle rule) and never logged or quoted in a
report (rejected rows are reported by line number and reason only).

The file: UTF-8 CSV with a header row; one column named after the subtype (email, phone, rampid, uid2,
maid, postal_code; case-insensitive) holds the identifier; every other column is an attribute: numeric
when every non-empty value parses as a number, else categorical (at most MAX_CATEGORIES distinct values).
A column is matched to a catalog variable by name (a GSS mnemonic such as `age` or `partyid` -> gss.age)
or, when the catalog search (issue 12) is deployed, by searching its name as a description.

EntitiesTable item UPLOAD#{id} / UPLOAD: filename, subtype, status (awaiting_file | validated | rejected),
the validation report, expires_at (TTL, 7 days like the objects).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np

from segmentation.audiences import distribution, records
from segmentation.platform import aws, dynamodb, settings
from segmentation.platform.errors import InvalidInput, NotFound
from segmentation.platform.storage import ArtifactStore

UPLOAD_PREFIX = "uploads/"
MAX_BYTES = 50 * 1024 * 1024
URL_SECONDS = 3600
RETENTION_DAYS = 7  # the bucket's lifecycle rule expires uploads/ and exports/ after this many days
MIN_RECORDS = 100   # fewer valid rows than this cannot make 10-20 segments of 5-10% that a platform accepts
MAX_CATEGORIES = 50
REPORTED_REJECTIONS = 200


def _key(upload_id: str) -> tuple[str, str]:
    return f"UPLOAD#{upload_id}", "UPLOAD"


def create(filename: str, subtype: str, caller: str | None = None) -> dict[str, Any]:
    upload_id = str(uuid.uuid4())
    object_key = f"{UPLOAD_PREFIX}{upload_id}/source.csv"
    post = aws.client("s3").generate_presigned_post(
        Bucket=settings.artifacts_bucket(), Key=object_key, ExpiresIn=URL_SECONDS,
        Fields={"Content-Type": "text/csv"},
        Conditions=[{"Content-Type": "text/csv"}, ["content-length-range", 1, MAX_BYTES]])
    now = time.time()
    item = {"upload_id": upload_id, "filename": filename, "subtype": subtype, "status": "awaiting_file",
            "object_key": object_key, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "expires_at": int(now) + RETENTION_DAYS * 86400, "created_by": caller, "updated_by": caller}
    pk, sk = _key(upload_id)
    dynamodb.call("put_item", TableName=settings.entities_table(), ConditionExpression="attribute_not_exists(pk)",
                  Item=dynamodb.serialize({"pk": pk, "sk": sk, "entity": "upload", **item}))
    return {"upload_id": upload_id, "url": post["url"], "fields": post["fields"], "max_bytes": MAX_BYTES,
            "expires_at": datetime.fromtimestamp(now + URL_SECONDS, UTC).isoformat(timespec="seconds")}


def _load_item(upload_id: str) -> dict[str, Any]:
    item = dynamodb.get(settings.entities_table(), *_key(upload_id))
    if item is None:
        raise NotFound(f"upload {upload_id} does not exist; create one with POST /api/audiences/uploads")
    return dynamodb.strip_keys(item)


def _match(column: str) -> dict[str, Any] | None:
    name = column.strip().lower()
    try:
        panel = records.load_builtin("panel")
    except Exception:  # noqa: BLE001 (matching by GSS name is skipped when the panel is not built)
        panel = None
    if panel is not None and name in panel.column_index:
        entry = panel.column(name)
        return {"code": entry["code"], "description": entry["description"], "by": "name"}
    try:
        from segmentation.audiences import search
    except ImportError:
        return None
    words = [w for w in re.split(r"[^a-z0-9]+", name) if len(w) >= 3]
    if not words:
        return None
    results = search.search(" ".join(words), k=1, record_set=None)
    # the best match counts only when its description names a word of the column's name
    if results and any(w in results[0]["description"].lower() for w in words):
        return {"code": results[0]["code"], "description": results[0]["description"], "by": "description"}
    return None


def validate(subtype: str, text: str) -> tuple[dict[str, Any], records.RecordSet | None]:
    """(the report, the record set) of an uploaded CSV; the record set is None when the file is rejected."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return {"status": "rejected", "reason": "the file is empty", "rows": 0}, None
    header = [h.strip() for h in header]
    lowered = [h.lower() for h in header]
    if subtype not in lowered:
        return {"status": "rejected", "rows": 0, "field": "subtype",
                "reason": f"no identifier column named {subtype!r} (the upload's subtype); columns: "
                          f"{', '.join(header)}"}, None
    id_col = lowered.index(subtype)
    attributes = [i for i in range(len(header)) if i != id_col]
    ids, rows, rejected, seen = [], [], [], set()
    total = 0
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        total += 1
        if len(row) != len(header):
            rejected.append({"line": line, "reason": f"{len(row)} fields, the header has {len(header)}"})
            continue
        try:
            ident = distribution.normalize_identifier(subtype, row[id_col])
        except distribution.InvalidIdentifier as error:
            rejected.append({"line": line, "reason": f"{subtype}: {error}"})
            continue
        if ident in seen:
            rejected.append({"line": line, "reason": f"{subtype}: duplicate of an earlier row"})
            continue
        seen.add(ident)
        ids.append(ident)
        rows.append([row[i].strip() for i in attributes])
    columns, data = [], []
    for j, i in enumerate(attributes):
        cells = [r[j] for r in rows]
        filled = [c for c in cells if c != ""]
        try:
            numbers = np.array([float(c) if c != "" else math.nan for c in cells], dtype=np.float64)
            if not np.isfinite(numbers[np.array([c != "" for c in cells], dtype=bool)]).all():
                raise ValueError("non-finite")
            kind, labels = "numeric", {}
        except ValueError:
            distinct = sorted(set(filled))
            if len(distinct) > MAX_CATEGORIES:
                columns.append({"column": header[i], "kind": "ignored",
                                "reason": f"{len(distinct)} distinct text values (at most {MAX_CATEGORIES})"})
                continue
            codes = {v: k for k, v in enumerate(distinct)}
            numbers = np.array([codes[c] if c != "" else math.nan for c in cells], dtype=np.float64)
            kind, labels = "categorical", {str(k): v for v, k in codes.items()}
        matched = _match(header[i])
        columns.append({"column": header[i], "kind": kind, "labels": labels, "answered": len(filled),
                        "matched": matched})
        data.append(numbers)
    report = {"rows": total, "accepted": len(ids), "rejected": len(rejected),
              "rejected_rows": rejected[:REPORTED_REJECTIONS], "identifier_column": header[id_col],
              "columns": columns}
    usable = [c for c in columns if c.get("matched")]
    if len(ids) < MIN_RECORDS:
        return {**report, "status": "rejected", "reason": f"{len(ids)} valid rows; at least {MIN_RECORDS} are "
                "needed for segments of 5-10% that ad platforms accept"}, None
    if not usable:
        return {**report, "status": "rejected", "reason": "no attribute column matches a catalog variable; name "
                "columns after GSS variables (age, sex, degree, partyid, ...) or describe them in the header"}, None
    kept = [(c, d) for c, d in zip([c for c in columns if c["kind"] != "ignored"], data)]
    record_columns = [{"name": c["column"], "code": c["matched"]["code"] if c.get("matched") else None,
                       "description": c["matched"]["description"] if c.get("matched") else c["column"],
                       "kind": c["kind"], "labels": c["labels"], "answered": c["answered"]} for c, _ in kept]
    values = np.column_stack([d for _, d in kept]).astype(np.float32)
    recs = records.RecordSet(name="upload", kind="upload", values=values, weights=np.ones(len(ids)), ids=ids,
                             columns=record_columns, source={"title": "first-party upload"})
    return {**report, "status": "validated"}, recs


def _save_record_set(upload_id: str, recs: records.RecordSet) -> None:
    store = ArtifactStore(settings.artifacts_bucket())
    buffer = io.BytesIO()
    np.save(buffer, recs.values, allow_pickle=False)
    prefix = f"{UPLOAD_PREFIX}{upload_id}/records/"
    store.put_bytes(prefix + "values.npy", buffer.getvalue())
    store.put_json(prefix + "manifest.json", {"columns": recs.columns, "ids": recs.ids})


_LOADED: dict[str, records.RecordSet] = {}


def load_record_set(upload_id: str) -> records.RecordSet:
    """The validated upload as a record set (422 when it is not validated)."""
    if upload_id in _LOADED:
        return _LOADED[upload_id]
    item = report(upload_id)
    if item["status"] != "validated":
        raise InvalidInput(f"upload {upload_id} is {item['status']}: {item.get('reason', 'send the file first')}",
                           field="payload.upload_id")
    store = ArtifactStore(settings.artifacts_bucket())
    prefix = f"{UPLOAD_PREFIX}{upload_id}/records/"
    manifest = store.get_json(prefix + "manifest.json")
    values = np.load(io.BytesIO(store.get_bytes(prefix + "values.npy")[0]), allow_pickle=False)
    recs = records.RecordSet(name="upload", kind="upload", values=values, weights=np.ones(len(manifest["ids"])),
                             ids=manifest["ids"], columns=manifest["columns"], source={"title": "first-party upload"})
    _LOADED.clear()
    _LOADED[upload_id] = recs
    return recs


def matched_columns(upload_id: str) -> list[dict[str, Any]]:
    return [{"code": c["code"], "column": c["name"]} for c in load_record_set(upload_id).columns if c.get("code")]


def report(upload_id: str, caller: str | None = None) -> dict[str, Any]:
    """The upload and its validation report; validates the file the first time it is there (the validation's
    write records `caller`, who asked for the report then, as updated_by)."""
    item = _load_item(upload_id)
    if item["status"] != "awaiting_file":
        return item
    store = ArtifactStore(settings.artifacts_bucket())
    try:
        body, _meta = store.get_bytes(item["object_key"])
    except NotFound:
        return {**item, "message": "no file yet: POST it to the url with the fields of the upload ticket"}
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        result, recs = {"status": "rejected", "reason": "the file is not UTF-8 text", "rows": 0}, None
    else:
        result, recs = validate(item["subtype"], text)
    if recs is not None:
        _save_record_set(upload_id, recs)
    updated = {**item, **result, "validated_at": datetime.now(UTC).isoformat(timespec="seconds"),
               **({"updated_by": caller} if caller else {})}
    pk, sk = _key(upload_id)
    answer = dynamodb.conditional("put_item", TableName=settings.entities_table(),
                                  ConditionExpression="#s = :awaiting", ExpressionAttributeNames={"#s": "status"},
                                  ExpressionAttributeValues=dynamodb.values(awaiting="awaiting_file"),
                                  Item=dynamodb.serialize({"pk": pk, "sk": sk, "entity": "upload",
                                                           **json.loads(json.dumps(updated))}))
    return updated if answer is not None else _load_item(upload_id)
