"""`make bench`: run the benchmarks, print their table, record it in docs/benchmarks.md.

    python benchmarks/run.py [--only audiences|foundation|jobs|learning|segments|text]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import (
    bench_audiences_search,
    bench_foundation,
    bench_jobs,
    bench_learning,
    bench_segments,
    bench_text,
)
from benchmarks.common import print_table, record

SUITES = {"audiences": bench_audiences_search.run, "foundation": bench_foundation.run, "jobs": bench_jobs.run,
          "learning": bench_learning.run,
          "segments": bench_segments.run, "text": bench_text.run}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(SUITES), action="append")
    args = parser.parse_args()
    for name in args.only or sorted(SUITES):
        rows = SUITES[name]()
        print_table(name, rows)
        record(name, rows, f"make bench (python benchmarks/run.py --only {name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
