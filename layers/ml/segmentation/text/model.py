"""The trained text-segmentation model: artifact format, cluster assignment and confidence.

Serving needs NumPy only. Artifacts are JSON and `.npy` files (loaded with allow_pickle=False), each
listed with its sha256 in manifest.json; a missing or altered file is refused, naming the file.

Confidence (in [0, 1]) of assigning a point x (in the reduced space) to its nearest centroid c, with
d1 the distance to c and d2 the distance to the second-nearest centroid (cosine distance when there is
no reducer, Euclidean after PCA/UMAP):

    typicality = clip((far_c - d1) / (far_c - q50_c), 0, 1)
                 q50_c, q99_c: median and 99th percentile of c's training members' distances,
                 far_c = q99_c + (q99_c - q50_c)
    separation = clip(2 * G(m), 0, 1)      m = (d2 - d1) / d2, G: distribution of m over all members
    confidence = sqrt(typicality * separation)

A point as close to its centroid as the median member, and as clearly separated as the median member,
gets 1. Typicality falls linearly beyond the median member and reaches 0 once x is farther out than the
cluster's own spread again beyond its 99th-percentile member (far from every cluster: a chef's ad for a
model of tech jobs); separation falls to 0 as x approaches the boundary between two clusters (m -> 0).
The member distributions are stored as 101 quantiles.

A text's vector (`text_vectors`) is its embedding plus `head_weight` times the embedding of its head, the
first sentence (a job ad's title: "Registered Nurse - ICU, nights. Provide patient care ..." -> "Registered
Nurse"), renormalised: the body of an ad is mostly about the employer, the head names the job
(docs/text-segmentation.md, "Head view"). The weight is the model's (parameters.head_weight; 0 for models
trained before it), so training, serving and batch jobs build the same vectors.
"""

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from segmentation.platform.artifacts import (
    ArtifactFiles,
    ModelArtifactError,
    directory_reader,
    npy_bytes,
    read_files,
    save,
    seal,
)
from segmentation.text.reduction import Reducer

QUANTILES = np.linspace(0.0, 1.0, 101)
HEAD_WORDS = 12
# A head ends at the first sentence end, colon, line break or spaced dash ("Nurse - nights"), whichever comes first.
_HEAD_END = re.compile(r"[.!?:;](?:\s|$)|\n|\s[-\u2013|]\s")


def head_text(text: str) -> str:
    """The first sentence of `text`, at most HEAD_WORDS words (the whole text's first words when it has none)."""
    words = _HEAD_END.split(text.strip(), maxsplit=1)[0].split() or text.split()
    return " ".join(words[:HEAD_WORDS])


def text_vectors(texts: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray],
                 head_weight: float) -> np.ndarray:
    """Unit vectors of `texts`: each embedding plus head_weight times its head's embedding (one more encoder
    call on the heads, about 9% of the time of 150-word ads: docs/benchmarks.md)."""
    texts = list(texts)
    vectors = np.asarray(embed(texts), dtype=np.float32)
    if not head_weight or not texts:
        return vectors
    vectors = vectors + np.float32(head_weight) * np.asarray(embed([head_text(t) for t in texts]), dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)




