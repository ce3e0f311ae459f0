"""Tasks of the training state machine (infra/statemachines/training.asl.json):

    ValidateCorpus -> EmbedShards (Map: EmbedShard) -> ReduceAndCluster -> BuildProfiles -> Evaluate
    -> Promote -> PublishRun;  any failure -> RecordFailure

Each task reads what it needs from S3 and writes its output under runs/{run_id}/stage/, so the state
passed between tasks stays small. The steps are the same functions the CLI composes (training.py).
"""

import io
import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import numpy as np

from segmentation.platform import settings
from segmentation.platform.errors import DependencyUnavailable, NotFound, task_failure
from segmentation.platform.integrity import sha256_hex
from segmentation.platform.storage import ArtifactStore
from segmentation.text.corpus import CorpusError, parse_corpus
from segmentation.text.model import TextModel
from segmentation.text.reduction import Reducer

DEFAULT_SHARD_SIZE = 500  # documents per EmbedShard task; TRAINING_SHARD_SIZE overrides
MIN_DOCUMENTS_PER_CLUSTER = 5


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _store() -> ArtifactStore:
    return ArtifactStore(settings.artifacts_bucket())


def _stage(run_id: str, name: str) -> str:
    return f"{settings.runs_prefix()}{run_id}/stage/{name}"


