"""Training the text-segmentation model, as small composable steps:

    load_corpus -> embed -> reduce_and_cluster -> build_profiles -> evaluate -> assemble (-> publish)

The CLI (scripts/train_models.py) runs them in one process; the training state machine runs each as a
Lambda task with S3 between them. Training imports scikit-learn (and umap-learn for that reducer);
serving does not.
"""

import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import numpy as np

from segmentation.text.corpus import Document
from segmentation.text.model import TextModel, calibrate, text_vectors
from segmentation.text.reduction import REDUCERS, Reducer, fit_reducer

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class QualityGates:
    """Floors a new model must reach before it may become `latest` (recorded in the manifest)."""

    silhouette_min: float = 0.02
    stability_ari_min: float = 0.5
    min_cluster_fraction: float = 0.01


@dataclass(frozen=True)
class TrainingParams:
    clusters: int | None = 10  # None: choose k by silhouette over k_range
    k_range: tuple[int, int] = (6, 16)
    reducer: str = "hybrid"  # chosen by measurement: docs/benchmarks.md (text quality)
    n_components: int = 10  # pca, umap
    n_neighbors: int = 15  # umap
    alpha: float = 0.5  # hybrid: weight of the TF-IDF/LSA view
    lsa_components: int = 50  # hybrid
    # Word pieces embedded per text, at training and serving alike (the manifest's parameters.max_tokens): 256,
    # the encoder's limit; 128 and 192 cut real ads as posted too early (docs/text-segmentation.md, "Token cap").
    max_tokens: int | None = 256
    # Weight of each text's head (its first sentence: an ad's title) in its vector, model.text_vectors: 1, the
    # head counts as much as the whole ad (docs/text-segmentation.md, "Head view"); 0 embeds the text alone.
    head_weight: float = 1.0
    seed: int = 42
    stability_seed: int = 43
    gates: QualityGates = field(default_factory=QualityGates)

    def __post_init__(self) -> None:
        if self.reducer not in REDUCERS:
            raise ValueError(f"reducer must be one of {', '.join(REDUCERS)}")
        if self.head_weight < 0:
            raise ValueError("head_weight must be at least 0")
        if self.clusters is not None and self.clusters < 2:
            raise ValueError("clusters must be at least 2")


def document_text(document: Document) -> str:
    """What is embedded: the title (when there is one) and the text, as a job ad reads."""
    return f"{document.title}. {document.text}" if document.title else document.text


def embed_documents(documents: Sequence[Document], embed: Embed, head_weight: float) -> np.ndarray:
    """The documents' vectors as the model will take them (model.text_vectors)."""
    return text_vectors([document_text(d) for d in documents], embed, head_weight)


