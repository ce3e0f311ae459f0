"""Audience variable search: quality on the labelled marketer phrasings (benchmarks/data/audiences_queries.jsonl)
for the seed's TF-IDF baseline, BM25, dense only and fused variants, all in one run; warm latency of
search() (k=20, query embedding included); cold index load time and memory in a fresh process.

A result is relevant when its code, or its ACS table, is listed for the query. success@10: a relevant
variable in the top 10; MRR@10: 1 / rank of the first relevant one (0 beyond 10); precision@10: the
share of the top 10 that is relevant.
"""

import json
import statistics
import subprocess
import time

from benchmarks.common import ROOT, percentile, python

QUERIES = ROOT / "benchmarks" / "data" / "audiences_queries.jsonl"
K = 10


def load_queries() -> list[dict]:
    return [json.loads(line) for line in QUERIES.read_text().splitlines() if line.strip()]


def relevant(hit_code: str, catalog, wanted: set[str]) -> bool:
    if hit_code in wanted:
        return True
    table = (catalog.get(hit_code) or {}).get("table")
    return table is not None and table in wanted


def configs():
    from segmentation.audiences.search import DEFAULT, SearchConfig

    return {
        "lexical only, TF-IDF (the seed's baseline)": SearchConfig(retrievers=("lexical",), lexical_weighting="tfidf",
                                                                   weights={"lexical": 1.0}),
        "lexical only, BM25": SearchConfig(retrievers=("lexical",), weights={"lexical": 1.0}),
        "dense only (MiniLM + FAISS)": SearchConfig(retrievers=("dense",), weights={"dense": 1.0}),
        "fused: seed weights 0.4 TF-IDF / 0.3 keyword / 0.3 intent": SearchConfig(
            retrievers=("lexical", "keyword"), lexical_weighting="tfidf", rule="weighted",
            weights={"lexical": 0.4, "keyword": 0.3, "intent": 0.3}),
        "fused: weighted sum BM25 + keyword + dense + intent": SearchConfig(
            rule="weighted", weights={"lexical": 1.0, "keyword": 1.0, "dense": 1.0, "intent": 0.5}),
        "fused: RRF BM25 + dense": SearchConfig(retrievers=("lexical", "dense"),
                                                weights={"lexical": 1.0, "dense": 1.0}),
        "fused: RRF BM25 + keyword + dense": SearchConfig(weights={"lexical": 1.0, "keyword": 1.0, "dense": 1.0}),
        "fused: RRF BM25 + keyword + dense + intent, equal weights": SearchConfig(
            weights={"lexical": 1.0, "keyword": 1.0, "dense": 1.0, "intent": 0.5}),
        "fused: RRF BM25 + 2 x keyword + dense + intent": SearchConfig(
            weights={"lexical": 1.0, "keyword": 2.0, "dense": 1.0, "intent": 0.5}),
        "fused: RRF BM25 + 2 x keyword + 2 x dense, no intent": SearchConfig(
            weights={"lexical": 1.0, "keyword": 2.0, "dense": 2.0}),
        "fused: RRF BM25 + 2 x keyword + 2 x dense + intent (the default)": DEFAULT,
    }


def quality() -> list[tuple[str, str, str]]:
    from segmentation.audiences.catalog import load_catalog
    from segmentation.audiences.search import DEFAULT, rank

    catalog = load_catalog()
    dense = catalog.dense_checked
    queries = load_queries()
    vectors = {q["id"]: dense.embed(q["query"]) for q in queries}
    rows, scores = [], {}
    for name, config in configs().items():
        success, reciprocal, precision = [], [], []
        for q in queries:
            wanted = set(q["relevant"])
            hits = rank(catalog, q["query"], K, config, None, vectors[q["id"]])
            flags = [relevant(h["code"], catalog, wanted) for h in hits]
            first = next((i for i, flag in enumerate(flags) if flag), None)
            success.append(first is not None)
            reciprocal.append(0.0 if first is None else 1.0 / (first + 1))
            precision.append(sum(flags) / K)
        scores[name] = (statistics.mean(success), statistics.mean(reciprocal), statistics.mean(precision))
        budget = "must clearly beat the TF-IDF row" if config is DEFAULT else "-"
        rows.append((f"quality, {name}",
                     f"success@10 {scores[name][0]:.3f}, MRR@10 {scores[name][1]:.3f}, P@10 {scores[name][2]:.3f}",
                     budget))
    labels = sum(len(q["relevant"]) for q in queries)
    rows.insert(0, ("labelled set", f"{len(queries)} marketer phrasings, {labels} relevant tables/variables",
                    ">= 60 phrasings"))
    return rows


