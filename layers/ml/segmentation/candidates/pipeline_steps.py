"""Tasks of the candidates state machines (infra/statemachines/candidates_*.asl.json).

  training  Snapshot -> Fit -> Evaluate -> Publish -> Reassign (Map: AssignShard) -> RecordRun
  predict   Snapshot -> AssignShards (Map: AssignShard) -> RecordRun
  import    ValidateImport -> WriteShards (Map: WriteImportShard) -> StartTraining -> RecordRun
  any failure -> RecordFailure (the run's record says why; `latest` is unchanged)

State passed between tasks stays small: the snapshot and the import's accepted rows are JSON Lines
shards under runs/candidates/{run_id}/. Fit is the only task that needs scikit-learn (training layer).
"""

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote_plus

from segmentation.candidates import runs, store
from segmentation.candidates.files import parse_candidates
from segmentation.candidates.model import features_of, segment_counts
from segmentation.candidates.registry import CandidateRegistry
from segmentation.platform import settings
from segmentation.platform.errors import DependencyUnavailable, InvalidInput, task_failure
from segmentation.platform.integrity import sha256_hex
from segmentation.platform.storage import ArtifactStore

SHARD_SIZE = 5_000  # candidates per AssignShard / WriteImportShard task (CANDIDATE_SHARD_SIZE overrides)


def _store() -> ArtifactStore:
    return ArtifactStore(settings.artifacts_bucket())


def _registry() -> CandidateRegistry:
    return CandidateRegistry(_store())


def shard_size() -> int:
    return int(settings.optional("CANDIDATE_SHARD_SIZE", str(SHARD_SIZE)))


def import_prefix() -> str:
    return settings.optional("CANDIDATE_IMPORT_PREFIX", "candidates/import/")


def reports_prefix() -> str:
    return settings.optional("CANDIDATE_REPORTS_PREFIX", "candidates/reports/")


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows).encode()


def _read_jsonl(key: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in _store().get_bytes(key)[0].decode().splitlines() if line]


