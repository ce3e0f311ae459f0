"""Build the USAJOBS job-ad corpus (models/corpus/usajobs_ads.jsonl) from the December 2017 announcements.

    python scripts/build_usajobs_corpus.py [--source FILE] [--out FILE] [--words N] [--per-family N]

FILE defaults to $USAJOBS_FILE, else $SHARED_DIR/data/usajobs/usajobs_2017.jsonl.gz, where SHARED_DIR defaults
to ../shared beside the repository if it exists, else /work/shared. USAJOBS announcements are works of the
US federal government (public domain in the US, 17 USC 105); see models/corpus/README.md.

The federal boilerplate rule (documented in docs/text-segmentation.md), applied to the sentences of each ad's
summary and qualifications (split after ". ", "! ", "? ", at bullets, and where a sentence runs into the next
without a space, "vacancy.This"):

1. A sentence that occurs verbatim (case and spacing folded) in at least MIN_REPEATS announcements is
   boilerplate, unless at least half of the announcements carrying it share a word of their cleaned title
   (then it describes the occupation, e.g. the nursing grade requirements, and is kept). Cleaned: without
   grade codes and hiring phrases, so that "Direct Hire Authority" in 495 Air Force titles does not keep
   the Air Force mission statement.
2. A sentence matching BOILERPLATE_PATTERNS (hiring authorities, veterans' preference, citizenship, "click
   here", how to apply) is boilerplate wherever it occurs.

What is left (title, then summary and qualifications) is cut to the first N words (default WORDS),
announcements whose text is then identical to an earlier one's are dropped, as are those with fewer than
MIN_WORDS words left. The ads of the labelled evaluation set (benchmarks/data/usajobs_eval.jsonl, `--exclude`)
are left out, so the benchmark scores ads the model never saw.

Occupational balance: the 2017 mix is skewed (VA health care and military maintenance dominate: 398 nurse
and 323 physician ads against 21 motor vehicle operators), so at most PER_FAMILY ads (default 20, about the
number of driver, custodian or attorney ads) are kept per title family: the title's role noun as the cluster
names use it (segmentation.text.profiles._heads: "Registered Nurse" and "Clinical Nurse" -> nurse), or its
two-word role where the noun names no field ("IT Specialist" -> it specialist, "Police Officer" -> police
officer), or the whole title where it has no role noun. Within a family the ads kept are the first by sha256
of their id (deterministic, independent of file order).
"""

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIN_REPEATS = 20
MIN_WORDS = 15
WORDS = 180  # about 250 word pieces: what the encoder reads at the default token cap (256)
PER_FAMILY = 20
TITLE_STOP = frozenset({"and", "of", "the", "for", "in", "a", "an", "supervisory", "lead", "senior", "gs", "wg",
                        "na", "ws", "intern", "de", "cr", "general", "specialist", "assistant", "technician"})
BOILERPLATE_PATTERNS = re.compile(
    r"veteran|preference|hiring authority|direct hir|excepted service|public notice|announcement|click here|"
    r"this link|\bi?ctap\b|\bvra\b|schedule a\b|citizens?hip|who may apply|apply online|your application|"
    r"application package|submit|resume|transcript|\bopm\b|equal opportunity|selective service|"
    r"background investigation|drug test|relocation|probationary|pay will vary|time[- ]in[- ]grade|"
    r"national service|volunteer|peace corps|human resources office|incentive|e-verify|will be considered|"
    r"eligib|qualifying experience|credit for|you must meet|in order to qualify|substitut|applications?\b|"
    r"cut-off|closing date|financial (?:interest|disclosure)|ethics|age requirement|semester hours|"
    r"quarter hours|accredit|title 32|title 38|position description|this position is located|"
    r"foreign (?:education|qualifications)|may be filled|additional selections|\bu\.s\.c\.",
    re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[a-z][.!?])(?=[A-Z])|\s*\u2022\s*|\s*\u00b7\s*")
