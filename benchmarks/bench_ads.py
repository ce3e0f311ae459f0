"""Job-ad segmentation quality on real ads, old vs new default model in the same run (issue 15).

For each model: how many of the labelled real ads (benchmarks/data/usajobs_eval.jsonl, 100 USAJOBS ads over
20 occupations, never in the training corpus; benchmarks/build_ad_eval_set.py says how each label was
decided) land in a cluster whose profile fits the occupation; the confidence on real ads vs ESCO
descriptions vs off-domain text (ROC AUC of the confidence separating ads from off-domain text); the share
of real ads that get cluster targeting (confidence >= 0.25); NMI/AMI of the ESCO occupations' clusters
against their ISCO major groups.

The old model is the default before issue 15, read from git history (OLD_MODEL_COMMIT), so nothing extra
is shipped for the comparison; so is the first ESCO + USAJOBS model (FIRST_MODEL_COMMIT: unbalanced corpus,
token cap 128, k=18), to show what the occupational balance and the token cap changed.

A cluster fits an occupation when its profile name matches the occupation's `name` pattern below AND its
industry is one of the occupation's `industries` (what a recruiter sees: "Nurses & clinical care",
HEALTHCARE); the two halves are also reported alone.
"""

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks.common import ROOT

EVAL_SET = ROOT / "benchmarks" / "data" / "usajobs_eval.jsonl"
ESCO = ROOT / "models" / "corpus" / "esco_occupations.jsonl"
NEW_MODEL = ROOT / "models" / "text" / "default"
OLD_MODEL_COMMIT = "de1554b"  # models/text/default as shipped before issue 15 (ESCO only, k=10)
FIRST_MODEL_COMMIT = "45babc2"  # the first ESCO + USAJOBS default (5,189 ads unbalanced, cap 128, k=18)
THRESHOLD = 0.25
HEALTH = {"HEALTHCARE"}
FIT = {
    "Registered nurse": (r"nurs|clinical|health|medical|patient", HEALTH),
    "Truck / vehicle driver": (r"driv|vehicle|transport|logistic|operator", {"TRANSPORT_LOGISTICS"}),
    "School teacher": (r"teach|educat|school|tutor|instruct", {"EDUCATION"}),
    "IT specialist": (r"\bit\b|information technology|software|network|system|cyber|data|comput",
                      {"TECH_SOFTWARE_DEV", "TECH_DATA_AI", "TECH_IT_INFRASTRUCTURE"}),
    "Accountant": (r"account|audit|financ|budget", {"BIZ_FINANCE_ACCOUNTING"}),
    "Electrician": (r"electric|trade|maintenance|mechanic|repair", {"CONSTRUCTION_TRADES", "ENERGY_UTILITIES"}),
    "Cook / food service": (r"cook|food|chef|kitchen|catering|hospitality", {"HOSPITALITY_FOOD"}),
    "Materials handler / warehouse": (r"material|warehouse|supply|logistic|store|inventory",
                                      {"TRANSPORT_LOGISTICS", "RETAIL"}),
    "Contact representative / customer service": (r"customer|contact|call cent|service rep|clerk|support",
                                                  {"CUSTOMER_SUPPORT", "BIZ_ADMIN_OFFICE"}),
    "Police officer": (r"police|security|law enforcement|guard|correction", {"SECURITY_DEFENCE"}),
    "Attorney": (r"attorney|lawyer|legal|counsel|\blaw\b", {"LEGAL_PUBLIC_SECTOR"}),
    "Pharmacist": (r"pharm|clinical|health|medical|patient", HEALTH),
    "Physician": (r"physician|doctor|medical|clinical|health|psychiat|patient", HEALTH),
    "Civil / mechanical / electrical engineer": (r"engineer", {"SCIENCE_ENGINEERING"}),
    "Firefighter": (r"fire|forestry|range|emergency", {"SECURITY_DEFENCE", "AGRICULTURE_ENVIRONMENT"}),
    "Custodial worker": (r"custod|clean|housekeep|janitor", {"PERSONAL_SERVICES"}),
    "Human resources specialist": (r"human resources|\bhr\b|recruit|personnel", {"HR_RECRUITING"}),
    "Aircraft mechanic": (r"mechanic|aircraft|repair|maintenance",
                          {"MANUFACTURING_PRODUCTION", "CONSTRUCTION_TRADES", "TRANSPORT_LOGISTICS",
                           "SCIENCE_ENGINEERING"}),
    "Social worker": (r"social|case manag|counsel|psycholog", HEALTH),
    "Budget analyst": (r"budget|financ|account|analyst", {"BIZ_FINANCE_ACCOUNTING"}),
}
# Off-domain text: the opening paragraph of standard-library module docstrings (real prose, not job ads).
OFF_DOMAIN_MODULES = (
    "abc", "argparse", "ast", "asyncio", "base64", "bisect", "calendar", "cmd", "codecs", "collections",
    "colorsys", "contextlib", "copy", "csv", "dataclasses", "datetime", "decimal", "difflib", "dis", "email",
    "enum", "filecmp", "fnmatch", "fractions", "functools", "getopt", "gettext", "glob", "graphlib", "gzip",
    "hashlib", "heapq", "hmac", "html", "imaplib", "inspect", "ipaddress", "json", "keyword", "linecache",
    "locale", "logging", "lzma", "mailbox", "mimetypes", "numbers", "operator", "optparse", "pathlib", "pdb",
    "pickle", "pkgutil", "platform", "plistlib", "poplib", "pprint", "profile", "pydoc", "queue", "quopri",
    "random", "re", "reprlib", "sched", "secrets", "selectors", "shelve", "shlex", "shutil", "smtplib",
    "socket", "socketserver", "statistics", "string", "struct", "subprocess", "tarfile", "tempfile",
    "textwrap", "threading", "timeit", "tokenize", "trace", "traceback", "types", "typing", "uuid",
    "warnings", "wave", "weakref", "zipfile")


