"""Fusing ranked lists from several retrievers into one ranking (pure functions, no I/O).

- Reciprocal rank fusion (Cormack, Clarke & Buettcher 2009): score(d) = sum_r w_r / (k + rank_r(d)),
  rank from 1, over the retrievers r that returned d. Scale-free: a BM25 score and a cosine never meet.
- Weighted sum of min-max normalised scores (the seed's 0.4 / 0.3 / 0.3 style): each retriever's scores
  are scaled to [0, 1] over its own candidates, then summed with weights.

Which rule `search` uses, and with which weights, was chosen by measurement on the labelled set in
benchmarks/ (docs/audiences.md has the table).
"""

from collections.abc import Mapping

import numpy as np

RRF_K = 60


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the k highest positive scores (optionally only where mask is True), best first, with scores."""
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
    order = np.lexsort((candidates, -scores[candidates]))  # ties: lower row first, deterministic
    rows = candidates[order]
    return rows, scores[rows]


def rrf(rankings: Mapping[str, tuple[np.ndarray, np.ndarray]], weights: Mapping[str, float],
        k: int = RRF_K) -> dict[int, float]:
    """Reciprocal rank fusion of {retriever: (rows best first, scores)} -> {row: fused score}."""
    fused: dict[int, float] = {}
    for name, (rows, _scores) in rankings.items():
        weight = weights.get(name, 0.0)
        if not weight:
            continue
        for rank, row in enumerate(rows.tolist(), start=1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return fused


def weighted(rankings: Mapping[str, tuple[np.ndarray, np.ndarray]], weights: Mapping[str, float]) -> dict[int, float]:
    """Weighted sum of each retriever's min-max normalised scores -> {row: fused score}."""
    fused: dict[int, float] = {}
    for name, (rows, scores) in rankings.items():
        weight = weights.get(name, 0.0)
        if not weight or not len(rows):
            continue
        low, high = float(scores.min()), float(scores.max())
        scaled = (scores - low) / (high - low) if high > low else np.ones_like(scores)
        for row, value in zip(rows.tolist(), scaled.tolist()):
            fused[row] = fused.get(row, 0.0) + weight * value
    return fused
