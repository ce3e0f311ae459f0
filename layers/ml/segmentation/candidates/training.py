"""Training the candidate-segmentation model with scikit-learn (the seed's pipeline), then reading the
fitted parameters into NumPy artifacts (model.py). Used by `ml train` and the training state machine.

    ColumnTransformer(num: SimpleImputer(median) + StandardScaler, cat: OneHotEncoder(handle_unknown='ignore'),
                      skill: CountVectorizer(binary multi-hot, max_features=max_skills))
    -> KMeans(k, init='k-means++', n_init=10, max_iter=300, tol=1e-4, random_state=42)

k is 5 by default (the seed's CLI) or `auto`: the silhouette of K-means for k in 2..10 on a fixed sample
of SILHOUETTE_SAMPLE candidates (so choosing k costs the same for any pool), the best k then fitted on
the whole pool. Above MINIBATCH_ABOVE candidates MiniBatchKMeans replaces KMeans (docs/benchmarks.md
has the measurement behind the threshold).
"""

import json
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import numpy as np

from segmentation.candidates.features import (
    CATEGORICAL,
    MISSING_CATEGORY,
    NUMERIC,
    Preprocessing,
    category,
    skill_set,
)
from segmentation.candidates.gates import QualityGates
from segmentation.candidates.matching import first_ids, match_ids
from segmentation.candidates.model import CandidateModel, calibrate_distances, segment_counts
from segmentation.candidates.profiles import build_profiles, skill_display
from segmentation.clustering.constrained import silhouette_euclidean
from segmentation.platform.errors import InvalidInput
from segmentation.platform.integrity import sha256_hex
from segmentation.platform.memory import cyclic_collector_paused

DEFAULT_CLUSTERS = 5
MINIBATCH_ABOVE = 300_000
SILHOUETTE_SAMPLE = 5_000
AUTO_K_RANGE = (2, 10)
SEED = 42
_NO_CATEGORY = "\x00none"  # a one-hot column that nothing matches, for a field nobody filled in


class TrainingDataError(InvalidInput):
    """The candidates cannot train the model asked for (too few, too alike); latest stays as it was."""


@dataclass
class TrainingParams:
    clusters: int | None = DEFAULT_CLUSTERS  # None: auto
    max_skills: int = 200
    random_state: int = SEED
    n_init: int = 10
    max_iter: int = 300
    tol: float = 1e-4
    minibatch_above: int = MINIBATCH_ABOVE
    gates: QualityGates = field(default_factory=QualityGates)

    @classmethod
    def parse_clusters(cls, value: str | int | None) -> int | None:
        if value is None:
            return DEFAULT_CLUSTERS
        if value == "auto":
            return None
        try:
            clusters = int(value)
        except (TypeError, ValueError) as error:
            raise InvalidInput(f"clusters must be a number from 2 to 50 or auto, not {value!r}",
                               field="clusters") from error
        if not 2 <= clusters <= 50:
            raise InvalidInput(f"clusters must be from 2 to 50, not {clusters}", field="clusters")
        return clusters


def _identity(skills):
    return skills


def input_matrix(records: list[dict[str, Any]], normalized: bool = False) -> np.ndarray:
    """The ColumnTransformer's input: numeric columns (NaN when missing), categories ('' when missing), skills
    (`normalized`: the records' skills are skill_set()'s already)."""
    matrix = np.empty((len(records), 6), dtype=object)
    for row, record in enumerate(records):
        matrix[row, 0] = np.nan if record.get("years_experience") is None else float(record["years_experience"])
        matrix[row, 1] = np.nan if record.get("desired_salary") is None else float(record["desired_salary"])
        for column, name in enumerate(CATEGORICAL, start=2):
            matrix[row, column] = category(record.get(name))
        matrix[row, 5] = (record.get("skills") or []) if normalized else skill_set(record.get("skills"))
    return matrix


