"""Mixed records to a numeric matrix for the size-constrained clusterer.

- Numeric columns: centred on the median and divided by the mean absolute deviation from it (the scale
  that L1 / K-medians measures; a constant column becomes 0). Missing or non-finite values are refused.
- Categorical columns: one-hot, each indicator worth 0.5, so two records with different categories are
  1.0 apart in L1 (the same as one scaled unit of a numeric column); None / "" is its own category
  "(missing)". Categories are sorted, so the encoding is reproducible.

`encode_mixed` returns the matrix with what is needed to read the centres back (`decode_center`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from segmentation.platform.errors import InvalidInput

MISSING = "(missing)"
CATEGORY_WEIGHT = 0.5


@dataclass
class EncodedFeatures:
    matrix: np.ndarray
    feature_names: list[str]
    numeric: dict[str, tuple[float, float]] = field(default_factory=dict)  # column -> (centre, scale)
    categories: dict[str, list[str]] = field(default_factory=dict)  # column -> sorted categories

    def decode_center(self, center: np.ndarray) -> dict[str, object]:
        """A centre in the original units: numeric values, and each categorical column's dominant category
        with its share of the indicator mass."""
        out: dict[str, object] = {}
        position = 0
        for column, (centre, scale) in self.numeric.items():
            out[column] = float(center[position] * scale + centre)
            position += 1
        for column, values in self.categories.items():
            block = np.asarray(center[position:position + len(values)]) / CATEGORY_WEIGHT
            position += len(values)
            out[column] = {"value": values[int(block.argmax())], "share": float(block.max())}
        return out


def encode_mixed(rows: Sequence[Mapping[str, object]], numeric: Sequence[str] = (),
                 categorical: Sequence[str] = ()) -> EncodedFeatures:
    """Encode `rows` (dicts) on the named numeric and categorical columns; errors name the column."""
    if not rows:
        raise InvalidInput("no records to encode", "records")
    if not numeric and not categorical:
        raise InvalidInput("name at least one numeric or categorical column", "columns")
    overlap = set(numeric) & set(categorical)
    if overlap:
        raise InvalidInput(f"columns both numeric and categorical: {sorted(overlap)}", "columns")
    columns: dict[str, np.ndarray] = {}
    for column in numeric:
        values = np.empty(len(rows))
        for i, row in enumerate(rows):
            value = row.get(column)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise InvalidInput(f"column {column!r}: record {i} has {value!r}, not a finite number", column)
            values[i] = value
        columns[column] = values
    labels = {column: [MISSING if row.get(column) in (None, "") else str(row.get(column)) for row in rows]
              for column in categorical}
    return encode_columns(columns, labels)


def encode_columns(numeric: Mapping[str, np.ndarray], categorical: Mapping[str, Sequence[str]]
                   ) -> EncodedFeatures:
    """The encoding of `encode_mixed` from columns already checked: finite float arrays for the numeric
    columns, category labels (MISSING for a missing value) for the categorical ones, each one per record;
    for callers that hold columns (the audience builder), without building a dict per record."""
    blocks, names = [], []
    encoded = EncodedFeatures(np.empty((0, 0)), [])
    for column, values in numeric.items():
        values = np.asarray(values, dtype=float)
        centre = float(np.median(values))
        scale = float(np.mean(np.abs(values - centre)))
        scale = scale if scale > 0 else 1.0
        blocks.append(((values - centre) / scale)[:, None])
        names.append(column)
        encoded.numeric[column] = (centre, scale)
    for column, labels in categorical.items():
        values = sorted(set(labels))
        index = {value: j for j, value in enumerate(values)}
        block = np.zeros((len(labels), len(values)))
        block[np.arange(len(labels)), [index[label] for label in labels]] = CATEGORY_WEIGHT
        blocks.append(block)
        names.extend(f"{column}={value}" for value in values)
        encoded.categories[column] = values
    encoded.matrix = np.hstack(blocks)
    encoded.feature_names = names
    return encoded
