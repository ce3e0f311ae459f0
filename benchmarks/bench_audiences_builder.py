"""Audience builder (issue 14), warm and in process: `process` (the catalog search limited to a record
set), `confirm` (features + size-constrained K-medians + traits + lifestyle) on the 5,215-person panel with
8 variables and on the 33,120 ZCTAs, and the CSV export of 33,120 rows; each next to a baseline measured in
the same run (plain scikit-learn KMeans on the same features; pandas' to_csv of the same table)."""

import statistics
import time

import numpy as np

from benchmarks.common import summary_ms

PANEL = ["natenvir", "age", "degree", "partyid", "sex", "realinc", "polviews", "xnorcsiz"]
ZCTA = ["per_capita_income", "median_age", "percent_hispanic", "median_rent", "percent_white"]


def _timed(call, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def _kmeans_baseline(recs, columns) -> float:
    from segmentation.audiences import builder
    from sklearn.cluster import KMeans

    matrix = recs.matrix(columns)
    rows = np.flatnonzero(np.isfinite(matrix).sum(axis=1) >= (len(columns) + 1) // 2)
    features = builder._features(matrix[rows], recs.weights[rows], [recs.column(c) for c in columns])
    return statistics.median(_timed(lambda: KMeans(12, n_init=1, random_state=0).fit(features), 3))


def run() -> list[tuple[str, str, str]]:
    from segmentation.audiences import builder, export, records

    rows: list[tuple[str, str, str]] = []
    chosen = records.resolve("third_party", None, None)
    builder.suggest("environmentally conscious millennials", chosen)
    samples = _timed(lambda: builder.suggest("environmentally conscious millennials", chosen), 20)
    rows.append(("process: suggestions from the search within the panel", summary_ms(samples), "p50 <= 150 ms warm"))
    panel, zcta = records.load_builtin("panel"), records.load_builtin("zcta")
    for recs, columns, label, budget in ((panel, PANEL, "panel 5,215 x 8 variables", "<= 2 s warm"),
                                         (zcta, ZCTA, "ZCTAs 33,120 x 5 variables", "<= 5 s warm")):
        builder.segment(recs, columns, 0.05, 0.10, 12)  # warm
        auto = _timed(lambda r=recs, c=columns: builder.segment(r, c, 0.05, 0.10), 1)[0]
        fixed = statistics.median(_timed(lambda r=recs, c=columns: builder.segment(r, c, 0.05, 0.10, 12), 3))
        baseline = _kmeans_baseline(recs, columns)
        rows.append((f"confirm on the {label}, k chosen", f"{auto:.2f} s", budget))
        rows.append((f"confirm on the {label}, k = 12", (f"{fixed:.2f} s (plain KMeans k=12, n_init=1: "
                     f"{baseline:.2f} s)"), budget))
    result = builder.segment(zcta, ZCTA, 0.05, 0.10, 12)
    audience = {"audience_id": "bench", "query": "bench", "record_set": "zcta", "data_type": "third_party",
                "created_at": "now", "total_records": int(result["rows"].size), "segments": result["segments"],
                "variables": [{"code": c, "description": c, "column": c} for c in ZCTA], "source": "ACS"}
    builder.load_records = lambda _chosen: zcta  # the export reads its record set and assignment in memory here
    builder.assignment = lambda _id: {"rows": result["rows"].tolist(), "labels": result["labels"].tolist()}
    seconds = statistics.median(_timed(lambda: export.render(audience), 3))
    import pandas as pd

    frame = pd.DataFrame(zcta.matrix(ZCTA)[result["rows"]], columns=ZCTA)
    frame.insert(0, "group_id", result["labels"])
    frame.insert(0, "zcta", [zcta.ids[r] for r in result["rows"]])
    peer = statistics.median(_timed(lambda: frame.to_csv(index=False), 3))
    rows.append((f"export CSV of {audience['total_records']:,} ZCTA rows", (f"{seconds:.2f} s (pandas to_csv of the "
                 f"same table: {peer:.2f} s)"), "<= 3 s"))
    return rows