def column_transformer(records: list[dict[str, Any]], max_skills: int):
    """The seed's ColumnTransformer (unfitted). Categories are the values seen in `records` (the missing
    marker excluded, so a missing value encodes like an unseen one: all zeros)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    categories = [sorted({category(r.get(name)) for r in records} - {MISSING_CATEGORY}) or [_NO_CATEGORY]
                  for name in CATEGORICAL]
    has_skills = any(r.get("skills") for r in records)
    return ColumnTransformer(transformers=[
        ("num", Pipeline([("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                          ("scale", StandardScaler())]), [0, 1]),
        ("cat", OneHotEncoder(handle_unknown="ignore", categories=categories), [2, 3, 4]),
        ("skill", CountVectorizer(analyzer=_identity, binary=True, lowercase=False, max_features=max_skills,
                                  dtype=np.float64) if has_skills else "drop", 5),
    ])


def preprocessing_of(transformer) -> Preprocessing:
    """The fitted ColumnTransformer's parameters, for NumPy (features.Preprocessing)."""
    numeric = transformer.named_transformers_["num"]
    imputer, scaler = numeric.named_steps["impute"], numeric.named_steps["scale"]
    encoder = transformer.named_transformers_["cat"]
    skills: list[str] = []
    if "skill" in transformer.named_transformers_ and hasattr(transformer.named_transformers_["skill"],
                                                              "vocabulary_"):
        vocabulary = transformer.named_transformers_["skill"].vocabulary_
        skills = sorted(vocabulary, key=vocabulary.get)
    return Preprocessing(np.nan_to_num(np.asarray(imputer.statistics_, dtype=np.float64)),
                         np.asarray(scaler.mean_, dtype=np.float64), np.asarray(scaler.scale_, dtype=np.float64),
                         {name: [str(c) for c in cats] for name, cats in zip(CATEGORICAL, encoder.categories_)},
                         skills)


def kmeans(k: int, n: int, params: TrainingParams):
    from sklearn.cluster import KMeans, MiniBatchKMeans

    if n > params.minibatch_above:
        return MiniBatchKMeans(n_clusters=k, init="k-means++", n_init=3, max_iter=params.max_iter, tol=params.tol,
                               batch_size=4096, random_state=params.random_state)
    return KMeans(n_clusters=k, init="k-means++", n_init=params.n_init, max_iter=params.max_iter, tol=params.tol,
                  random_state=params.random_state)


def _sample(n: int, size: int, seed: int) -> np.ndarray:
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False)) if n > size else np.arange(n)


def choose_k(features, params: TrainingParams, distinct: int) -> tuple[int, dict[int, float]]:
    from sklearn.cluster import KMeans

    sample = features[_sample(features.shape[0], SILHOUETTE_SAMPLE, params.random_state)]
    sample = sample.toarray() if hasattr(sample, "toarray") else sample
    scores = {}
    for k in range(AUTO_K_RANGE[0], min(AUTO_K_RANGE[1], distinct - 1, sample.shape[0] - 1) + 1):
        labels = KMeans(n_clusters=k, init="k-means++", n_init=3, max_iter=params.max_iter, tol=params.tol,
                        random_state=params.random_state).fit_predict(sample)
        if len(set(labels.tolist())) > 1:
            scores[k] = round(silhouette_euclidean(sample, labels), 4)
    if not scores:
        raise TrainingDataError("the candidates are too alike to choose a number of clusters", field="clusters")
    return max(scores, key=lambda k: (scores[k], -k)), scores


