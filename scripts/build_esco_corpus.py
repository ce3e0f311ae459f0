"""Build the ESCO training corpus that ships in models/corpus/ from the ESCO CSV export.

    python scripts/build_esco_corpus.py [--esco-dir DIR] [--out PATH]

Each occupation becomes {"id", "title", "text", "label"}: the ESCO description as text, the preferred
label as title, and the ISCO-08 major group (first digit of iscoGroup) as label.
Data: (c) European Union, ESCO - reused with attribution (Decision 2011/833/EU).
"""

import argparse
import csv
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ESCO_DIR = Path(os.environ.get("ESCO_DIR", ROOT.parent / "shared" / "data" / "esco"))


def build(esco_dir: Path) -> list[dict[str, str]]:
    with open(esco_dir / "occupations_en.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    documents = []
    for row in sorted(rows, key=lambda r: r["conceptUri"]):
        description = " ".join(row["description"].split())
        if not description or not row["iscoGroup"]:
            continue
        documents.append({"id": row["conceptUri"].rsplit("/", 1)[-1], "title": row["preferredLabel"],
                          "text": description, "label": row["iscoGroup"][0]})
    return documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--esco-dir", type=Path, default=DEFAULT_ESCO_DIR)
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "corpus" / "esco_occupations.jsonl")
    args = parser.parse_args()
    documents = build(args.esco_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(document, ensure_ascii=False) + "\n" for document in documents)
    print(f"wrote {len(documents)} documents to {args.out}")


if __name__ == "__main__":
    main()
