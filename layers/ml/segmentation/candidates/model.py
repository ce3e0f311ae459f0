"""The trained candidate-segmentation model: artifact files, assignment, confidence and explanations,
in NumPy only (no scikit-learn import, no pickle).

Files of a version (manifest.json lists every other file with its sha256; a missing or altered file is
refused, naming it):
  manifest.json            version, created_at, data sha256, parameters, seed, metrics, library versions,
                           segment ids in centroid order
  preprocessing.json       the fitted ColumnTransformer as numbers and vocabularies (features.py)
  centroids.npy            K-means centroids in feature space, float64, one row per segment
  distance_quantiles.npy   per segment, 101 quantiles of its training members' distance to the centroid
  margin_quantiles.npy     101 quantiles of the training members' relative margin (d2 - d1) / d2
  segments.json            per segment id: name, size, share, profile

Assignment is the nearest centroid (Euclidean), as KMeans.predict. Confidence is the text model's
(segmentation/text/model.py): sqrt(typicality * separation), typicality from the member-distance
quantiles of the segment, separation from the margin quantiles. The explanation of a candidate is the
features that pull it to its segment rather than the next nearest one: with c1 the assigned and c2 the
runner-up centroid, ||x - c2||^2 - ||x - c1||^2 = sum_j [(x_j - c2_j)^2 - (x_j - c1_j)^2]; each column's
term is summed per candidate field (and per skill), and the largest positive ones are reported with their
share of all the positive terms (what pulls the candidate towards its segment). A skill can pull either
way: `has` says whether the candidate holds it (lacking a skill the runner-up segment is full of counts too).
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from segmentation.candidates.features import CATEGORICAL, NUMERIC, Preprocessing, skill_set
from segmentation.platform.artifacts import (
    ArtifactFiles,
    ModelArtifactError,
    directory_reader,
    npy_bytes,
    read_files,
    save,
    seal,
)

QUANTILES = np.linspace(0.0, 1.0, 101)
CHUNK = 20_000  # rows per matrix block: bounds memory for any pool size




def squared_distances(points: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    squared = (np.sum(points ** 2, axis=1, keepdims=True) - 2.0 * points @ centroids.T
               + np.sum(centroids ** 2, axis=1)[None, :])
    return np.maximum(squared, 0.0)


def nearest_two(points: np.ndarray, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Nearest and runner-up centroid per row, with their Euclidean distances."""
    distances = np.sqrt(squared_distances(points, centroids))
    if centroids.shape[0] == 1:
        zeros = np.zeros(len(points), dtype=np.int64)
        return zeros, distances[:, 0], zeros, distances[:, 0]
    order = np.argpartition(distances, 1, axis=1)[:, :2]
    first = np.take_along_axis(distances, order, axis=1)
    swap = first[:, 1] < first[:, 0]
    order[swap] = order[swap][:, ::-1]
    rows = np.arange(len(points))
    return order[:, 0], distances[rows, order[:, 0]], order[:, 1], distances[rows, order[:, 1]]