def _stats(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms"


def latency() -> list[tuple[str, str, str]]:
    """Wall time, and the process's CPU time per call (on this shared machine other jobs take cores: the CPU
    time is what the search costs when it has a core to itself)."""
    from segmentation.audiences.search import search

    queries = [q["query"] for q in load_queries()]
    for query in queries[:5]:
        search(query, k=20)  # warm: encoder, indexes, caches
    filters = {"unfiltered": {}, "filtered (type=psychographic, record_set=panel)":
               {"type": "psychographic", "record_set": "panel"}}
    rows = []
    for name, arguments in filters.items():
        wall, cpu = [], []
        for _ in range(3):
            for query in queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                search(query, k=20, **arguments)
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
        rows.append((f"search() warm, k=20, query embedding included, {name} (n={len(wall)})",
                     f"wall {_stats(wall)}; CPU {_stats(cpu)}", "p50 <= 15 ms, p95 <= 40 ms"))
    return rows


COLD = """
import json, time
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))
import numpy, faiss, onnxruntime, tokenizers, pydantic
libraries = rss()
started, started_cpu = time.perf_counter(), time.process_time()
from segmentation.audiences.catalog import load_catalog
catalog = load_catalog()
loaded = time.perf_counter()
catalog.lexical
lexical = time.perf_counter()
dense = catalog.dense_checked
ready, ready_cpu = time.perf_counter(), time.process_time()
from segmentation.audiences.search import search
search("environmentally conscious millennials", k=20)
first = time.perf_counter()
print(json.dumps({"variables_s": loaded - started, "lexical_s": lexical - loaded, "dense_and_encoder_s": ready - lexical,
                  "total_s": ready - started, "total_cpu_s": ready_cpu - started_cpu, "first_search_s": first - ready,
                  "n": len(catalog), "libraries_mib": libraries, "loaded_mib": rss()}))
"""


def cold_load() -> list[tuple[str, str, str]]:
    from segmentation.audiences.catalog import default_catalog_dir

    runs = [json.loads(subprocess.run([python(), "-c", COLD], cwd=ROOT, check=True, capture_output=True,
                                      text=True).stdout) for _ in range(3)]
    best = min(runs, key=lambda r: r["total_s"])
    size = sum(f.stat().st_size for f in default_catalog_dir().iterdir() if f.is_file()) / 1e6
    return [
        ("cold load from local disk (the layer case), best of 3",
         (f"wall {best['total_s']:.2f} s (variables {best['variables_s']:.2f} s, lexical {best['lexical_s']:.2f} s, "
          f"FAISS + encoder {best['dense_and_encoder_s']:.2f} s), CPU {best['total_cpu_s']:.2f} s; "
          f"first search {best['first_search_s'] * 1000:.0f} ms"),
         "<= 1.5 s"),
        ("catalog folder on disk", f"{size:.1f} MB ({best['n']} variables)", "-"),
        ("memory (RSS) of the loaded catalog, indexes and encoder",
         f"{best['loaded_mib'] - best['libraries_mib']:.0f} MiB over the libraries' {best['libraries_mib']:.0f} MiB",
         "seed: ~300 MB for the index"),
    ]


def build_time() -> list[tuple[str, str, str]]:
    from segmentation.audiences.catalog import default_catalog_dir, read_manifest

    manifest = read_manifest(default_catalog_dir())
    started = time.perf_counter()
    subprocess.run([python(), "scripts/build_catalog.py"], cwd=ROOT, check=True, capture_output=True, text=True)
    check = time.perf_counter() - started
    return [("catalog build, up-to-date check (second make)", f"{check:.1f} s (nothing rebuilt)", "not rebuilt"),
            ("texts embedded at build", (f"{manifest['dense']['texts_embedded']} distinct texts for "
                                         f"{manifest['counts']['variables']} variables"), "deduplicated")]


def run() -> list[tuple[str, str, str]]:
    return [*quality(), *latency(), *cold_load(), *build_time()]