def data_sha256(ids: list[Any], records: list[dict[str, Any]]) -> str:
    """The sha256 of the training data: canonical JSON of its columns (candidate_id and every feature, in
    the training order, so the same pool gives the same hash whatever order it arrived in). A candidate's
    skills (skill_set's, so never empty and free of whitespace other than single spaces) are joined by
    U+001F, which cannot occur in them: one string per candidate, unambiguous, and 10x fewer to encode."""
    columns = {"candidate_id": ids, **{name: [r.get(name) for r in records] for name in (*NUMERIC, *CATEGORICAL)},
               "skills": ["\x1f".join(r.get("skills") or ()) for r in records]}
    return sha256_hex(json.dumps(columns, sort_keys=True, default=str, separators=(",", ":")).encode())


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("numpy", "scikit-learn", "scipy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return versions


def _check_pool(records: list[dict[str, Any]], clusters: int | None) -> int:
    distinct = len({(r.get("years_experience"), r.get("desired_salary"), r.get("location"), r.get("education_level"),
                     r.get("primary_skill"), tuple(r.get("skills") or ())) for r in records})
    needed = clusters or AUTO_K_RANGE[0]
    if len(records) < needed:
        raise TrainingDataError(f"{len(records)} candidates cannot make {needed} clusters: K-means needs at least "
                                "as many candidates as clusters", field="clusters")
    if distinct < max(needed, 2):
        raise TrainingDataError(f"the candidates have {distinct} distinct profile(s); {needed} clusters need at "
                                f"least {max(needed, 2)}", field="candidates")
    return distinct


def train(records: list[dict[str, Any]], params: TrainingParams | None = None,
          previous: CandidateModel | None = None, source: dict[str, Any] | None = None) -> CandidateModel:
    """Fit the pipeline on candidate records (feature dicts; a `candidate_id` orders them, so the same
    pool trains the same model whatever order it arrives in) and build the model: artifacts, profiles,
    names, segment ids matched to `previous`, metrics and gate results."""
    with cyclic_collector_paused():
        return _train(records, params or TrainingParams(), previous, source)


def _train(records: list[dict[str, Any]], params: TrainingParams, previous: CandidateModel | None,
           source: dict[str, Any] | None) -> CandidateModel:
    records = sorted(records, key=lambda r: str(r.get("candidate_id", "")))
    ids = [r.get("candidate_id") for r in records]
    features_only = [{name: r.get(name) for name in (*NUMERIC, *CATEGORICAL)} | {"skills": skill_set(r.get("skills"))}
                     for r in records]
    distinct = _check_pool(features_only, params.clusters)
    transformer = column_transformer(features_only, params.max_skills)
    features = transformer.fit_transform(input_matrix(features_only, normalized=True))
    k, k_scores = (params.clusters, {}) if params.clusters else choose_k(features, params, distinct)
    if k > distinct:
        raise TrainingDataError(f"the candidates have {distinct} distinct profiles, fewer than {k} clusters",
                                field="clusters")
    estimator = kmeans(k, len(records), params).fit(features)
    labels = estimator.labels_
    distances = estimator.transform(features)
    centroids = np.asarray(estimator.cluster_centers_, dtype=np.float64)
    preprocessing = preprocessing_of(transformer)

    matches: list[dict] = []
    if previous is not None:
        old_labels = previous.predict(features_only, normalized=True)
        segment_ids, next_number, matches = match_ids(labels, k, old_labels, previous.segment_ids,
                                                      int(previous.manifest.get("next_segment_number", 0)))
    else:
        segment_ids, next_number = first_ids(labels, k)
    distance_quantiles, margin_quantiles = calibrate_distances(distances, labels)
    sample = _sample(len(records), SILHOUETTE_SAMPLE, params.random_state)
    sampled = features[sample]
    sampled = sampled.toarray() if hasattr(sampled, "toarray") else sampled  # dense: BLAS distances, faster
    silhouette = (silhouette_euclidean(sampled, labels[sample])
                  if len(set(labels[sample].tolist())) > 1 else -1.0)
    segments = build_profiles(features_only, labels, segment_ids, skill_display([r.get("skills") for r in records]),
                              normalized=True)
    sizes = segment_counts([segment_ids[label] for label in labels])
    metrics = {"candidates": len(records), "distinct_profiles": distinct, "k": k, "k_scores": k_scores,
               "inertia": round(float(estimator.inertia_), 4), "silhouette": round(silhouette, 4),
               "silhouette_sample": len(sample), "sizes": sizes, "iterations": int(estimator.n_iter_),
               "features": preprocessing.width}
    metrics["gates"] = params.gates.check(metrics)
    created_at = datetime.now(UTC)
    sha = data_sha256(ids, features_only)
    manifest = {
        "kind": "candidates",
        "version": f"{created_at:%Y%m%dT%H%M%S%fZ}-{sha[:8]}",
        "created_at": created_at.isoformat(timespec="seconds"),
        "data": {"sha256": sha, "candidates": len(records), **(source or {})},
        "parameters": {"k": k, "clusters": params.clusters or "auto", "algorithm": type(estimator).__name__,
                       "init": "k-means++", "n_init": estimator.n_init, "max_iter": params.max_iter,
                       "tol": params.tol, "max_skills": params.max_skills, "minibatch_above": params.minibatch_above,
                       "silhouette_sample": SILHOUETTE_SAMPLE, "auto_k_range": list(AUTO_K_RANGE)},
        "seed": params.random_state,
        "metrics": metrics,
        "libraries": library_versions(),
        "segment_ids": segment_ids,
        "next_segment_number": next_number,
        "matched_from": {"version": previous.version, "pairs": matches} if previous is not None else None,
    }
    return CandidateModel(manifest, preprocessing, centroids, distance_quantiles, margin_quantiles, segments)


def sklearn_pipeline(records: list[dict[str, Any]], params: TrainingParams | None = None):
    """The plain scikit-learn Pipeline(ColumnTransformer, KMeans) with the seed's settings, unfitted: the
    reference the NumPy assignment is tested against and the benchmark's baseline."""
    from sklearn.cluster import KMeans
    from sklearn.pipeline import Pipeline

    params = params or TrainingParams()
    return Pipeline([("features", column_transformer(records, params.max_skills)),
                     ("kmeans", KMeans(n_clusters=params.clusters or DEFAULT_CLUSTERS, init="k-means++",
                                       n_init=params.n_init, max_iter=params.max_iter, tol=params.tol,
                                       random_state=params.random_state))])