_GRADE = re.compile(r"[,(\s-]*\b(?:[A-Z]{2}-\d{4}[\d/\-]*|GS|WG|WS|WL|NA|NF|NL|GG|AD|CG|VN|AD|NH|NT|GL|WT|KA|ZA|YA|FV|SV|IR|ES)"
                    r"[-\s]?\d[\d/\-\s]*(?:\([^)]*\))?\)?", re.IGNORECASE)
_ACRONYMS = frozenset({"IT", "HR", "RN", "LPN", "TSO", "HVAC", "EMS", "EMT", "AV", "FMS", "IV", "II", "III",
                       "ICU", "OR", "ER", "CNA", "VA", "US", "DOD", "GIS", "QA", "NCO", "PA"})


def shared_dir() -> Path:
    configured = os.environ.get("SHARED_DIR")
    if configured:
        return Path(configured)
    beside = ROOT.parent / "shared"
    return beside if beside.is_dir() else Path("/work/shared")


def default_source() -> Path:
    configured = os.environ.get("USAJOBS_FILE")
    return Path(configured) if configured else shared_dir() / "data" / "usajobs" / "usajobs_2017.jsonl.gz"


def sentences(text: str | None) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text or "") if s and s.strip()]


def _fold(sentence: str) -> str:
    return " ".join(sentence.lower().split())


_HIRING = re.compile(r"\s*[-\u2013(,/]*\s*\b(?:direct[- ]hire(?: authority)?|dha|recent graduates?|general availability|"
                     r"open continuous(?: announcement)?|open until filled|multiple (?:locations|vacancies)|"
                     r"nte\b[^,)]*|temporary|term|part[- ]time|full[- ]time|intermittent|seasonal|"
                     r"re-?announcement|re-?advertisement|amended|extended)\b\)?", re.IGNORECASE)
_EXPAND = ((re.compile(r"\bRN\b"), "Registered Nurse"), (re.compile(r"\bLPN\b"), "Licensed Practical Nurse"))


def clean_title(title: str) -> str:
    """"MOTOR VEHICLE OPERATOR WG-5703-06 - Direct Hire Authority" -> "Motor Vehicle Operator"; acronyms (IT)
    stay upper case, RN and LPN are spelled out."""
    title = _HIRING.sub(" ", _GRADE.sub(" ", title))
    for pattern, words in _EXPAND:
        title = pattern.sub(words, title)
    title = re.sub(r"\((?:DE|CR|DE/CR|MP|MPP|ST|T32|T5|DHA)[^)]*\)", " ", title, flags=re.IGNORECASE)
    title = " ".join(title.replace("( )", " ").split()).strip(" -,/")
    if title.isupper() or title.islower():
        title = " ".join(w if w.strip("()/,") in _ACRONYMS else w.capitalize() for w in title.split())
    return title