def eval_ads() -> list[dict]:
    return [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def ad_text(ad: dict, stripped: bool) -> str:
    """The ad as posted (title, then the announcement), or with the corpus's federal-boilerplate rule applied."""
    return f"{ad['title']}. {ad['text_stripped'] if stripped else ad['text']}"


def off_domain_texts() -> list[str]:
    import importlib

    texts = []
    for name in OFF_DOMAIN_MODULES:
        doc = (importlib.import_module(name).__doc__ or "").strip()
        words = " ".join(doc.split()).split()
        if len(words) >= 12:
            texts.append(" ".join(words[:150]))
    return texts


def old_model_dir(target: Path, commit: str = OLD_MODEL_COMMIT) -> Path:
    """The default model as of `commit` (the pre-issue-15 one by default), written out of git history."""
    listing = subprocess.run(["git", "ls-tree", "--name-only", f"{commit}:models/text/default"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    target.mkdir(parents=True, exist_ok=True)
    for name in listing:
        data = subprocess.run(["git", "show", f"{commit}:models/text/default/{name}"], cwd=ROOT,
                              capture_output=True, check=True).stdout
        (target / name).write_bytes(data)
    return target


def fits(profile: dict, occupation: str) -> tuple[bool, bool]:
    pattern, industries = FIT[occupation]
    return (bool(re.search(pattern, profile["name"], re.IGNORECASE)),
            (profile.get("industry") or {}).get("code") in industries)


def auc(positive: list[float], negative: list[float]) -> float:
    """ROC AUC: the chance that a positive scores above a negative (ties count half)."""
    p, n = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return float(np.mean((p > n) + 0.5 * (p == n)))


def quartiles(values: list[float]) -> str:
    q = np.quantile(values, [0.25, 0.5, 0.75])
    return f"median {q[1]:.2f} (IQR {q[0]:.2f}-{q[2]:.2f})"


def training_embedder():
    """The training-time embedder (ONNX in serving precision, int8; the default token cap), cached by text in .cache/embeddings
    (git-ignored): the ESCO corpus is embedded once per machine, not once per model and run."""
    from segmentation.text.embedders import cached_embedder, embedding_cache_key, onnx_embedder
    from segmentation.text.training import TrainingParams

    cap = TrainingParams.max_tokens
    return cached_embedder(onnx_embedder(max_tokens=cap), ROOT / ".cache" / "embeddings", embedding_cache_key("onnx", cap))


def evaluate_model(model, encoder, ads: list[dict], esco: tuple[list, Callable], off_domain: list[str]) -> dict:
    """Real ads and off-domain text through the serving path (Segmenter, int8); the ESCO descriptions (with the
    training-time embedder) by the model's assignment of their vectors (ESCO descriptions are shorter than the cap)."""
    from segmentation.text.serving import Segmenter
    from segmentation.text.training import document_text
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    segmenter = Segmenter(model, encoder, THRESHOLD)
    result = {"k": len(model.profiles)}
    for variant, stripped in (("stripped", True), ("as posted", False)):
        answers = segmenter.segment([ad_text(ad, stripped) for ad in ads])
        by_name = by_industry = both = 0
        for ad, answer in zip(ads, answers):
            name_fits, industry_fits = fits(model.profiles[answer["assigned_cluster_id"]], ad["occupation"])
            by_name += name_fits
            by_industry += industry_fits
            both += name_fits and industry_fits
        confidence = [a["cluster_assignment_confidence"] for a in answers]
        result[variant] = {"fit": both, "fit_name": by_name, "fit_industry": by_industry, "confidence": confidence,
                           "targeted": float(np.mean([c >= THRESHOLD for c in confidence])),
                           "clusters": [a["cluster_profile_name"] for a in answers]}
    documents, embed = esco
    texts = [document_text(d) for d in documents]
    assignment = model.assign(model.vectors(texts, embed), texts)
    result["esco_confidence"] = assignment.confidence[::10].tolist()
    result["off_confidence"] = [a["cluster_assignment_confidence"] for a in segmenter.segment(off_domain)]
    labels = [d.label for d in documents]
    result["esco_nmi"] = float(normalized_mutual_info_score(labels, assignment.cluster_ids))
    result["esco_ami"] = float(adjusted_mutual_info_score(labels, assignment.cluster_ids))
    return result


def rows_for(name: str, r: dict, ads: int) -> list[tuple[str, str, str]]:
    s, p = r["stripped"], r["as posted"]
    return [
        (f"{name}: real ads (boilerplate rule applied) in a fitting cluster, name and industry",
         f"{s['fit']}/{ads} (name fits {s['fit_name']}, industry fits {s['fit_industry']})", "new > old"),
        (f"{name}: real ads as posted (federal boilerplate kept) in a fitting cluster",
         f"{p['fit']}/{ads} (name {p['fit_name']}, industry {p['fit_industry']})", "new > old"),
        (f"{name}: confidence on real ads / ESCO descriptions / off-domain text",
         f"{quartiles(s['confidence'])} / {quartiles(r['esco_confidence'])} / {quartiles(r['off_confidence'])}",
         "-"),
        (f"{name}: ROC AUC of confidence, real ads vs off-domain text (stripped; as posted)",
         f"{auc(s['confidence'], r['off_confidence']):.3f}; {auc(p['confidence'], r['off_confidence']):.3f}",
         ">= 0.85"),
        (f"{name}: real ads getting cluster targeting (confidence >= {THRESHOLD}) (stripped; as posted)",
         f"{s['targeted']:.0%}; {p['targeted']:.0%}", "new > old"),
        (f"{name}: ESCO NMI / AMI vs ISCO major groups at its k={r['k']} (all 2,942 descriptions)",
         f"{r['esco_nmi']:.3f} / {r['esco_ami']:.3f}", ">= 0.33 at k=10"),
    ]


def k10_nmi() -> list[tuple[str, str, str]]:
    """ESCO NMI/AMI against the ISCO major groups at k=10, seeds 0-2: the pipeline on ESCO alone with the token
    cap (the issue's floor, 0.33), and the ESCO part of the new corpus (ESCO + USAJOBS)."""
    from segmentation.text.corpus import parse_corpus
    from segmentation.text.training import TrainingParams, document_text, embed_documents, reduce_and_cluster
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    esco_docs = [replace(d, source=ESCO.stem) for d in parse_corpus(ESCO.read_bytes())]
    ads_path = ROOT / "models" / "corpus" / "usajobs_ads.jsonl"
    both = esco_docs + [replace(d, source=ads_path.stem) for d in parse_corpus(ads_path.read_bytes())]
    rows = []
    cap = TrainingParams.max_tokens
    for name, documents in ((f"ESCO alone, token cap {cap}", esco_docs), ("ESCO + USAJOBS (ESCO part scored)", both)):
        texts = [document_text(d) for d in documents]
        embeddings = embed_documents(documents, training_embedder(), TrainingParams.head_weight)
        esco = [i for i, d in enumerate(documents) if d.label is not None]
        truth = [documents[i].label for i in esco]
        nmi, ami = [], []
        for seed in (0, 1, 2):
            found = reduce_and_cluster(embeddings, texts, TrainingParams(clusters=10), seed=seed,
                                       sources=[d.source for d in documents]).labels[esco]
            nmi.append(normalized_mutual_info_score(truth, found))
            ami.append(adjusted_mutual_info_score(truth, found))
        rows.append((f"pipeline at k=10 on {name}: ESCO NMI / AMI vs ISCO major groups, seeds 0-2",
                     f"{np.mean(nmi):.3f} ± {np.std(nmi):.3f} / {np.mean(ami):.3f}",
                     ">= 0.33" if "alone" in name else "-"))
    return rows


def run() -> list[tuple[str, str, str]]:
    from segmentation.text.corpus import parse_corpus
    from segmentation.text.encoder import OnnxEncoder, default_encoder_dir
    from segmentation.text.model import TextModel

    ads = eval_ads()
    esco = (parse_corpus(ESCO.read_bytes()), training_embedder())  # one embedder for the three models
    off_domain = off_domain_texts()
    encoder = OnnxEncoder(default_encoder_dir())
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, commit in (("old default (ESCO only)", OLD_MODEL_COMMIT),
                             ("first ESCO + USAJOBS model (unbalanced, cap 128)", FIRST_MODEL_COMMIT)):
            model = TextModel.load(old_model_dir(Path(scratch) / commit, commit))
            results[name] = evaluate_model(model, encoder, ads, esco, off_domain)
    new = TextModel.load(NEW_MODEL)
    results[f"new default (ESCO + balanced USAJOBS, cap {new.max_tokens})"] = evaluate_model(
        new, encoder, ads, esco, off_domain)
    occupations = len({ad["occupation"] for ad in ads})
    described = (f"{len(ads)} ads over {occupations} occupations; {len(off_domain)} off-domain texts; every 10th "
                 f"ESCO description ({len(esco[0][::10])})")
    rows = [("labelled real ads (USAJOBS, held out of training)", described, "-")]
    for name, result in results.items():
        rows += rows_for(name, result, len(ads))
    rows += k10_nmi()
    return rows


def per_occupation(model_dir: Path = NEW_MODEL) -> None:
    """Where each labelled ad lands (for reading the result by hand): python -m benchmarks.bench_ads"""
    from segmentation.text.encoder import OnnxEncoder, default_encoder_dir
    from segmentation.text.model import TextModel
    from segmentation.text.serving import Segmenter

    model = TextModel.load(model_dir)
    segmenter = Segmenter(model, OnnxEncoder(default_encoder_dir()), THRESHOLD)
    ads = eval_ads()
    for ad, answer in zip(ads, segmenter.segment([ad_text(ad, True) for ad in ads])):
        name_fits, industry_fits = fits(model.profiles[answer["assigned_cluster_id"]], ad["occupation"])
        print(f"{ad['occupation'][:24]:<24} {ad['title'][:36]:<36} -> {answer['cluster_profile_name'][:40]:<40} "
              f"{answer['cluster_assignment_confidence']:.2f} {'fits' if name_fits and industry_fits else '-'}")


if __name__ == "__main__":
    per_occupation(Path(sys.argv[1]) if len(sys.argv) > 1 else NEW_MODEL)
