"""Candidate features in NumPy: the fitted preprocessing of the seed's ColumnTransformer, applied without
scikit-learn (the request path and `ml predict` import NumPy only). training.py fits it with
scikit-learn and reads the fitted parameters into `Preprocessing`; a unit test checks both agree.

Columns, in the ColumnTransformer's output order:
  num    years_experience, desired_salary: missing -> the training median (SimpleImputer), then
         StandardScaler ((x - mean) / scale)
  cat    location, education_level, primary_skill: OneHotEncoder(handle_unknown='ignore'); a missing value
         and a category not seen at training time both encode as all zeros (no category)
  skill  multi-hot over a vocabulary of at most `max_skills` skills (the most frequent at training time,
         recorded in the artifact); skills are compared case-folded; a skill outside the vocabulary adds
         nothing
"""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

NUMERIC = ("years_experience", "desired_salary")
CATEGORICAL = ("location", "education_level", "primary_skill")
MISSING_CATEGORY = ""  # never a valid category (schemas require min_length=1): encodes as all zeros


@functools.lru_cache(maxsize=1 << 16)  # a pool has few distinct skills: the cache makes this a dict lookup
def normalize_skill(skill: str) -> str:
    return " ".join(skill.split()).casefold()


def skill_set(skills: Iterable[str] | None) -> list[str]:
    """The candidate's skills as features see them: case-folded, de-duplicated, in first-seen order."""
    return list(dict.fromkeys(normalize_skill(s) for s in skills or () if s and s.strip()))


def category(value: Any) -> str:
    return MISSING_CATEGORY if value is None else str(value)


@dataclass
class Preprocessing:
    medians: np.ndarray  # per numeric column, imputes a missing value
    means: np.ndarray
    scales: np.ndarray
    categories: dict[str, list[str]]  # per categorical column, the one-hot columns in order
    skills: list[str]  # the skill vocabulary in column order

    def __post_init__(self):
        self._category_index = {name: {value: i for i, value in enumerate(values)}
                                for name, values in self.categories.items()}
        self._skill_index = {skill: i for i, skill in enumerate(self.skills)}
        offsets, start = {}, len(NUMERIC)
        for name in CATEGORICAL:
            offsets[name] = start
            start += len(self.categories[name])
        self._offsets, self._skills_offset, self.width = offsets, start, start + len(self.skills)

    @property
    def feature_names(self) -> list[str]:
        return ([*NUMERIC] + [f"{name}={value}" for name in CATEGORICAL for value in self.categories[name]]
                + [f"skills={skill}" for skill in self.skills])

    @property
    def feature_groups(self) -> list[tuple[str, str | None]]:
        """(field, value) per column: the candidate field a column encodes and, for one-hot and skill
        columns, the value it stands for."""
        return ([(name, None) for name in NUMERIC]
                + [(name, value) for name in CATEGORICAL for value in self.categories[name]]
                + [("skills", skill) for skill in self.skills])

    def numeric(self, records: Sequence[dict[str, Any]]) -> np.ndarray:
        raw = np.array([[np.nan if r.get(name) is None else float(r[name]) for name in NUMERIC] for r in records],
                       dtype=np.float64).reshape(len(records), len(NUMERIC))
        return np.where(np.isnan(raw), self.medians, raw)

    def transform(self, records: Sequence[dict[str, Any]], normalized: bool = False) -> np.ndarray:
        """The feature matrix (float64, dense) of candidate records (dicts with the feature fields);
        `normalized`: their skills are skill_set()'s already (model.features_of)."""
        n = len(records)
        matrix = np.zeros((n, self.width), dtype=np.float64)
        matrix[:, :len(NUMERIC)] = (self.numeric(records) - self.means) / self.scales
        for name in CATEGORICAL:  # one column lookup per record and field, then one vectorised write
            index = self._category_index[name]
            columns = np.array([index.get(category(r.get(name)), -1) for r in records], dtype=np.int64)
            hit = np.flatnonzero(columns >= 0)
            matrix[hit, self._offsets[name] + columns[hit]] = 1.0
        skills = [r.get("skills") or () for r in records] if normalized else \
            [skill_set(r.get("skills")) for r in records]
        lengths = np.fromiter((len(row) for row in skills), dtype=np.int64, count=n)
        get = self._skill_index.get
        columns = np.fromiter((get(skill, -1) for row in skills for skill in row), dtype=np.int64,
                              count=int(lengths.sum()))
        rows = np.repeat(np.arange(n), lengths)
        hit = columns >= 0
        matrix[rows[hit], self._skills_offset + columns[hit]] = 1.0
        return matrix

    def to_json(self) -> dict[str, Any]:
        return {"numeric": {"columns": list(NUMERIC), "medians": self.medians.tolist(), "means": self.means.tolist(),
                            "scales": self.scales.tolist()},
                "categorical": {name: self.categories[name] for name in CATEGORICAL},
                "skills": self.skills, "missing_category": "all zeros", "unknown_category": "all zeros"}

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> "Preprocessing":
        numeric = document["numeric"]
        if tuple(numeric["columns"]) != NUMERIC or set(document["categorical"]) != set(CATEGORICAL):
            raise ValueError("preprocessing columns are not the candidate features")
        return cls(np.array(numeric["medians"], dtype=np.float64), np.array(numeric["means"], dtype=np.float64),
                   np.array(numeric["scales"], dtype=np.float64),
                   {name: list(document["categorical"][name]) for name in CATEGORICAL}, list(document["skills"]))
