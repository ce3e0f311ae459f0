"""Build the candidates demo pool (models/candidates/demo/stackoverflow_candidates.csv) from the Stack
Overflow Developer Survey 2025 sample: 1,000 real respondents mapped to the candidate schema.

    python scripts/build_candidate_demo.py [--survey DIR] [--out FILE]

DIR defaults to $STACKOVERFLOW_DIR, else ../shared/data/stackoverflow beside the repository.
Data: Stack Overflow Annual Developer Survey 2025, ODbL (the output is a derived database, also ODbL).
The mapping is documented in models/candidates/demo/README.md and docs/candidates.md.
"""

import argparse
import csv
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "models" / "candidates" / "demo" / "stackoverflow_candidates.csv"
RAISE = 1.10  # desired salary = current pay (ConvertedCompYearly) x 1.10, rounded to 1,000 USD
MAX_PAY = 1_000_000  # a current pay above this is treated as not given (survey outliers)
MAX_SKILLS = 50
COUNTRIES = {"United States of America": "United States",
             "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
             "Russian Federation": "Russia", "Viet Nam": "Vietnam", "Iran, Islamic Republic of...": "Iran",
             "Republic of Korea": "South Korea", "Republic of Moldova": "Moldova",
             "The former Yugoslav Republic of Macedonia": "North Macedonia"}
ROLES = {"Data or business analyst": "Data analyst", "Cybersecurity or InfoSec professional": "Security",
         "Developer, AI apps or physical AI": "AI apps", "Developer, embedded applications or devices": "Embedded",
         "Developer, desktop or enterprise applications": "Desktop", "Developer, game or graphics": "Game"}
EDUCATION = {"Bachelor’s degree": "Bachelor's", "Master’s degree": "Master's", "Professional degree": "Doctorate",
             "Associate degree": "Associate", "Some college/university": "Some college",
             "Secondary school": "Secondary school", "Primary/elementary school": "Primary school",
             "Other": "Other"}


def default_dir() -> Path:
    configured = os.environ.get("STACKOVERFLOW_DIR")
    return Path(configured) if configured else ROOT.parent / "shared" / "data" / "stackoverflow"


def present(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value in ("", "NA") else value


def education(value: str | None) -> str | None:
    value = present(value)
    if value is None:
        return None
    return next((short for prefix, short in EDUCATION.items() if value.startswith(prefix)), "Other")


def primary_skill(dev_type: str | None) -> str | None:
    """DevType, shortened: 'Developer, back-end' -> 'Back-end'; other roles keep their first clause."""
    value = present(dev_type)
    if value is None or value.startswith("Other"):
        return None
    if value in ROLES:
        return ROLES[value]
    if value.startswith("Developer, "):
        value = value.removeprefix("Developer, ")
    value = value.split(" or ")[0].split(" (")[0].split(",")[0].strip()
    return (value[:1].upper() + value[1:])[:100]


def skills(row: dict[str, str]) -> list[str]:
    found: list[str] = []
    for column in ("LanguageHaveWorkedWith", "DatabaseHaveWorkedWith", "PlatformHaveWorkedWith"):
        for skill in (present(row.get(column)) or "").split(";"):
            skill = skill.strip().split(" (")[0].strip()
            if skill and skill not in found and len(skill) <= 60:
                found.append(skill)
    return found[:MAX_SKILLS]


def desired_salary(row: dict[str, str]) -> int | None:
    pay = present(row.get("ConvertedCompYearly"))
    if pay is None or float(pay) > MAX_PAY:
        return None
    return round(float(pay) * RAISE / 1000.0) * 1000


def years(row: dict[str, str]) -> float | None:
    value = present(row.get("WorkExp"))
    return None if value is None else min(float(value), 70.0)


def candidate(row: dict[str, str]) -> dict[str, object]:
    country = present(row.get("Country"))
    return {"candidate_id": f"so-{row['ResponseId']}", "years_experience": years(row),
            "desired_salary": desired_salary(row), "location": COUNTRIES.get(country, country) if country else None,
            "education_level": education(row.get("EdLevel")), "primary_skill": primary_skill(row.get("DevType")),
            "skills": ";".join(skills(row))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--survey", type=Path, default=default_dir())
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    source = args.survey / "survey_results_public.csv"
    if not source.is_file():
        print(f"{source} does not exist (set STACKOVERFLOW_DIR)", file=sys.stderr)
        return 2
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = [candidate({k.lstrip("\ufeff"): v for k, v in row.items()}) for row in csv.DictReader(handle)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
    print(f"{len(rows)} candidates -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