def _title_words(title: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", title.lower()) if w not in TITLE_STOP and len(w) > 2}


def boilerplate(records: list[dict]) -> set[str]:
    """Folded sentences that rule 1 marks as boilerplate."""
    carriers: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for sentence in {_fold(s) for f in ("summary", "qualifications") for s in sentences(record.get(f))}:
            carriers.setdefault(sentence, []).append(index)
    marked = set()
    for sentence, owners in carriers.items():
        if len(owners) < MIN_REPEATS:
            continue
        words = Counter(w for i in owners for w in _title_words(clean_title(records[i]["title"])))
        if not words or words.most_common(1)[0][1] * 2 < len(owners):
            marked.add(sentence)
    return marked


def strip_boilerplate(record: dict, marked: set[str], stats: Counter | None = None) -> str:
    """The summary and qualifications without the boilerplate sentences (rules 1 and 2)."""
    kept = []
    for field in ("summary", "qualifications"):
        for sentence in sentences(record.get(field)):
            if _fold(sentence) in marked:
                reason = "repeated"
            elif BOILERPLATE_PATTERNS.search(sentence):
                reason = "pattern"
            else:
                kept.append(sentence)
                continue
            if stats is not None:
                stats[reason] += 1
    return " ".join(" ".join(kept).split())


def title_family(title: str) -> str:
    """The family an ad's (cleaned) title belongs to, for the per-family cap (module docstring)."""
    from segmentation.text.profiles import GENERIC_ROLES, _heads

    heads = [head.lower() for head in _heads(title)]
    if not heads:
        return " ".join(title.lower().split())
    return heads[1] if heads[0] in GENERIC_ROLES and len(heads) > 1 else heads[0]


def cap_families(corpus: list[dict], per_family: int | None) -> tuple[list[dict], int]:
    """At most `per_family` ads per title family (the first by sha256 of their id), in corpus order."""
    if not per_family:
        return corpus, 0
    by_family: dict[str, list[dict]] = {}
    for item in corpus:
        by_family.setdefault(title_family(item["title"]), []).append(item)
    kept = {item["id"] for members in by_family.values()
            for item in sorted(members, key=lambda m: hashlib.sha256(m["id"].encode()).hexdigest())[:per_family]}
    return [item for item in corpus if item["id"] in kept], len(corpus) - len(kept)


def build(records: list[dict], words: int, exclude: frozenset[str] = frozenset(),
          per_family: int | None = PER_FAMILY) -> tuple[list[dict], dict]:
    marked = boilerplate(records)

    def key(record: dict) -> tuple[str, str]:
        return clean_title(record["title"]).lower(), " ".join(strip_boilerplate(record, marked).split()[:words]).lower()

    corpus, stats, ids = [], Counter(), set()
    seen = {key(r) for r in records if f"usajobs-{r['id']}" in exclude}  # and their copies under other ids
    for record in records:
        if f"usajobs-{record['id']}" in exclude:
            stats["excluded"] += 1
            continue
        text = " ".join(strip_boilerplate(record, marked, stats).split()[:words])
        if len(text.split()) < MIN_WORDS:
            stats["too_short"] += 1
            continue
        title = clean_title(record["title"])
        if (title.lower(), text.lower()) in seen:
            stats["duplicate"] += 1
            continue
        seen.add((title.lower(), text.lower()))
        doc_id = f"usajobs-{record['id']}"
        if doc_id in ids:  # a PositionID can carry several announcements (different URIs)
            doc_id += f"-{sum(1 for i in ids if i.startswith(doc_id))+1}"
        ids.add(doc_id)
        corpus.append({"id": doc_id, "title": title, "text": text})
    corpus, stats["over_family_cap"] = cap_families(corpus, per_family)
    stats["kept"] = len(corpus)
    return corpus, dict(stats)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=default_source())
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "corpus" / "usajobs_ads.jsonl")
    parser.add_argument("--words", type=int, default=WORDS)
    parser.add_argument("--per-family", type=int, default=PER_FAMILY,
                        help="ads kept per title family (default %(default)s; 0: no cap)")
    parser.add_argument("--exclude", type=Path, default=ROOT / "benchmarks" / "data" / "usajobs_eval.jsonl",
                        help="JSON Lines whose ids are left out (default: the labelled evaluation set)")
    args = parser.parse_args(argv)
    try:
        with gzip.open(args.source, "rt", encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        print(f"build_usajobs_corpus: {args.source} does not exist (set USAJOBS_FILE or SHARED_DIR)", file=sys.stderr)
        return 2
    exclude = frozenset(json.loads(line)["id"] for line in args.exclude.read_text(encoding="utf-8").splitlines()
                        if line.strip()) if args.exclude.is_file() else frozenset()
    corpus, stats = build(records, args.words, exclude, args.per_family)
    with open(args.out, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in corpus)
    print(f"{len(records)} announcements -> {len(corpus)} ads in {args.out}; sentences dropped: "
          f"{stats.get('repeated', 0)} repeated, {stats.get('pattern', 0)} by pattern; ads dropped: "
          f"{stats.get('duplicate', 0)} duplicates, {stats.get('too_short', 0)} too short, "
          f"{stats.get('excluded', 0)} in the evaluation set, {stats.get('over_family_cap', 0)} over the cap of "
          f"{args.per_family} per title family")
    return 0


if __name__ == "__main__":
    sys.exit(main())
