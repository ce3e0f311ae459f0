"""`make bench`: run the benchmarks, print their table, record it in docs/benchmarks.md.

    python benchmarks/run.py [--only SUITE]   (SUITE: one of the names in SUITES below)
"""

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import print_table, record

# Suite name -> the module in benchmarks/ whose run() returns its rows. One line per suite.
SUITES = {
    "audiences": "bench_audiences_search",
    "candidates": "bench_candidates",
    "clustering": "bench_clustering",
    "foundation": "bench_foundation",
    "jobs": "bench_jobs",
    "learning": "bench_learning",
    "segments": "bench_segments",
    "text": "bench_text",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(SUITES), action="append")
    args = parser.parse_args()
    for name in args.only or sorted(SUITES):
        rows = importlib.import_module(f"benchmarks.{SUITES[name]}").run()
        print_table(name, rows)
        record(name, rows, f"make bench (python benchmarks/run.py --only {name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
