"""Build layers/ml/segmentation/text/data/skills.json from the ESCO skills collections.

    python scripts/build_vocabularies.py [--esco-dir DIR]

DIR defaults to $ESCO_DIR, else ../shared/data/esco relative to the repository root. Data © European Union,
ESCO (Decision 2011/833/EU); the output keeps that attribution in data/README.md.
"""

import argparse
import csv
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "layers/ml/segmentation/text/data/skills.json"
# File -> kind; a skill in both collections is "ict".
COLLECTIONS = {"ict_skills_en.csv": "ict", "transversal_skills_en.csv": "transversal"}
# Longer aliases are paraphrases that never occur verbatim in an ad, and only slow matching down.
MAX_ALIAS_WORDS = 6


def default_esco_dir() -> Path:
    configured = os.environ.get("ESCO_DIR")
    return Path(configured) if configured else ROOT.parent / "shared/data/esco"


def keep_alias(alias: str) -> bool:
    """Single-word aliases ("lead", "guide", "try", "schedule") are generic words, not skill mentions."""
    return 2 <= len(alias.split()) <= MAX_ALIAS_WORDS


def read_skills(esco_dir: Path) -> list[dict]:
    skills: dict[str, dict] = {}
    for name, kind in COLLECTIONS.items():
        with open(esco_dir / name, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                label = " ".join(row["preferredLabel"].split())
                aliases = [" ".join(a.split()) for a in row["altLabels"].split("|")]
                skill = skills.setdefault(label, {"label": label, "aliases": [], "kind": kind})
                for alias in aliases:
                    if keep_alias(alias) and alias.lower() != label.lower() and alias not in skill["aliases"]:
                        skill["aliases"].append(alias)
    return sorted(skills.values(), key=lambda s: s["label"].lower())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--esco-dir", type=Path, default=default_esco_dir())
    args = parser.parse_args()
    skills = read_skills(args.esco_dir)
    # One skill per line: compact, and diffs stay readable.
    lines = ",\n".join(json.dumps(skill, ensure_ascii=False) for skill in skills)
    OUT.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    print(f"wrote {len(skills)} skills to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
