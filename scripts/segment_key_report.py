"""How ESCO's occupation titles (preferred and alternative labels) land in the learning segment keys.

    python scripts/segment_key_report.py [--esco DIR] [--examples N]

DIR defaults to $ESCO_DIR, else ../shared/data/esco beside the repository.
"""

import argparse
import csv
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from segmentation.learning.segment_key import LEVELS, derive_segment_key

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ESCO = ROOT.parent / "shared" / "data" / "esco"
LEVEL_WORD = re.compile(r"\b(intern|interns|internship|trainee|apprentice|co-op|junior|jr|jnr|entry|graduate|senior|sr|snr|"
                        r"lead|principal|chief|head|staff|vp)\b",
                        re.IGNORECASE)


def titles(esco: Path) -> dict[str, list[str]]:
    """{"preferred": [...], "alternative": [...]} from occupations_en.csv."""
    found: dict[str, list[str]] = {"preferred": [], "alternative": []}
    with open(esco / "occupations_en.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found["preferred"].append(row["preferredLabel"])
            found["alternative"] += [label.strip() for label in row["altLabels"].splitlines() if label.strip()]
    return found


def report(esco: Path, examples: int) -> str:
    counts: dict[str, Counter] = {}
    samples: dict[str, list[str]] = defaultdict(list)
    for kind, labels in titles(esco).items():
        counts[kind] = Counter()
        for label in labels:
            level = derive_segment_key({"title": label})
            counts[kind][level] += 1
            key = "default, with a level word" if level == "default" and LEVEL_WORD.search(label) else level
            counts[kind][key] += int(key != level)
            if key != "default" and len(samples[key]) < examples:
                samples[key].append(label)
    lines = ["| level | preferred labels | alternative labels | all |", "| --- | --- | --- | --- |"]
    for level in LEVELS:
        lines.append(f"| {level} | {counts['preferred'][level]:,} | {counts['alternative'][level]:,} | "
                     f"{counts['preferred'][level] + counts['alternative'][level]:,} |")
    ruled_out = "default, with a level word"
    lines.append(f"| (of default: a level word ruled out) | {counts['preferred'][ruled_out]:,} | "
                 f"{counts['alternative'][ruled_out]:,} | "
                 f"{counts['preferred'][ruled_out] + counts['alternative'][ruled_out]:,} |")
    total = {kind: sum(n for level, n in c.items() if level in LEVELS) for kind, c in counts.items()}
    lines.append(f"| total | {total['preferred']:,} | {total['alternative']:,} | {sum(total.values()):,} |")
    for level, labels in samples.items():
        lines.append(f"\n{level}: " + "; ".join(labels))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--esco", type=Path, default=Path(os.environ.get("ESCO_DIR") or DEFAULT_ESCO),
                        help="folder with occupations_en.csv (default: $ESCO_DIR or ../shared/data/esco)")
    parser.add_argument("--examples", type=int, default=0, help="show N example titles per level")
    args = parser.parse_args()
    if not (args.esco / "occupations_en.csv").is_file():
        print(f"no occupations_en.csv in {args.esco}: pass --esco or set ESCO_DIR", file=sys.stderr)
        return 2
    print(report(args.esco, args.examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
