"""Build the labelled evaluation set of real job ads (benchmarks/data/usajobs_eval.jsonl).

    python benchmarks/build_ad_eval_set.py [--source FILE]

FILE as for scripts/build_usajobs_corpus.py ($USAJOBS_FILE, else $SHARED_DIR/data/usajobs/usajobs_2017.jsonl.gz).

How each label is decided: an announcement is a candidate for an occupation when its title matches that
occupation's `title` pattern below and not its `not` pattern (e.g. "Physician" but not "Physician
Assistant"; "Teacher" but not "Flight Instructor"). Candidates are taken in PositionID order, one per distinct
title first, then further ones, PER_OCCUPATION per occupation, skipping texts already taken. Every picked
ad's title and opening text were then read to check that the ad is for that occupation (the patterns were
tightened until none was wrong). These ads are excluded from the training corpus
(scripts/build_usajobs_corpus.py reads this file), so the evaluation is on ads the model never saw.

`text` is the announcement as a user would paste it: summary then qualifications, federal boilerplate and all;
`text_stripped` is the same with the corpus's boilerplate rule applied (what a private-sector ad reads like).
"""

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from build_usajobs_corpus import boilerplate, clean_title, default_source, strip_boilerplate

OUT = ROOT / "benchmarks" / "data" / "usajobs_eval.jsonl"
PER_OCCUPATION = 5
OCCUPATIONS = {
    "Registered nurse": {"title": r"^(registered nurse|clinical nurse|staff nurse|nurse \(|nurse$)"},
    "Truck / vehicle driver": {"title": r"^motor vehicle operator|truck driver|bus driver", "not": r"attendant"},
    "School teacher": {"title": r"^teacher|school teacher|teacher \(|elementary|^substitute teacher",
                       "not": r"flight|instructional systems"},
    "IT specialist": {"title": r"^(it specialist|information technology specialist|lead it specialist)"},
    "Accountant": {"title": r"^(accountant|staff accountant|supervisory accountant)|^auditor"},
    "Electrician": {"title": r"^(electrician|high voltage electrician)"},
    "Cook / food service": {"title": r"^cook\b|food service worker"},
    "Materials handler / warehouse": {"title": r"materials handler|^store worker|warehouse"},
    "Contact representative / customer service": {"title": r"contact representative|customer service rep"},
    "Police officer": {"title": r"^police officer|^supervisory police officer"},
    "Attorney": {"title": r"attorney", "not": r"counsel(or|ing)|legal assistant|paralegal"},
    "Pharmacist": {"title": r"^(pharmacist|clinical pharmacist)"},
    "Physician": {"title": r"^physician|^psychiatrist", "not": r"assistant"},
    "Civil / mechanical / electrical engineer": {"title": r"^(civil|mechanical|electrical|general) engineer"},
    "Firefighter": {"title": r"firefighter"},
    "Custodial worker": {"title": r"custodial worker|^housekeeping aid|^janitor"},
    "Human resources specialist": {"title": r"^human resources specialist|^hr specialist"},
    "Aircraft mechanic": {"title": r"^aircraft (engine )?mechanic"},
    "Social worker": {"title": r"social worker"},
    "Budget analyst": {"title": r"^budget analyst|^supervisory budget analyst"},
}


def pick(records: list[dict]) -> list[dict]:
    marked = boilerplate(records)
    chosen, texts = [], set()
    for occupation, rule in OCCUPATIONS.items():
        candidates = sorted((r for r in records if re.search(rule["title"], r["title"].lower())
                             and not (rule.get("not") and re.search(rule["not"], r["title"].lower()))),
                            key=lambda r: r["id"])
        seen_titles, first, rest = set(), [], []
        for record in candidates:
            title = clean_title(record["title"]).lower()
            (rest if title in seen_titles else first).append(record)
            seen_titles.add(title)
        taken = 0
        for record in first + rest:
            text = " ".join(f"{record.get('summary') or ''} {record.get('qualifications') or ''}".split())
            if taken == PER_OCCUPATION or text in texts or len(text.split()) < 40:
                continue
            texts.add(text)
            chosen.append({"id": f"usajobs-{record['id']}", "occupation": occupation,
                           "title": clean_title(record["title"]), "text": text,
                           "text_stripped": strip_boilerplate(record, marked)})
            taken += 1
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=default_source())
    args = parser.parse_args(argv)
    with gzip.open(args.source, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    chosen = pick(records)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in chosen), encoding="utf-8")
    print(f"{len(chosen)} ads over {len({c['occupation'] for c in chosen})} occupations -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
