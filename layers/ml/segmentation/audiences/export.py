"""CSV export of an audience: `#` metadata lines (audience id, query, variables, record set, created_at),
a header row, one row per record with its segment; for clean-room audiences one row per segment
(aggregates only, segments under the minimum suppressed). Exports over INLINE_LIMIT bytes go to S3
(prefix exports/, expired by the bucket's lifecycle rule) and are answered with a presigned URL."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import numpy as np

from segmentation.audiences import builder
from segmentation.platform import aws, settings
from segmentation.platform.storage import ArtifactStore

INLINE_LIMIT = 5 * 1024 * 1024  # API Gateway + Lambda answer at most 6 MB; stay clear of it


def inline_limit() -> int:
    """Bytes above which an export goes through S3 (EXPORT_INLINE_LIMIT, default 5 MiB)."""
    return int(settings.optional("EXPORT_INLINE_LIMIT", str(INLINE_LIMIT)))
EXPORT_PREFIX = "exports/"
URL_SECONDS = 900


def _metadata(audience: dict[str, Any]) -> list[str]:
    variables = ", ".join(f"{v['code']} ({v['description']})" for v in audience["variables"])
    lines = [f"audience_id: {audience['audience_id']}", f"query: {audience.get('query') or ''}",
             f"variables: {variables}", f"record_set: {audience['record_set']} ({audience.get('source') or ''})",
             f"data_type: {audience['data_type']}", f"created_at: {audience['created_at']}",
             f"total_records: {audience['total_records']}", f"segments: {len(audience['segments'])}"]
    if audience.get("clean_room"):
        lines.append(f"clean_room: aggregates only; segments under {audience['clean_room_minimum']} records suppressed")
    return ["# " + line.replace("\n", " ") for line in lines]


def _cell(value: float, column: dict[str, Any]) -> str:
    if not math.isfinite(value):
        return ""
    if column["kind"] == "categorical":
        return column["labels"].get(str(int(value)), str(int(value)))
    return f"{value:g}"


def render(audience: dict[str, Any]) -> str:
    out = io.StringIO()
    out.write("\n".join(_metadata(audience)) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    if audience.get("clean_room"):
        writer.writerow(["group_id", "name", "size", "size_percentage", "dominant_traits", "suppressed"])
        for s in builder.public_segments(audience):
            if s.get("suppressed"):
                writer.writerow([s["group_id"], s["name"], "", "", "", "true"])
            else:
                writer.writerow([s["group_id"], s["name"], s["size"], s["size_percentage"],
                                 "; ".join(s["dominantTraits"]), "false"])
        return out.getvalue()
    recs = builder.load_records({"record_set": audience["record_set"], "upload_id": audience.get("upload_id")})
    assignment = builder.assignment(audience["audience_id"])
    rows, labels = np.asarray(assignment["rows"]), np.asarray(assignment["labels"])
    names = {s["group_id"]: s["name"] for s in audience["segments"]}
    column_names = [v["column"] for v in audience["variables"]]
    columns = [recs.column(n) for n in column_names]
    matrix = recs.matrix(column_names)[rows]
    id_header = {"panel": "respondent_id", "zcta": "zcta"}.get(recs.kind, audience.get("subtype") or "record_id")
    writer.writerow([id_header, "group_id", "segment_name", *column_names])
    for i, row in enumerate(rows):
        writer.writerow([recs.ids[row], int(labels[i]), names[int(labels[i])],
                         *(_cell(float(v), c) for v, c in zip(matrix[i], columns))])
    return out.getvalue()


def filename(audience: dict[str, Any]) -> str:
    return f"audience_{audience['audience_id']}.csv"


def stage_large(audience: dict[str, Any], body: str, caller: str | None = None) -> str:
    """Write the export to S3 (object metadata `created-by`: the caller) and answer a presigned GET URL that
    downloads it as an attachment."""
    key = f"{EXPORT_PREFIX}{audience['audience_id']}/{filename(audience)}"
    ArtifactStore(settings.artifacts_bucket()).put_bytes(key, body.encode(), "text/csv",
                                                         metadata={"created-by": caller} if caller else None)
    return aws.client("s3").generate_presigned_url("get_object", ExpiresIn=URL_SECONDS, Params={
        "Bucket": settings.artifacts_bucket(), "Key": key, "ResponseContentType": "text/csv",
        "ResponseContentDisposition": f'attachment; filename="{filename(audience)}"'})

