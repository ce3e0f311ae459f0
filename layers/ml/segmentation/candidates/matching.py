"""Stable segment ids across model versions.

Rule: the training candidates are assigned with both the promoted model and the new one; a contingency
table counts the candidates each (new, old) pair of segments shares. The Hungarian algorithm
(scipy.optimize.linear_sum_assignment) picks the one-to-one pairing with the most shared candidates, and a
pair keeps the old id only if the shared candidates are more than MIN_OVERLAP (half) of the smaller of
the two segments. Every other new segment gets a fresh id, numbered on from the highest id ever used
(`next_segment_number` in the manifest), so an id never comes back with another meaning.

Matching on shared members rather than on centroid coordinates works although two versions have
different feature spaces (another skill vocabulary, another scaler). On a first model, ids are 0..k-1 in
order of decreasing segment size.
"""

from collections.abc import Sequence

import numpy as np

MIN_OVERLAP = 0.5


def first_ids(labels: np.ndarray, k: int) -> tuple[list[str], int]:
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda c: (-sizes[c], c))
    ids = [""] * k
    for rank, cluster in enumerate(order):
        ids[cluster] = str(rank)
    return ids, k


def match_ids(new_labels: np.ndarray, k: int, old_labels: np.ndarray, old_ids: Sequence[str],
              next_number: int) -> tuple[list[str], int, list[dict]]:
    """(segment id per new centroid row, the next fresh number, the pairs considered and their overlap)."""
    from scipy.optimize import linear_sum_assignment

    old_k = len(old_ids)
    table = np.zeros((k, old_k), dtype=np.int64)
    np.add.at(table, (new_labels, old_labels), 1)
    new_sizes, old_sizes = table.sum(axis=1), table.sum(axis=0)
    rows, cols = linear_sum_assignment(-table)
    ids: list[str | None] = [None] * k
    pairs = []
    for new, old in zip(rows.tolist(), cols.tolist()):
        smaller = max(min(new_sizes[new], old_sizes[old]), 1)
        overlap = float(table[new, old] / smaller)
        kept = overlap > MIN_OVERLAP
        pairs.append({"new_row": new, "old_id": old_ids[old], "shared": int(table[new, old]),
                      "overlap": round(overlap, 4), "kept": kept})
        if kept:
            ids[new] = old_ids[old]
    sizes_order = sorted(range(k), key=lambda c: (-new_sizes[c], c))
    for cluster in sizes_order:
        if ids[cluster] is None:
            ids[cluster] = str(next_number)
            next_number += 1
    return [str(i) for i in ids], next_number, pairs