def _margins(distances: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest cluster, its distance, and the relative margin to the second nearest, per row."""
    order = np.argsort(distances, axis=1, kind="stable")[:, :2]
    d1 = np.take_along_axis(distances, order[:, :1], axis=1)[:, 0]
    d2 = np.take_along_axis(distances, order[:, 1:2], axis=1)[:, 0]
    return order[:, 0], d1, np.where(d2 > 0, (d2 - d1) / np.maximum(d2, 1e-12), 0.0)


def pairwise_distances(points: np.ndarray, centroids: np.ndarray, metric: str = "euclidean") -> np.ndarray:
    if metric == "cosine":
        unit = centroids / np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        return 1.0 - points @ unit.T
    squared = (np.sum(points ** 2, axis=1, keepdims=True) - 2.0 * points @ centroids.T
               + np.sum(centroids ** 2, axis=1)[None, :])
    return np.sqrt(np.maximum(squared, 0.0))


def calibrate(points: np.ndarray, centroids: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles of member-to-centroid distances per cluster, and of members' margins overall."""
    nearest, d1, margin = _margins(pairwise_distances(points, centroids, metric))
    distance_quantiles = np.zeros((len(centroids), len(QUANTILES)), dtype=np.float64)
    for cluster in range(len(centroids)):
        members = d1[nearest == cluster]
        if len(members):
            distance_quantiles[cluster] = np.quantile(members, QUANTILES)
    return distance_quantiles, np.quantile(margin, QUANTILES)


@dataclass
class Assignment:
    cluster_ids: np.ndarray
    confidence: np.ndarray
    typicality: np.ndarray
    separation: np.ndarray


@dataclass
class TextModel:
    manifest: dict[str, Any]
    reducer: Reducer
    centroids: np.ndarray
    distance_quantiles: np.ndarray
    margin_quantiles: np.ndarray
    profiles: dict[str, dict[str, Any]]
    embedding_centroids: np.ndarray | None = None  # clusters' mean embeddings: matching across retrains

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def max_tokens(self) -> int | None:
        """Word pieces per text the model was trained on (None: the encoder's own limit, 256)."""
        return self.manifest.get("parameters", {}).get("max_tokens")

    @property
    def head_weight(self) -> float:
        """Weight of a text's head in its vector (module docstring); 0 for models trained before the head view."""
        return float(self.manifest.get("parameters", {}).get("head_weight") or 0.0)

    @property
    def metric(self) -> str:
        return self.reducer.metric

    def vectors(self, texts: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
        """The vectors `assign` takes for `texts`, with `embed` the model's encoder (at its max_tokens)."""
        return text_vectors(texts, embed, self.head_weight)

    def assign(self, embeddings: np.ndarray, texts: Sequence[str]) -> Assignment:
        points = self.reducer.transform(embeddings, texts)
        nearest, d1, margin = _margins(pairwise_distances(points, self.centroids, self.metric))
        median, q99 = self.distance_quantiles[nearest, 50], self.distance_quantiles[nearest, 99]
        far = q99 + (q99 - median)
        typicality = np.clip((far - d1) / np.maximum(far - median, 1e-12), 0.0, 1.0)
        separation = np.clip(2.0 * np.interp(margin, self.margin_quantiles, QUANTILES), 0.0, 1.0)
        return Assignment(nearest, np.sqrt(typicality * separation), typicality, separation)

    # ---------------------------------------------------------------- artifact files
    def to_files(self) -> dict[str, bytes]:
        """Every artifact file by name; manifest.json lists the others' sha256."""
        files = {
            "centroids.npy": npy_bytes(self.centroids.astype(np.float32)),
            "distance_quantiles.npy": npy_bytes(self.distance_quantiles),
            "margin_quantiles.npy": npy_bytes(self.margin_quantiles),
            "profiles.json": json.dumps(self.profiles, indent=2, sort_keys=True, ensure_ascii=False).encode(),
            "reducer.json": json.dumps({"kind": self.reducer.kind, "params": self.reducer.params,
                                        "arrays": sorted(self.reducer.arrays)}, sort_keys=True).encode(),
        }
        for name, array in self.reducer.arrays.items():
            files[f"reducer_{name}.npy"] = npy_bytes(array)
        if self.embedding_centroids is not None:
            files["embedding_centroids.npy"] = npy_bytes(self.embedding_centroids.astype(np.float32))
        return seal(self.manifest, files)

    @classmethod
    def from_files(cls, files: dict[str, bytes], where: str = "") -> "TextModel":
        artifact = ArtifactFiles(files, where)
        manifest = artifact.document("manifest.json")
        artifact.verify(manifest)
        array, file = artifact.array, artifact.file

        reducer_spec = json.loads(file("reducer.json"))
        reducer = Reducer(reducer_spec["kind"], reducer_spec["params"],
                          {name: array(f"reducer_{name}.npy") for name in reducer_spec["arrays"]})
        model = cls(manifest, reducer, array("centroids.npy"), array("distance_quantiles.npy"),
                    array("margin_quantiles.npy"), json.loads(file("profiles.json")),
                    array("embedding_centroids.npy") if "embedding_centroids.npy" in manifest.get("files", {})
                    else None)
        if len(model.distance_quantiles) != len(model.centroids) or len(model.profiles) != len(model.centroids):
            raise ModelArtifactError(f"artifact {where}: centroids, calibration and profiles disagree on k")
        return model

    def save(self, directory: Path) -> None:
        save(directory, self.to_files())

    @classmethod
    def read(cls, read_file: Callable[[str], bytes | None], where: str) -> "TextModel":
        """Load from any store: `read_file(name)` returns a file's bytes, or None when it is absent."""
        return cls.from_files(read_files(read_file, where), where)

    @classmethod
    def load(cls, directory: Path) -> "TextModel":
        return cls.read(directory_reader(directory), f"{directory}/")