def _kmeans(points: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(points)
    return model.cluster_centers_.astype(np.float32), model.labels_.astype(np.int64)


def _silhouette(points: np.ndarray, labels: np.ndarray, seed: int) -> float:
    from sklearn.metrics import silhouette_score

    sample = min(len(points), 3000)
    return float(silhouette_score(points, labels, sample_size=sample, random_state=seed))


@dataclass
class Clustering:
    reducer: Reducer
    points: np.ndarray
    centroids: np.ndarray
    labels: np.ndarray
    k: int
    k_scores: dict[int, float]


def reduce_and_cluster(embeddings: np.ndarray, texts: Sequence[str], params: TrainingParams,
                       seed: int | None = None, sources: Sequence[str | None] | None = None) -> Clustering:
    """Fit the reducer and K-means; `sources` (each text's Document.source) lets the hybrid reducer remove the
    directions that only separate kinds of text."""
    seed = params.seed if seed is None else seed
    reducer, points = fit_reducer(params.reducer, embeddings, texts, seed, params.n_components, params.n_neighbors,
                                  params.alpha, params.lsa_components, sources)
    k_scores: dict[int, float] = {}
    if params.clusters is None:
        low, high = params.k_range
        for k in range(low, min(high, len(points) - 1) + 1):
            k_scores[k] = round(_silhouette(points, _kmeans(points, k, seed)[1], seed), 4)
        k = max(k_scores, key=k_scores.get)
    else:
        k = params.clusters
    if k >= len(points):
        raise ValueError(f"{k} clusters need more than {len(points)} documents")
    centroids, labels = _kmeans(points, k, seed)
    if reducer.metric == "cosine":  # label members as serving assigns them: nearest centroid by cosine
        labels = np.argmax(points @ (centroids / np.linalg.norm(centroids, axis=1, keepdims=True)).T, axis=1)
    return Clustering(reducer, points, centroids, labels, k, k_scores)


def embedding_centroids(embeddings: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Each cluster's mean embedding, unit length (for zero-shot industry matching)."""
    means = np.stack([embeddings[labels == c].mean(axis=0) for c in range(k)])
    return means / np.linalg.norm(means, axis=1, keepdims=True)


def evaluate(documents: Sequence[Document], embeddings: np.ndarray, clustering: Clustering,
             params: TrainingParams) -> dict[str, Any]:
    """Quality metrics and the gate results written into the manifest."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    sizes = np.bincount(clustering.labels, minlength=clustering.k)
    rerun = reduce_and_cluster(embeddings, [document_text(d) for d in documents],
                               replace(params, clusters=clustering.k), seed=params.stability_seed,
                               sources=[d.source for d in documents])
    metrics: dict[str, Any] = {
        "documents": len(documents),
        "k": clustering.k,
        "silhouette": round(_silhouette(clustering.points, clustering.labels, params.seed), 4),
        "stability_ari": round(float(adjusted_rand_score(clustering.labels, rerun.labels)), 4),
        "cluster_sizes": sizes.tolist(),
        "min_cluster_fraction": round(float(sizes.min() / len(documents)), 4),
        "k_silhouettes": clustering.k_scores,
    }
    labels = [d.label for d in documents]
    if all(label is not None for label in labels):
        metrics["nmi"] = round(float(normalized_mutual_info_score(labels, clustering.labels)), 4)
        metrics["ari"] = round(float(adjusted_rand_score(labels, clustering.labels)), 4)
    gates = params.gates
    checks = {
        "silhouette": (metrics["silhouette"], gates.silhouette_min),
        "stability_ari": (metrics["stability_ari"], gates.stability_ari_min),
        "min_cluster_fraction": (metrics["min_cluster_fraction"], gates.min_cluster_fraction),
    }
    failures = [f"{name} {value} < {floor}" for name, (value, floor) in checks.items() if value < floor]
    metrics["gates"] = {"floors": asdict(gates), "passed": not failures, "failures": failures}
    return metrics


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("numpy", "scikit-learn", "umap-learn", "onnxruntime", "tokenizers", "sentence-transformers",
                    "torch"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return versions


def assemble(clustering: Clustering, embedding_means: np.ndarray, profiles: dict[str, dict],
             metrics: dict[str, Any], params: TrainingParams, corpus: dict[str, Any],
             encoder: dict[str, Any]) -> TextModel:
    created_at = datetime.now(UTC)
    distance_quantiles, margin_quantiles = calibrate(clustering.points, clustering.centroids,
                                                     clustering.reducer.metric)
    manifest = {
        "version": f"{created_at:%Y%m%dT%H%M%SZ}-{corpus['sha256'][:8]}",
        "created_at": created_at.isoformat(timespec="seconds"),
        "corpus": corpus,
        "parameters": {**asdict(params), "k": clustering.k},
        "seeds": {"clustering": params.seed, "stability": params.stability_seed},
        "encoder": encoder,
        "metrics": metrics,
        "library_versions": library_versions(),
    }
    return TextModel(manifest, clustering.reducer, clustering.centroids, distance_quantiles, margin_quantiles,
                     profiles, embedding_means)


def timed(step: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = step(*args, **kwargs)
    return result, round(time.perf_counter() - started, 2)


def encoder_info(encoder_dir=None) -> dict[str, Any]:
    """What the manifest records about the encoder: its source and the probe fingerprint serving checks."""
    from segmentation.text.encoder import default_encoder_dir, read_manifest

    manifest = read_manifest(encoder_dir or default_encoder_dir())
    return {key: manifest[key] for key in ("model", "source_package", "source_sha256", "probe") if key in manifest}


def apply_overrides(profiles: dict[str, dict], embedding_means: np.ndarray, overrides: dict[str, dict] | None,
                    previous: TextModel | None) -> tuple[dict[str, dict], dict[str, dict]]:
    """Merge user overrides on top of generated profiles. The previous model's overrides are carried to the
    clusters matched to their predecessors; new overrides (keyed by this model's ids) win."""
    from segmentation.text.profiles import carry_overrides, match_predecessor, merge_overrides

    carried: dict[str, dict] = {}
    if previous is not None and previous.embedding_centroids is not None and previous.manifest.get("overrides"):
        mapping = match_predecessor(embedding_means, previous.embedding_centroids)
        carried = carry_overrides(previous.manifest["overrides"], mapping)
    combined = {**carried, **(overrides or {})}
    return merge_overrides(profiles, combined), combined


def train_model(documents: Sequence[Document], corpus: dict[str, Any], embed: Embed, params: TrainingParams,
                encoder: dict[str, Any], overrides: dict[str, dict] | None = None,
                previous: TextModel | None = None) -> tuple[TextModel, np.ndarray, dict[str, float]]:
    """Every step in one process (the CLI). Returns the model, the embeddings and each step's seconds."""
    from segmentation.text.profiles import build_profiles

    timings: dict[str, float] = {}
    embeddings, timings["embed"] = timed(embed_documents, documents, embed, params.head_weight)
    texts = [document_text(d) for d in documents]
    clustering, timings["reduce_and_cluster"] = timed(reduce_and_cluster, embeddings, texts, params,
                                                      sources=[d.source for d in documents])
    means = embedding_centroids(embeddings, clustering.labels, clustering.k)
    profiles, timings["profile"] = timed(build_profiles, list(documents), clustering.labels, means, embeddings,
                                         embed)
    profiles, applied = apply_overrides(profiles, means, overrides, previous)
    metrics, timings["evaluate"] = timed(evaluate, documents, embeddings, clustering, params)
    model = assemble(clustering, means, profiles, metrics, params, corpus, encoder)
    model.manifest["overrides"] = applied
    model.manifest["timings_seconds"] = timings
    return model, embeddings, timings