def _write_shards(run_id: str, folder: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    store_, size, shards = _store(), shard_size(), []
    for number, start in enumerate(range(0, len(rows), size)):
        key = runs.stage_key(run_id, f"{folder}/{number:05d}.jsonl")
        store_.put_bytes(key, _jsonl(rows[start:start + size]), "application/x-ndjson")
        shards.append({"run_id": run_id, "key": key, "number": number, "count": len(rows[start:start + size])})
    return shards


def clusters_param(value: Any) -> int | None:
    from segmentation.candidates.training import TrainingParams

    return TrainingParams.parse_clusters(value if value is not None else settings.optional("CANDIDATE_CLUSTERS", "5"))


# ---------------------------------------------------------------- training and prediction
def snapshot(run_id: str, kind: str, clusters: Any = None) -> dict[str, Any]:
    """Every candidate's features (Query on gsi2), as shards. A training run refuses a pool too small for
    its clusters here, before any fitting."""
    # skills as stored (features_of normalizes them again): names show their usual spelling ("HTML/CSS")
    rows = [{"candidate_id": c["candidate_id"], **features_of(c), "skills": c.get("skills") or []}
            for c in store.pool()]
    result: dict[str, Any] = {"run_id": run_id, "candidates": len(rows), "sha256": sha256_hex(_jsonl(rows))}
    if kind == "train":
        k = clusters_param(clusters)
        result["clusters"] = k if k is not None else "auto"
        if len(rows) < (k or 2):
            from segmentation.candidates.training import TrainingDataError

            raise TrainingDataError(f"{len(rows)} candidates cannot make {k or 2} clusters: K-means needs at least "
                                    "as many candidates as clusters", field="clusters")
    else:
        result["model_version"] = _registry().latest()["version"]
    result["shards"] = _write_shards(run_id, "snapshot", rows)
    runs.write_record(run_id, status="RUNNING", counts={"candidates": len(rows), "shards": len(result["shards"])})
    return result


def _snapshot_rows(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for shard in sorted(shards, key=lambda s: s["number"]) for row in _read_jsonl(shard["key"])]


def _promoted_or_none():
    from segmentation.platform.api import logger

    registry = _registry()
    try:
        return registry.load_latest()
    except DependencyUnavailable as error:
        if "no promoted candidate model" not in str(error):
            logger.warning("promoted candidate model unreadable; segment ids start afresh", extra={"error": str(error)})
        return None


def fit(run_id: str, snapshot_result: dict[str, Any]) -> dict[str, Any]:
    """Train on the snapshot (segment ids matched to the promoted model's) and publish the version,
    not yet promoted."""
    from segmentation.candidates.training import TrainingParams

    rows = _snapshot_rows(snapshot_result["shards"])
    clusters = snapshot_result["clusters"]
    params = TrainingParams(clusters=None if clusters == "auto" else int(clusters))
    from segmentation.candidates.training import train

    model = train(rows, params, previous=_promoted_or_none(),
                  source={"run_id": run_id, "snapshot_sha256": snapshot_result["sha256"]})
    version = _registry().publish(model)
    metrics = model.manifest["metrics"]
    return {"version": version, "k": metrics["k"], "silhouette": metrics["silhouette"],
            "inertia": metrics["inertia"], "sizes": metrics["sizes"]}


def gates():
    from segmentation.candidates.gates import QualityGates

    defaults = QualityGates()
    return QualityGates(
        silhouette_min=float(settings.optional("CANDIDATE_GATE_SILHOUETTE_MIN", str(defaults.silhouette_min))),
        min_segment_fraction=float(settings.optional("CANDIDATE_GATE_MIN_SEGMENT_FRACTION", str(defaults.min_segment_fraction))))


def evaluate(run_id: str, version: str, snapshot_result: dict[str, Any]) -> dict[str, Any]:
    """Load the published version as serving will (NumPy), check it reproduces the fit's segment sizes on
    the snapshot, and apply the quality gates (CANDIDATE_GATE_* settings); the result goes into its manifest."""
    registry = _registry()
    model = registry.load(version)
    rows = _snapshot_rows(snapshot_result["shards"])
    sizes = segment_counts(model.assign(rows, explain=False).segment_ids)
    metrics = model.manifest["metrics"]
    gate_result = gates().check(metrics)
    if sizes != metrics["sizes"]:
        gate_result["passed"] = False
        gate_result["failures"].append(f"the saved model assigns {sizes}, the fit {metrics['sizes']}")
    model.manifest["metrics"]["gates"] = gate_result
    manifest = registry.manifest(version)
    manifest["metrics"]["gates"] = gate_result
    registry.store.put_json(registry._key(version, "manifest.json"), manifest)
    return {"version": version, "gates": gate_result}


def publish(version: str) -> dict[str, Any]:
    """Promote the version to latest; PromotionRefused (caught and recorded) if its gates failed."""
    return _registry().promote(version)


def assign_shard(run_id: str, key: str, number: int, version: str) -> dict[str, Any]:
    """Assign one shard of the snapshot with `version` and write the segments back (idempotent: a retried
    shard writes the same values)."""
    from segmentation.candidates.service import assignment_of

    model = _registry().load(version)
    rows = _read_jsonl(key)
    assignments = assignment_of(model, rows)
    written = store.write_assignments([(r["candidate_id"], a) for r, a in zip(rows, assignments)])
    counts = segment_counts([a["segment_id"] for a in assignments])
    _store().put_json(runs.stage_key(run_id, f"done/{number:05d}.json"), {"written": written, "segments": counts})
    return {"number": number, "written": written, "segments": counts}


def record_run(run_id: str, kind: str, summary: dict[str, Any]) -> dict[str, Any]:
    """The record of a successful run; for training and prediction the seed's result shape."""
    result = dict(summary)
    counts: dict[str, int] = {}
    if "assigned" in summary:
        segments: dict[str, int] = {}
        for shard in summary["assigned"]:
            for segment_id, count in shard["segments"].items():
                segments[segment_id] = segments.get(segment_id, 0) + count
        written = sum(s["written"] for s in summary["assigned"])
        result = {k: v for k, v in summary.items() if k != "assigned"}
        result.update(num_candidates=written, segments=segment_counts(
            [s for s, n in segments.items() for _ in range(n)]))
        counts = {"candidates": summary.get("candidates", written), "assigned": written,
                  "shards": len(summary["assigned"])}
    if kind == "train":
        result["model_uri"] = _registry().uri(summary["version"])
    if kind == "import":
        counts = {k: summary[k] for k in ("rows", "accepted", "rejected") if k in summary}
    return runs.write_record(run_id, status="SUCCEEDED", finished_at=runs._now(), result=result, counts=counts)


def record_failure(run_id: str, error: str, cause: str) -> dict[str, Any]:
    cause, trace = task_failure(cause)
    return runs.write_record(run_id, status="FAILED", finished_at=runs._now(), error=error, cause=cause, trace=trace)


# ---------------------------------------------------------------- bulk import
def import_run_id(key: str, etag: str) -> str:
    stem = PurePosixPath(key).stem
    safe = "".join(c if c.isalnum() or c in "_-" else "-" for c in stem).strip("-")[:40] or "file"
    return f"import-{safe}-{etag.strip(chr(34))[:16]}"


def start_imports_from_s3_event(event: dict[str, Any]) -> list[dict[str, Any]]:
    """S3 ObjectCreated under candidates/import/: one import run per file version (keys arrive URL-encoded;
    a duplicate notification for the same ETag starts nothing)."""
    started = []
    for record in event.get("Records", []):
        key = unquote_plus(record["s3"]["object"]["key"])
        if not key.startswith(import_prefix()) or key.endswith("/"):
            continue
        etag = record["s3"]["object"].get("eTag", "")
        started.append(runs.start("import", {"file": {"bucket": record["s3"]["bucket"]["name"], "key": key,
                                                      "etag": etag}}, run_id=import_run_id(key, etag)))
    return started


def report_key(key: str, run_id: str) -> str:
    return f"{reports_prefix()}{PurePosixPath(key).name}.{run_id}.json"


def validate_import(run_id: str, bucket: str, key: str) -> dict[str, Any]:
    """Validate every row; accepted rows become shards, rejected rows go to the report object (by line and
    field). A file that cannot be read as candidates at all fails the run, and its report says why."""
    data = ArtifactStore(bucket).get_bytes(key)[0]
    report = report_key(key, run_id)
    try:
        parsed = parse_candidates(data, key)
    except InvalidInput as error:
        _store().put_json(report, {"file": key, "run_id": run_id, "error": str(error), "field": error.field,
                                   "accepted": 0, "rejected": []})
        raise
    _store().put_json(report, {"file": key, "run_id": run_id, "rows": parsed.rows, "accepted": len(parsed.accepted),
                               "rejected": parsed.rejected})
    shards = [{**shard, "principal": import_principal(key)} for shard in _write_shards(run_id, "import", parsed.accepted)]
    runs.write_record(run_id, status="RUNNING", counts={"rows": parsed.rows, "accepted": len(parsed.accepted),
                                                        "rejected": len(parsed.rejected), "shards": len(shards)},
                      report=report)
    return {"rows": parsed.rows, "accepted": len(parsed.accepted), "rejected": len(parsed.rejected),
            "report": report, "shards": shards}


def import_principal(key: str) -> str:
    """Who an import's writes are recorded as (created_by/updated_by): the file, `import:{object key}`. An S3
    notification names only the uploader's IAM principal, not a token's user, so the file stands for it."""
    return f"import:{key}"


def write_import_shard(run_id: str, key: str, number: int, principal: str | None = None) -> dict[str, Any]:
    """Upsert one shard of accepted rows (idempotent by candidate_id), recorded as written by `principal`."""
    from concurrent.futures import ThreadPoolExecutor

    rows = _read_jsonl(key)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda row: store.upsert_profile(row, principal), rows))
    _store().put_json(runs.stage_key(run_id, f"done/{number:05d}.json"), {"written": len(rows)})
    return {"number": number, "written": len(rows)}


def start_training_after_import(run_id: str, accepted: int) -> dict[str, Any]:
    if accepted == 0:
        return {"started": False, "reason": "no row was accepted"}
    return {"started": True, **runs.start("train", {"clusters": None, "source": {"import": run_id}},
                                          run_id=f"train-after-{run_id.removeprefix('import-')}"[:80])}


def scheduled_training() -> dict[str, Any]:
    return runs.start("train", {"clusters": None, "source": {"schedule": True}})
