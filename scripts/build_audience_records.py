"""Build the audience builder's record sets from the shared data (`make records`; run before test,
demo, up and bench; skipped when the artifacts are newer than their sources and this script).

Reads the R data files with `rdata` (build time only) and writes, per record set, a folder under
layers/ml/segmentation/audiences/records/ (git-ignored) that the Lambda reads with NumPy alone:
  manifest.json   name, source, licence, n, columns (name, description, kind, value labels), sha256 of files
  values.npy      float32 n x p, NaN where a record has no value
  weights.npy     float64 n (survey weights; 1.0 where the set has none)
  ids.json        the record ids (GSS panel: "<cohort>-<id>"; ZCTA: the 5-digit code)

GSS 2016-2020 panel, one row per person: each of the 5,215 respondents was first interviewed in 2016
(suffix _1a) or 2018 (_1b), and some again in 2020 (_2). A person's value for a variable is their
first-wave answer; where the first wave did not ask it (or the answer is missing), their 2020 answer.
Their weight is the first wave's `wtssall` (the GSS post-stratification weight of that cross-section),
normalised to mean 1 over the panel. Columns are the GSS mnemonics (the catalog's `columns.panel`),
decoded with the value labels of gss_doc.rda; a variable is kept when at least MIN_ANSWERED people
answered it. Categorical when it has at most 15 distinct values, all labelled; numeric otherwise.

ZCTAs: the 8 ACS 2013 columns of df_zip_demographics, one row per ZIP code tabulation area, weight 1
(population is a column, not a weight: an area is the record).
"""

import argparse
import hashlib
import json
import os
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "layers" / "ml" / "segmentation" / "audiences" / "records"
MIN_ANSWERED = 500
GSS_CITATION = ("Davern, Michael; Bautista, Rene; Freese, Jeremy; Herd, Pamela; and Morgan, Stephen L.; "
                "General Social Survey 1972-2024 and 2016-2020 Panel. NORC at the University of Chicago, "
                "gssdataexplorer.norc.org. Data via the R packages gssr and gssrdoc by Kieran Healy (MIT).")


def shared_dir() -> Path:
    if env := os.environ.get("SHARED_DIR"):
        return Path(env)
    sibling = ROOT.parent / "shared"
    return sibling if sibling.exists() else Path("/work/shared")


def read_rda(path: Path):
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return next(iter(rdata.read_rda(str(path)).values()))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_labels(text: str) -> dict[str, str]:
    """'[NA(d)] don't know / [1] strong democrat / [2] ...' -> {"1": "strong democrat", ...} (codes only)."""
    labels = {}
    for part in str(text or "").split(" / "):
        match = re.match(r"\s*\[(-?\d+(?:\.\d+)?)\]\s*(.+)", part)
        if match:
            code = match.group(1)
            labels[str(int(float(code))) if float(code).is_integer() else code] = match.group(2).strip()
    return labels


def write_set(name: str, values: np.ndarray, weights: np.ndarray, ids: list[str], columns: list[dict],
              source: dict) -> None:
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "values.npy", values.astype(np.float32))
    np.save(folder / "weights.npy", weights.astype(np.float64))
    (folder / "ids.json").write_text(json.dumps(ids))
    manifest = {"name": name, "n": len(ids), "columns": columns, "source": source,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "files": {f: sha256(folder / f) for f in ("values.npy", "weights.npy", "ids.json", "typology.npy",
                                                          "typology.json") if (folder / f).exists()}}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print(f"  {name}: {len(ids)} records x {len(columns)} columns -> {folder.relative_to(ROOT)}")


def build_panel(shared: Path) -> None:
    panel = read_rda(shared / "gss" / "gss_panel20.rda")
    doc = read_rda(shared / "gss" / "gss_doc.rda")
    docs = {str(r.variable): r for r in doc.itertuples()}
    cohort = panel["samptype"].to_numpy()
    first = np.where(cohort == 2016, "1a", "1b")
    n = len(panel)
    bases = sorted({c.rsplit("_", 1)[0] for c in panel.columns if re.search(r"_(1a|1b|2)$", str(c))})
    skip = {"id", "year", "vstrat", "vpsu", "wtssall", "wtssnr", "wtss", "formwt", "knwtcher"}
    columns, data = [], []
    for base in bases:
        if base in skip:
            continue
        waves = {w: panel.get(f"{base}_{w}") for w in ("1a", "1b", "2")}
        try:
            arrays = {w: (np.full(n, np.nan) if s is None else np.asarray(s, dtype=np.float64))
                      for w, s in waves.items()}
        except (TypeError, ValueError):
            continue  # a text column (verbatim answers): not a variable to segment on
        value = np.where(first == "1a", arrays["1a"], arrays["1b"])
        value = np.where(np.isnan(value), arrays["2"], value)
        answered = int(np.isfinite(value).sum())
        if answered < MIN_ANSWERED:
            continue
        entry = docs.get(base)
        labels = parse_labels(entry.value_labels) if entry is not None else {}
        distinct = np.unique(value[np.isfinite(value)])
        labelled = all(str(int(v)) in labels for v in distinct if float(v).is_integer())
        categorical = len(distinct) <= 15 and labelled and all(float(v).is_integer() for v in distinct)
        used = {str(int(v)) for v in distinct} if categorical else set()
        columns.append({"name": base, "code": f"gss.{base}",
                        "description": str(entry.description) if entry is not None else base,
                        "kind": "categorical" if categorical else "numeric", "answered": answered,
                        "labels": {k: v for k, v in labels.items() if not categorical or k in used}})
        data.append(value)
    values = np.column_stack(data)
    weight = np.where(first == "1a", panel["wtssall_1a"].to_numpy(float), panel["wtssall_1b"].to_numpy(float))
    weight = np.where(np.isfinite(weight) & (weight > 0), weight, np.nanmedian(weight))
    weight = weight / weight.mean()
    ids = [f"{int(c)}-{int(i)}" for c, i in zip(cohort, np.where(first == "1a", panel["id_1a"], panel["id_1b"]))]
    write_set("panel", values, weight, ids, columns, {
        "title": "GSS 2016-2020 panel (one row per person: first-wave answers, 2020 answers where the first wave "
                 "has none; first-wave wtssall weights normalised to mean 1)",
        "files": ["gss/gss_panel20.rda", "gss/gss_doc.rda"], "licence": "GSS data: free for research and "
        "commercial use with citation; gssr/gssrdoc package code MIT", "citation": GSS_CITATION})


