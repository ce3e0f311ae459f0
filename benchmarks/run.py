"""`make bench`: run the benchmarks, print their table, record it in docs/benchmarks.md.

    python benchmarks/run.py [--only SUITE]   (SUITE: one of the names in SUITES below)
"""

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import print_table, record

# Suite name -> the module in benchmarks/ ("module" or "module:function") whose run() returns its rows.
SUITES = {
    "ads": "bench_ads",
    "audiences": "bench_audiences_search",
    "audiences_builder": "bench_audiences_builder",
    "candidates": "bench_candidates",
    "clustering": "bench_clustering",
    "foundation": "bench_foundation",
    "jobs": "bench_jobs",
    "learning": "bench_learning",
    "segments": "bench_segments",
    "text": "bench_text",
    "text-serving": "bench_text:run_serving",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(SUITES), action="append")
    args = parser.parse_args()
    for name in args.only or sorted(SUITES):
        module, _, function = SUITES[name].partition(":")
        rows = getattr(importlib.import_module(f"benchmarks.{module}"), function or "run")()
        print_table(name, rows)
        record(name, rows, f"make bench (python benchmarks/run.py --only {name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
