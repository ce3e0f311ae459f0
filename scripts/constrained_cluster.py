"""Size-constrained K-medians (l1) or K-means (l2) on a numeric matrix saved with numpy.save: every
cluster gets between --min-size and --max-size records (a value below 1 is a fraction of the records, 1
or more a count). Writes the labels (int64, one per row) and prints one JSON line
{"k", "sizes", "objective", "n_iter", "seconds"}. Bad input exits with status 2, naming the option.

    python scripts/constrained_cluster.py --input X.npy --clusters 15 --min-size 0.05 --max-size 0.10 \\
        --metric l1 [--seed 0] [--n-init 3] [--weights W.npy] --out labels.npy

Without --clusters, k is chosen in the feasible range by the silhouette on a sample.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from segmentation.clustering.constrained import DEFAULT_N_INIT, METRICS, SizeConstrainedClustering
from segmentation.platform.errors import InvalidInput

OPTIONS = {"X": "--input", "n_clusters": "--clusters", "min_size": "--min-size", "max_size": "--max-size",
           "metric": "--metric", "n_init": "--n-init", "random_state": "--seed", "sample_weight": "--weights",
           "k_range": "--clusters", "max_iter": "--max-iter"}


def load_matrix(path: Path, option: str) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise InvalidInput(f"cannot read {path} as a .npy array: {error}", option) from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", type=Path, required=True, help="records x features float matrix (.npy)")
    parser.add_argument("--clusters", type=int, help="number of clusters (default: chosen by silhouette)")
    parser.add_argument("--min-size", type=float, default=0.05)
    parser.add_argument("--max-size", type=float, default=0.10)
    parser.add_argument("--metric", choices=METRICS, default="l1")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-init", type=int, default=DEFAULT_N_INIT)
    parser.add_argument("--weights", type=Path, help="one non-negative weight per record (.npy)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the labels (.npy)")
    args = parser.parse_args(argv)
    try:
        X = load_matrix(args.input, "X")
        if X.dtype.kind not in "fiub":
            raise InvalidInput(f"{args.input} holds {X.dtype}, not numbers", "X")
        weights = load_matrix(args.weights, "sample_weight") if args.weights else None
        started = time.perf_counter()
        model = SizeConstrainedClustering(args.clusters, min_size=args.min_size, max_size=args.max_size,
                                          metric=args.metric, n_init=args.n_init,
                                          random_state=args.seed).fit(X, weights)
        seconds = time.perf_counter() - started
    except InvalidInput as error:
        print(f"constrained_cluster: {OPTIONS.get(error.field, error.field)}: {error}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(args.out, model.labels_.astype(np.int64))
    print(json.dumps({"k": model.n_clusters_, "sizes": model.sizes_.tolist(), "objective": model.objective_,
                      "n_iter": model.n_iter_, "seconds": round(seconds, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