def _put_array(store: ArtifactStore, key: str, array: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    store.put_bytes(key, buffer.getvalue())


def _get_array(store: ArtifactStore, key: str) -> np.ndarray:
    return np.load(io.BytesIO(store.get_bytes(key)[0]), allow_pickle=False)


def _documents(corpus: dict[str, Any]):
    return parse_corpus(ArtifactStore(corpus["bucket"]).get_bytes(corpus["key"])[0])


def run_key(run_id: str) -> str:
    return f"{settings.runs_prefix()}{run_id}.json"


def training_params():
    """Parameters of a state-machine run, from the function's environment: TRAINING_CLUSTERS and
    TRAINING_REDUCER (template.yaml Parameters), and the gate floors GATE_SILHOUETTE_MIN,
    GATE_STABILITY_ARI_MIN, GATE_MIN_CLUSTER_FRACTION (defaults in training.QualityGates)."""
    from segmentation.text.training import QualityGates, TrainingParams

    clusters = settings.optional("TRAINING_CLUSTERS", "10")
    defaults = QualityGates()
    gates = QualityGates(
        silhouette_min=float(settings.optional("GATE_SILHOUETTE_MIN", str(defaults.silhouette_min))),
        stability_ari_min=float(settings.optional("GATE_STABILITY_ARI_MIN", str(defaults.stability_ari_min))),
        min_cluster_fraction=float(settings.optional("GATE_MIN_CLUSTER_FRACTION",
                                                     str(defaults.min_cluster_fraction))))
    return TrainingParams(clusters=None if clusters == "auto" else int(clusters),
                          reducer=settings.optional("TRAINING_REDUCER", TrainingParams.reducer), gates=gates)


# ---------------------------------------------------------------- tasks
def validate_corpus(run_id: str, bucket: str, key: str, shard_size: int = DEFAULT_SHARD_SIZE) -> dict[str, Any]:
    """Read and validate the corpus; an unusable corpus is a result (valid=False), not an error, so the
    state machine records why. S3 outages raise TransientError and are retried."""
    try:
        raw, meta = ArtifactStore(bucket).get_bytes(key)
        documents = parse_corpus(raw)
        params = training_params()
        needed = MIN_DOCUMENTS_PER_CLUSTER * (params.clusters or params.k_range[1])
        if len(documents) < needed:
            clusters = params.clusters or f"up to {params.k_range[1]}"
            raise CorpusError(f"corpus has {len(documents)} documents; training {clusters} clusters needs at "
                              f"least {needed}", field="corpus")
    except (NotFound, CorpusError) as problem:
        return {"run_id": run_id, "valid": False, "reason": str(problem), "corpus": {"bucket": bucket, "key": key}}
    corpus = {"bucket": bucket, "key": key, "sha256": sha256_hex(raw), "etag": meta["etag"],
              "version_id": meta["version_id"], "documents": len(documents),
              "labelled": all(d.label is not None for d in documents)}
    shards = [{"run_id": run_id, "corpus": corpus, "start": start, "end": min(start + shard_size, len(documents))}
              for start in range(0, len(documents), shard_size)]
    return {"run_id": run_id, "valid": True, "corpus": corpus, "shards": shards}


def embed_shard(run_id: str, corpus: dict[str, Any], start: int, end: int) -> dict[str, Any]:
    """Embed documents [start, end) with the ONNX encoder, in the precision serving uses (encoder.QUANTIZED:
    the only one the encoder layer ships)."""
    from segmentation.text.embedders import onnx_embedder
    from segmentation.text.encoder import QUANTIZED
    from segmentation.text.training import embed_documents

    params = training_params()
    embed = onnx_embedder(quantized=QUANTIZED, max_tokens=params.max_tokens)
    embeddings = embed_documents(_documents(corpus)[start:end], embed, params.head_weight)
    key = _stage(run_id, f"embeddings/{start:07d}.npy")
    _put_array(_store(), key, embeddings)
    if start == 0:  # the first shard also embeds the industry descriptions, so build_profiles needs no encoder
        texts = industry_texts()
        _put_array(_store(), _stage(run_id, "industry_embeddings.npy"), np.asarray(embed(texts), dtype=np.float32))
        _store().put_json(_stage(run_id, "industry_texts.json"), texts)
    return {"start": start, "end": end, "key": key}


def industry_texts() -> list[str]:
    """The industry descriptions profiles are matched against (text/data/industries.json), as embedded."""
    data = resources.files("segmentation.text").joinpath("data", "industries.json").read_text(encoding="utf-8")
    return [f"{i['label']}: {i['description']}" for i in json.loads(data)]


def _stored_embedder(store: ArtifactStore, run_id: str):
    """An `embed` for profiles.build_profiles that answers the industry texts from the first shard's vectors
    (the build_profiles task carries no encoder: it would not fit in Lambda's 250 MB with SciPy)."""
    texts = store.get_json(_stage(run_id, "industry_texts.json"))
    vectors = _get_array(store, _stage(run_id, "industry_embeddings.npy"))

    def embed(asked: list[str]) -> np.ndarray:
        if list(asked) != texts:
            raise ValueError("build_profiles asked for texts other than the industry descriptions embed_shard stored")
        return vectors

    return embed


def reduce_and_cluster(run_id: str, corpus: dict[str, Any], shards: list[dict[str, Any]]) -> dict[str, Any]:
    from segmentation.text.training import document_text
    from segmentation.text.training import reduce_and_cluster as fit

    store = _store()
    embeddings = np.concatenate([_get_array(store, s["key"]) for s in sorted(shards, key=lambda s: s["start"])])
    _put_array(store, _stage(run_id, "embeddings.npy"), embeddings)
    documents = _documents(corpus)
    clustering = fit(embeddings, [document_text(d) for d in documents], training_params(),
                     sources=[d.source for d in documents])
    for name, array in {"points.npy": clustering.points, "centroids.npy": clustering.centroids,
                        "labels.npy": clustering.labels, **{f"reducer_{n}.npy": a
                                                           for n, a in clustering.reducer.arrays.items()}}.items():
        _put_array(store, _stage(run_id, name), array)
    store.put_json(_stage(run_id, "clustering.json"), {
        "k": clustering.k, "k_scores": clustering.k_scores,
        "reducer": {"kind": clustering.reducer.kind, "params": clustering.reducer.params,
                    "arrays": sorted(clustering.reducer.arrays)}})
    return {"k": clustering.k, "k_scores": {str(k): v for k, v in clustering.k_scores.items()}}


def _load_clustering(store: ArtifactStore, run_id: str):
    from segmentation.text.training import Clustering

    spec = store.get_json(_stage(run_id, "clustering.json"))
    reducer = Reducer(spec["reducer"]["kind"], spec["reducer"]["params"],
                      {n: _get_array(store, _stage(run_id, f"reducer_{n}.npy")) for n in spec["reducer"]["arrays"]})
    return Clustering(reducer, _get_array(store, _stage(run_id, "points.npy")),
                      _get_array(store, _stage(run_id, "centroids.npy")), _get_array(store, _stage(run_id, "labels.npy")),
                      spec["k"], {int(k): v for k, v in spec["k_scores"].items()})


def _latest_model() -> TextModel | None:
    """The promoted model whose overrides carry over; None on a first run. An unreadable one is logged
    and skipped: it must not block training its replacement."""
    from segmentation.platform.api import logger
    from segmentation.text.model import ModelArtifactError
    from segmentation.text.registry import ModelRegistry

    registry = ModelRegistry(_store())
    try:
        return registry.load(registry.latest()["version"])
    except DependencyUnavailable:
        return None
    except ModelArtifactError as error:
        logger.warning("promoted model unreadable; its overrides are not carried over", extra={"error": str(error)})
        return None


def build_profiles(run_id: str, corpus: dict[str, Any]) -> dict[str, Any]:
    """Profiles of the new clusters, with the promoted model's overrides carried to matching clusters."""
    from segmentation.text.profiles import build_profiles as generate
    from segmentation.text.training import apply_overrides, embedding_centroids

    store = _store()
    clustering = _load_clustering(store, run_id)
    embeddings = _get_array(store, _stage(run_id, "embeddings.npy"))
    means = embedding_centroids(embeddings, clustering.labels, clustering.k)
    profiles = generate(_documents(corpus), clustering.labels, means, embeddings, _stored_embedder(store, run_id))
    profiles, overrides = apply_overrides(profiles, means, None, _latest_model())
    _put_array(store, _stage(run_id, "embedding_centroids.npy"), means)
    store.put_json(_stage(run_id, "profiles.json"), {"profiles": profiles, "overrides": overrides})
    return {"profiles": len(profiles), "overrides_carried": len(overrides)}


def evaluate_and_publish(run_id: str, corpus: dict[str, Any]) -> dict[str, Any]:
    """Compute the metrics and gate results, and publish the model version (not yet promoted)."""
    from segmentation.text.registry import ModelRegistry
    from segmentation.text.training import assemble, encoder_info, evaluate

    store = _store()
    params = training_params()
    clustering = _load_clustering(store, run_id)
    embeddings = _get_array(store, _stage(run_id, "embeddings.npy"))
    staged = store.get_json(_stage(run_id, "profiles.json"))
    metrics = evaluate(_documents(corpus), embeddings, clustering, params)
    model = assemble(clustering, _get_array(store, _stage(run_id, "embedding_centroids.npy")), staged["profiles"],
                     metrics, params, {**corpus, "run_id": run_id}, encoder_info())
    model.manifest["overrides"] = staged["overrides"]
    version = ModelRegistry(store).publish(model)
    return {"version": version, "metrics": {k: metrics[k] for k in ("k", "silhouette", "stability_ari")
                                            if k in metrics}, "gates": metrics["gates"]}


def promote(version: str) -> dict[str, Any]:
    """Make the version latest; raises PromotionRefused (caught and recorded) if its gates failed."""
    from segmentation.text.registry import ModelRegistry

    return ModelRegistry(_store()).promote(version)


def publish_run(run_id: str, corpus: dict[str, Any], model: dict[str, Any], promotion: dict[str, Any]) -> dict:
    record = {"run_id": run_id, "status": "SUCCEEDED", "finished_at": _now(), "corpus": corpus,
              "model": model, "promotion": promotion}
    _store().put_json(run_key(run_id), record)
    return record


def record_failure(run_id: str, corpus: dict[str, Any] | None, error: str, cause: str) -> dict[str, Any]:
    """Write a failed run record, so a failed training run is visible, not lost. A task's failure arrives
    as the Lambda error document; the record keeps its message as `cause` and its stack trace apart."""
    cause, trace = task_failure(cause)
    record = {"run_id": run_id, "status": "FAILED", "finished_at": _now(), "corpus": corpus,
              "error": error, "cause": cause, "trace": trace}
    _store().put_json(run_key(run_id), record)
    return record
