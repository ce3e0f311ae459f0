"""Size-constrained clustering (segmentation.clustering.constrained) against the exact peer
k-means-constrained 0.9.1 (min-cost flow through OR-Tools; n_jobs=1 as its n_jobs=2 crashes at n >= 10,000,
n_init=3) at n = 2,000 / 5,000 / 10,000, and at n = 100,000 x 20, k = 15, 5-10%: the whole CLI process
(start, imports, load, fit, save) and the fit against plain scikit-learn KMeans(n_init=1) on the same data
in the same run. Both objectives are recomputed the same way from the labels: the sum of squared
distances to the cluster means (L2) or of L1 distances to the coordinate-wise medians (L1).

    python benchmarks/run.py --only clustering
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import ROOT

K, MIN_SIZE, MAX_SIZE, DIMENSIONS = 15, 0.05, 0.10, 20


def mixture(n: int, seed: int = 0) -> np.ndarray:
    """n records x 20 features from 8 Gaussian blobs of unequal sizes and spreads: with k = 15 and 5-10%
    per cluster the bounds bind (the big blobs must be split, the small ones merged)."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(8, DIMENSIONS))
    shares = rng.dirichlet(np.full(8, 1.5))
    blob = rng.choice(8, size=n, p=shares)
    return centres[blob] + rng.normal(size=(n, DIMENSIONS)) * rng.uniform(1.0, 3.0, size=8)[blob, None]


def objective(X: np.ndarray, labels: np.ndarray, metric: str = "l2") -> float:
    total = 0.0
    for j in np.unique(labels):
        rows = X[labels == j]
        centre = rows.mean(axis=0) if metric == "l2" else np.median(rows, axis=0)
        diff = rows - centre
        total += float((diff * diff).sum() if metric == "l2" else np.abs(diff).sum())
    return total


def sizes_ok(labels: np.ndarray, n: int) -> bool:
    sizes = np.bincount(labels, minlength=K)
    return bool(sizes.min() >= np.ceil(MIN_SIZE * n - 1e-9) and sizes.max() <= np.floor(MAX_SIZE * n + 1e-9))


def versus_peer(n: int) -> tuple[str, str, str]:
    from k_means_constrained import KMeansConstrained
    from segmentation.clustering.constrained import SizeConstrainedClustering

    X = mixture(n)
    lower, upper = int(np.ceil(MIN_SIZE * n - 1e-9)), int(np.floor(MAX_SIZE * n + 1e-9))
    t0 = time.perf_counter()
    ours = SizeConstrainedClustering(K, min_size=MIN_SIZE, max_size=MAX_SIZE, metric="l2").fit(X)
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer = KMeansConstrained(n_clusters=K, size_min=lower, size_max=upper, n_init=3, n_jobs=1, random_state=0).fit(X)
    peer_s = time.perf_counter() - t0
    ours_obj, peer_obj = objective(X, ours.labels_), objective(X, peer.labels_)
    ratio = ours_obj / peer_obj
    return ((f"L2, n = {n:,} x {DIMENSIONS}, k = {K}, 5-10%: ours (defaults: n_init=20) vs k-means-constrained 0.9.1 "
            f"(n_init=3, n_jobs=1)"),
            (f"objective {ours_obj:,.0f} vs {peer_obj:,.0f} (ratio {ratio:.4f}); {ours_s:.2f} s vs {peer_s:.1f} s "
            f"({peer_s / ours_s:.0f}x faster); sizes within bounds: ours {sizes_ok(ours.labels_, n)}, "
            f"peer {sizes_ok(peer.labels_, n)}"),
            "objective <= 1.01 x peer's")


def large(metric: str, X: np.ndarray, path: Path, kmeans_s: float) -> tuple[str, str, str]:
    """The CLI as a separate process, timed from start to exit."""
    out = path.parent / f"labels_{metric}.npy"
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "constrained_cluster.py"), "--input", str(path),
                           "--clusters", str(K), "--min-size", str(MIN_SIZE), "--max-size", str(MAX_SIZE),
                           "--metric", metric, "--out", str(out)], capture_output=True, text=True, check=True,
                          cwd=ROOT)
    process_s = time.perf_counter() - t0
    summary = json.loads(done.stdout)
    labels = np.load(out)
    return ((f"{metric.upper()}, n = {len(X):,} x {DIMENSIONS}, k = {K}, 5-10%, defaults (n_init=20): whole CLI "
            f"process; fit vs scikit-learn KMeans(n_init=1) fit"),
            (f"process {process_s:.2f} s; fit {summary['seconds']:.2f} s = {summary['seconds'] / kmeans_s:.1f}x "
            f"KMeans {kmeans_s:.2f} s; {summary['n_iter']} iterations; sizes {min(summary['sizes'])}-"
            f"{max(summary['sizes'])} (bounds {sizes_ok(labels, len(X))}); objective {objective(X, labels, metric):,.0f}"),
            "process < 10 s on 2 cores; fit <= 10x KMeans")


def run() -> list[tuple[str, str, str]]:
    from sklearn.cluster import KMeans

    load_before = os.getloadavg()[0]
    rows = [versus_peer(n) for n in (2_000, 5_000, 10_000)]
    X = mixture(100_000, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "X.npy"
        np.save(path, X)
        t0 = time.perf_counter()
        KMeans(K, n_init=1, random_state=0).fit(X)
        kmeans_s = time.perf_counter() - t0
        rows += [large(metric, X, path, kmeans_s) for metric in ("l2", "l1")]
    rows.append(("machine load (1-minute load average, before / after)",
                 (f"{load_before:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: shared by 8 engineers "
                 f"while measured, so times are pessimistic"), "-"))
    return rows
