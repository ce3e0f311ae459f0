"""Batch segmentation: a JSON Lines file of ads under `batch/ads/` in the artifacts bucket is segmented by the
batch state machine (infra/statemachines/batch_segmentation.asl.json):

    PlanBatch -> SegmentShards (Map: SegmentShard) -> FinishBatch;  any failure -> the execution fails

- PlanBatch reads the file, checks every line (`parse_batch`: an object with a non-empty string `text` of
  at most 20,000 characters, optional `id`), writes the valid ads in shards of BATCH_SHARD_SIZE under
  `batch/work/{run_id}/` and the malformed lines to the error report.
- SegmentShard segments one shard with the promoted model through the same serving code as POST /segment
  (`serving.PromotedSegmenter`), one result line per ad.
- FinishBatch joins the shards' results in input order into `batch/results/{name}.jsonl` (one line per
  valid ad: {"line", "id", ...the /segment response}) and writes `batch/results/{name}.errors.jsonl` (one
  line per malformed input line: {"line", "field", "error"}; empty when every line was good) and
  `batch/results/{name}.summary.json`.

A malformed line never stops the batch; an unreadable file (not UTF-8) or a missing model fails the run
(Step Functions retries transient errors).
"""

import json
from typing import Any

from segmentation.platform import settings
from segmentation.platform.errors import InvalidInput
from segmentation.platform.storage import ArtifactStore
from segmentation.text.corpus import validate_ad_text

DEFAULT_SHARD_SIZE = 500  # ads per SegmentShard task; BATCH_SHARD_SIZE overrides
MAX_BATCH_LINES = 200_000


def ads_prefix() -> str:
    return settings.optional("BATCH_ADS_PREFIX", "batch/ads/")


def results_prefix() -> str:
    return settings.optional("BATCH_RESULTS_PREFIX", "batch/results/")


def work_prefix() -> str:
    return settings.optional("BATCH_WORK_PREFIX", "batch/work/")


def parse_batch(raw: bytes | str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Valid ads ({"line", "id", "text"}) and the malformed lines ({"line", "field", "error"}), by line
    number (1-based; blank lines are skipped)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidInput(f"the batch file is not UTF-8 text: {error}", field="file") from error
    ads: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        if number > MAX_BATCH_LINES:
            errors.append({"line": number, "field": "file",
                           "error": f"the batch file has more than {MAX_BATCH_LINES} lines; the rest is ignored"})
            break
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append({"line": number, "field": "line", "error": f"not valid JSON: {error.msg}"})
            continue
        try:
            if not isinstance(record, dict):
                raise InvalidInput("expected an object with `text`", field="text")
            ad_id = record.get("id")
            if ad_id is not None and (not isinstance(ad_id, (str, int)) or isinstance(ad_id, bool)):
                raise InvalidInput("id must be a string or an integer", field="id")
            ads.append({"line": number, "id": ad_id, "text": validate_ad_text(record.get("text"), field="text")})
        except InvalidInput as error:
            errors.append({"line": number, "field": error.field or "text", "error": str(error)})
    return ads, errors


def result_name(key: str) -> str:
    """batch/ads/2026/december.jsonl -> 2026/december"""
    name = key[len(ads_prefix()):] if key.startswith(ads_prefix()) else key.rsplit("/", 1)[-1]
    return name.removesuffix(".jsonl")


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def _store() -> ArtifactStore:
    return ArtifactStore(settings.artifacts_bucket())


def plan_batch(run_id: str, source: dict[str, str]) -> dict[str, Any]:
    store = ArtifactStore(source["bucket"])
    ads, errors = parse_batch(store.get_bytes(source["key"])[0])
    size = int(settings.optional("BATCH_SHARD_SIZE", str(DEFAULT_SHARD_SIZE)))
    work = _store()
    shards = []
    for index, start in enumerate(range(0, len(ads), size)):
        key = f"{work_prefix()}{run_id}/shards/{index:05d}.jsonl"
        work.put_bytes(key, _jsonl(ads[start:start + size]), "application/x-ndjson")
        shards.append({"run_id": run_id, "index": index, "key": key})
    errors_key = f"{work_prefix()}{run_id}/errors.jsonl"
    work.put_bytes(errors_key, _jsonl(errors), "application/x-ndjson")
    return {"run_id": run_id, "source": source, "name": result_name(source["key"]), "ads": len(ads),
            "malformed": len(errors), "errors_key": errors_key, "shards": shards}


def segment_shard(shard: dict[str, Any], segmenter) -> dict[str, Any]:
    """Segment one shard with `segmenter` (serving.Segmenter); writes its result lines next to it."""
    store = _store()
    ads = [json.loads(line) for line in store.get_bytes(shard["key"])[0].decode("utf-8").splitlines() if line]
    results = segmenter.segment([ad["text"] for ad in ads])
    key = shard["key"].replace("/shards/", "/results/")
    store.put_bytes(key, _jsonl([{"line": ad["line"], "id": ad["id"], **result} for ad, result in zip(ads, results)]),
                    "application/x-ndjson")
    return {"index": shard["index"], "key": key, "count": len(ads), "model_version": segmenter.model.version}


def finish_batch(plan: dict[str, Any], segmented: list[dict[str, Any]]) -> dict[str, Any]:
    store = _store()
    body = b"".join(store.get_bytes(part["key"])[0] for part in sorted(segmented, key=lambda part: part["index"]))
    name = plan["name"]
    results_key = f"{results_prefix()}{name}.jsonl"
    errors_key = f"{results_prefix()}{name}.errors.jsonl"
    store.put_bytes(results_key, body, "application/x-ndjson")
    store.put_bytes(errors_key, store.get_bytes(plan["errors_key"])[0], "application/x-ndjson")
    summary = {"run_id": plan["run_id"], "source": plan["source"], "ads": plan["ads"],
               "segmented": sum(part["count"] for part in segmented), "malformed": plan["malformed"],
               "results": results_key, "errors": errors_key,
               "model_versions": sorted({part["model_version"] for part in segmented})}
    store.put_json(f"{results_prefix()}{name}.summary.json", summary)
    return summary


def start_from_s3_event(event: dict[str, Any]) -> list[dict[str, Any]]:
    """S3 ObjectCreated under the batch ads prefix: start one batch run per file version (named after the key
    and ETag, so a duplicate notification never starts a second run)."""
    from urllib.parse import unquote_plus

    from botocore.exceptions import ClientError

    from segmentation.platform import aws
    from segmentation.text.retraining import execution_name

    state_machine_arn = settings.require("BATCH_STATE_MACHINE_ARN")
    sfn = aws.client("stepfunctions")
    started = []
    for record in event.get("Records", []):
        s3 = record["s3"]
        key = unquote_plus(s3["object"]["key"])
        if not key.startswith(ads_prefix()) or key.endswith("/"):
            continue
        name = execution_name(key, s3["object"].get("eTag", ""))
        execution_input = {"run_id": name, "source": {"bucket": s3["bucket"]["name"], "key": key}}
        try:
            arn = sfn.start_execution(stateMachineArn=state_machine_arn, name=name,
                                      input=json.dumps(execution_input))["executionArn"]
            started.append({"key": key, "execution_arn": arn, "started": True})
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise
            started.append({"key": key, "execution_name": name, "started": False, "status": "ALREADY_STARTED"})
    return started
