"""Steps of the training state machine (infra/statemachines/training.asl.json).

This is the pipeline's skeleton: it validates the corpus, fans out over shards (Map) to profile them,
and publishes a run record under the runs prefix. The model steps (embed, reduce, cluster, evaluate,
promote) replace `profile_shard` and `publish_run` with the text-segmentation model.
"""

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from segmentation.platform import settings
from segmentation.platform.errors import NotFound
from segmentation.platform.storage import ArtifactStore
from segmentation.text.corpus import CorpusError, parse_corpus, sha256_hex

DEFAULT_SHARD_SIZE = 500
_WORD = re.compile(r"[a-z][a-z+#-]{2,}")
_STOP_WORDS = frozenset(
    "and the they for with their are such who this that from into other also may can will which such these "
    "them its was were been being has have had not but all any our out use using used including".split())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def validate_corpus(run_id: str, bucket: str, key: str, shard_size: int = DEFAULT_SHARD_SIZE) -> dict[str, Any]:
    """Read and validate the corpus; an unusable corpus is a result (valid=False), not an error,
    so the state machine can record why. S3 outages raise TransientError and are retried."""
    store = ArtifactStore(bucket)
    try:
        raw, meta = store.get_bytes(key)
        documents = parse_corpus(raw)
    except (NotFound, CorpusError) as problem:
        return {"run_id": run_id, "valid": False, "reason": str(problem), "corpus": {"bucket": bucket, "key": key}}
    labels = sorted({d.label for d in documents if d.label is not None})
    corpus = {"bucket": bucket, "key": key, "sha256": sha256_hex(raw), "etag": meta["etag"],
              "version_id": meta["version_id"], "documents": len(documents), "labels": len(labels)}
    shards = [{"bucket": bucket, "key": key, "start": start, "end": min(start + shard_size, len(documents))}
              for start in range(0, len(documents), shard_size)]
    return {"run_id": run_id, "valid": True, "corpus": corpus, "shards": shards}


def profile_shard(bucket: str, key: str, start: int, end: int) -> dict[str, Any]:
    """Term statistics of documents [start, end) of the corpus."""
    documents = parse_corpus(ArtifactStore(bucket).get_bytes(key)[0])[start:end]
    terms: Counter[str] = Counter()
    tokens = 0
    for document in documents:
        words = [w for w in _WORD.findall(document.text.lower()) if w not in _STOP_WORDS]
        tokens += len(words)
        terms.update(words)
    return {"start": start, "end": end, "documents": len(documents), "tokens": tokens,
            "top_terms": terms.most_common(25)}


def run_key(run_id: str) -> str:
    return f"{settings.runs_prefix()}{run_id}.json"


def publish_run(run_id: str, corpus: dict[str, Any], shard_results: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge the shard profiles and write the run record."""
    terms: Counter[str] = Counter()
    for shard in shard_results:
        terms.update(dict(shard["top_terms"]))
    record = {
        "run_id": run_id,
        "status": "SUCCEEDED",
        "finished_at": _now(),
        "corpus": corpus,
        "summary": {
            "documents": sum(s["documents"] for s in shard_results),
            "tokens": sum(s["tokens"] for s in shard_results),
            "shards": len(shard_results),
            "top_terms": [term for term, _ in terms.most_common(20)],
        },
    }
    ArtifactStore(settings.artifacts_bucket()).put_json(run_key(run_id), record)
    return record


def record_failure(run_id: str, corpus: dict[str, Any] | None, error: str, cause: str) -> dict[str, Any]:
    """Write a failed run record, so a failed training run is visible, not lost."""
    record = {"run_id": run_id, "status": "FAILED", "finished_at": _now(), "corpus": corpus,
              "error": error, "cause": cause}
    ArtifactStore(settings.artifacts_bucket()).put_json(run_key(run_id), record)
    return record