def calibrate_distances(distances: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """From the training members' distances to every centroid (KMeans.transform) and their segment:
    quantiles of member-to-centroid distances per segment, and of members' relative margins overall."""
    k = distances.shape[1]
    ordered = np.sort(distances, axis=1)
    nearest, d1 = labels, distances[np.arange(len(labels)), labels]
    d2 = ordered[:, 1] if k > 1 else ordered[:, 0]
    centroids = range(k)
    margin = np.where(d2 > 0, (d2 - d1) / np.maximum(d2, 1e-12), 0.0)
    distance_quantiles = np.zeros((k, len(QUANTILES)))
    for cluster in centroids:
        members = d1[nearest == cluster]
        if len(members):
            distance_quantiles[cluster] = np.quantile(members, QUANTILES)
    return distance_quantiles, np.quantile(margin, QUANTILES)


@dataclass
class Assignment:
    labels: np.ndarray  # centroid row per candidate
    segment_ids: list[str]
    confidence: np.ndarray
    explanations: list[list[dict[str, Any]]] | None


@dataclass
class CandidateModel:
    manifest: dict[str, Any]
    preprocessing: Preprocessing
    centroids: np.ndarray
    distance_quantiles: np.ndarray
    margin_quantiles: np.ndarray
    segments: dict[str, dict[str, Any]]  # segment id -> name, size, share, profile

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def segment_ids(self) -> list[str]:
        """Segment id of each centroid row."""
        return self.manifest["segment_ids"]

    def predict(self, records: Sequence[dict[str, Any]], normalized: bool = False) -> np.ndarray:
        """Centroid row per record: KMeans.predict of the fitted pipeline, in NumPy."""
        return np.concatenate([nearest_two(self.preprocessing.transform(records[i:i + CHUNK], normalized),
                                           self.centroids)[0]
                               for i in range(0, len(records), CHUNK)] or [np.zeros(0, dtype=np.int64)])

    def assign(self, records: Sequence[dict[str, Any]], explain: bool = True, top: int = 3,
               normalized: bool = False) -> Assignment:
        """Segment, confidence and (if `explain`) explanation per record; `normalized`: the records come
        from features_of (skills normalized already)."""
        labels, confidence, explanations = [], [], [] if explain else None
        for start in range(0, len(records), CHUNK):
            block = records[start:start + CHUNK]
            points = self.preprocessing.transform(block, normalized)
            nearest, d1, second, d2 = nearest_two(points, self.centroids)
            median, q99 = self.distance_quantiles[nearest, 50], self.distance_quantiles[nearest, 99]
            far = q99 + (q99 - median)
            typicality = np.clip((far - d1) / np.maximum(far - median, 1e-12), 0.0, 1.0)
            margin = np.where(d2 > 0, (d2 - d1) / np.maximum(d2, 1e-12), 0.0)
            separation = np.clip(2.0 * np.interp(margin, self.margin_quantiles, QUANTILES), 0.0, 1.0)
            labels.append(nearest)
            confidence.append(np.sqrt(typicality * separation))
            if explain:
                explanations.extend(self._explain(block, points, nearest, second, top))
        labels_array = np.concatenate(labels) if labels else np.zeros(0, dtype=np.int64)
        ids = self.segment_ids
        return Assignment(labels_array, [ids[i] for i in labels_array],
                          np.concatenate(confidence) if confidence else np.zeros(0), explanations)

    def _explain(self, records, points, nearest, second, top) -> list[list[dict[str, Any]]]:
        terms = (points - self.centroids[second]) ** 2 - (points - self.centroids[nearest]) ** 2
        groups = self.preprocessing.feature_groups
        fields = [g[0] for g in groups]
        # one-hot columns of one field sum into the field: a location pulls as one feature
        field_names = [*NUMERIC, *CATEGORICAL]
        field_index = np.array([field_names.index(f) if f != "skills" else -1 for f in fields])
        per_field = np.zeros((len(points), len(field_names)))
        for i in range(len(field_names)):
            per_field[:, i] = terms[:, field_index == i].sum(axis=1)
        skill_columns = np.flatnonzero(field_index == -1)
        skill_terms = terms[:, skill_columns]
        skills = self.preprocessing.skills
        n_top = min(top, len(skill_columns))
        best_skills = (np.argpartition(-skill_terms, n_top - 1, axis=1)[:, :n_top] if n_top
                       else np.zeros((len(points), 0), dtype=np.int64))
        per_field_list, best_list = per_field.tolist(), best_skills.tolist()
        best_terms = np.take_along_axis(skill_terms, best_skills, axis=1).tolist()
        positive_skills = np.maximum(skill_terms, 0.0).sum(axis=1).tolist()
        out = []
        for row, record in enumerate(records):
            field_terms, row_skills = per_field_list[row], best_terms[row]
            candidates = [(field_terms[i], field_names[i], record.get(field_names[i])) for i in range(len(field_names))]
            candidates += [(term, "skills", skills[j]) for term, j in zip(row_skills, best_list[row])]
            held = record.get("skills") or ()
            pulling = sum(t for t in field_terms if t > 0) + positive_skills[row]
            candidates = sorted((c for c in candidates if c[0] > 0), key=lambda c: -c[0])[:top]
            out.append([{"feature": f, "value": v, "share": round(t / pulling, 3) if pulling > 0 else 0.0,
                         **({"has": v in held} if f == "skills" else {})} for t, f, v in candidates])
        return out

    # ---------------------------------------------------------------- artifact files
    def to_files(self) -> dict[str, bytes]:
        files = {
            "preprocessing.json": json.dumps(self.preprocessing.to_json(), indent=1, sort_keys=True,
                                             ensure_ascii=False).encode(),
            "centroids.npy": npy_bytes(self.centroids.astype(np.float64)),
            "distance_quantiles.npy": npy_bytes(self.distance_quantiles),
            "margin_quantiles.npy": npy_bytes(self.margin_quantiles),
            "segments.json": json.dumps(self.segments, indent=1, sort_keys=True, ensure_ascii=False).encode(),
        }
        return seal(self.manifest, files)

    @classmethod
    def from_files(cls, files: dict[str, bytes], where: str = "") -> "CandidateModel":
        artifact = ArtifactFiles(files, where)
        manifest = artifact.document("manifest.json")
        if not isinstance(manifest, dict) or manifest.get("kind") != "candidates":
            raise ModelArtifactError(f"artifact {where}manifest.json is not a candidate-segmentation manifest")
        artifact.verify(manifest, ["preprocessing.json", "centroids.npy", "distance_quantiles.npy",
                                   "margin_quantiles.npy", "segments.json"])
        array, document = artifact.array, artifact.document

        try:
            preprocessing = Preprocessing.from_json(document("preprocessing.json"))
        except (KeyError, TypeError, ValueError) as error:
            raise ModelArtifactError(f"artifact {where}preprocessing.json is inconsistent: {error}") from error
        model = cls(manifest, preprocessing, array("centroids.npy"), array("distance_quantiles.npy"),
                    array("margin_quantiles.npy"), document("segments.json"))
        k = len(manifest.get("segment_ids", []))
        if (model.centroids.ndim != 2 or model.centroids.shape != (k, preprocessing.width)
                or len(model.distance_quantiles) != k or set(model.segments) != set(model.segment_ids)):
            raise ModelArtifactError(f"artifact {where}centroids.npy: centroids, features, calibration and "
                                     "segments disagree")
        return model

    def save(self, directory: Path) -> Path:
        return save(directory, self.to_files())

    @classmethod
    def read(cls, read_file: Callable[[str], bytes | None], where: str) -> "CandidateModel":
        """Load from any store: `read_file(name)` returns a file's bytes, or None when it is absent."""
        return cls.from_files(read_files(read_file, where), where)

    @classmethod
    def load(cls, directory: Path) -> "CandidateModel":
        return cls.read(directory_reader(directory), f"{directory}/")


def segment_counts(segment_ids: Sequence[str]) -> dict[str, int]:
    """{segment id: candidates} in segment-id order (numeric ids sort as numbers)."""
    counts: dict[str, int] = {}
    for segment_id in segment_ids:
        counts[segment_id] = counts.get(segment_id, 0) + 1
    return {k: counts[k] for k in sorted(counts, key=segment_sort_key)}


def segment_sort_key(segment_id: str) -> tuple[int, str]:
    return (int(segment_id), "") if segment_id.isdigit() else (1 << 30, segment_id)


def features_of(record: dict[str, Any]) -> dict[str, Any]:
    """The feature fields of a candidate record (contact fields never reach the model)."""
    return {"years_experience": record.get("years_experience"), "desired_salary": record.get("desired_salary"),
            "location": record.get("location"), "education_level": record.get("education_level"),
            "primary_skill": record.get("primary_skill"), "skills": skill_set(record.get("skills"))}