ZCTA_COLUMNS = {"total_population": "Total population", "percent_white": "Percent white (non-Hispanic)",
                "percent_black": "Percent Black or African American", "percent_asian": "Percent Asian",
                "percent_hispanic": "Percent Hispanic or Latino", "per_capita_income": "Per capita income (USD)",
                "median_rent": "Median gross rent (USD)", "median_age": "Median age (years)"}


ZCTA_CLASSES = 12


def zcta_typology(values: np.ndarray, columns: list[dict]) -> tuple[np.ndarray, dict]:
    """Geodemographic classes of the populated ZCTAs: the size-constrained K-medians (issue 13) with
    ZCTA_CLASSES classes of 5-12% of the areas each, on log population, log income, log rent, median age
    and the four percentages; seed 0. Areas with no population or a missing value are unclassified (-1).
    Each class is named and portrayed from its index scores (segmentation.audiences.profiling)."""
    sys.path.insert(0, str(ROOT / "layers" / "ml"))
    from segmentation.audiences import profiling
    from segmentation.clustering.constrained import SizeConstrainedClustering
    from segmentation.clustering.features import encode_mixed

    names = [c["name"] for c in columns]
    ok = np.isfinite(values).all(axis=1) & (values[:, names.index("total_population")] > 0)
    logged = {"total_population", "per_capita_income", "median_rent"}
    table = {n: (np.log1p(values[ok, j]) if n in logged else values[ok, j]).tolist() for j, n in enumerate(names)}
    rows = [dict(zip(names, r)) for r in zip(*table.values())]
    matrix = encode_mixed(rows, numeric=names).matrix
    model = SizeConstrainedClustering(ZCTA_CLASSES, min_size=0.05, max_size=0.12, metric="l1", random_state=0,
                                      n_init=1).fit(matrix)
    labels = np.full(len(values), -1, dtype=np.int16)
    labels[ok] = model.labels_
    ranked = []
    for g in range(ZCTA_CLASSES):
        top, _ = profiling.traits(values[ok], np.ones(int(ok.sum())), columns, model.labels_ == g)
        ranked.append(top)
    class_names = profiling.name_segments(ranked)
    classes = {}
    for g, (name, top) in enumerate(zip(class_names, ranked)):
        members = labels == g
        share = float(members.sum() / ok.sum())
        population = float(values[members, names.index("total_population")].sum())
        portrait = (f"{name}: {members.sum():,} ZIP areas ({share:.1%} of populated ZCTAs), "
                    f"{population / 1e6:.1f} million people. Stands out for "
                    + "; ".join(f"{t['label'].lower()} (index {t['index']})" for t in top[:3]) + ".")
        classes[f"Z{g + 1:02d}"] = {"code": f"Z{g + 1:02d}", "name": name, "areas": int(members.sum()),
                                    "share": round(share, 4), "population": int(population),
                                    "indexes": {t["label"]: t["index"] for t in top}, "pen_portrait": portrait}
    return labels, {"method": zcta_typology.__doc__.split("\n\n")[0].strip(), "objective": float(model.objective_),
                    "classes": classes}


def build_zcta(shared: Path) -> None:
    frame = read_rda(shared / "zcta" / "df_zip_demographics.rdata")
    values = np.column_stack([frame[c].to_numpy(dtype=np.float64) for c in ZCTA_COLUMNS])
    columns = [{"name": c, "code": c, "description": d, "kind": "numeric", "labels": {},
                "answered": int(np.isfinite(values[:, i]).sum())} for i, (c, d) in enumerate(ZCTA_COLUMNS.items())]
    labels, typology = zcta_typology(values, columns)
    folder = OUT / "zcta"
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "typology.npy", labels)
    (folder / "typology.json").write_text(json.dumps(typology, indent=1))
    print(f"  zcta typology: {len(typology['classes'])} classes: "
          + ", ".join(c["name"] for c in typology["classes"].values()))
    write_set("zcta", values, np.ones(len(frame)), [str(r) for r in frame["region"]], columns, {
        "title": "US ZIP code tabulation areas, ACS 2013 5-year estimates (choroplethrZip df_zip_demographics)",
        "files": ["zcta/df_zip_demographics.rdata"], "licence": "Census data public domain; choroplethrZip MIT "
        "(Ari Lamstein)"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["panel", "zcta"])
    args = parser.parse_args()
    shared = shared_dir() / "data"
    if not shared.exists():
        print(f"shared data not found at {shared} (set SHARED_DIR)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    if args.only in (None, "panel"):
        build_panel(shared)
    if args.only in (None, "zcta"):
        build_zcta(shared)
    print(f"record sets built in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
