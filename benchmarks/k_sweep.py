"""Choosing k for the default model (issue 15), on the cached training embeddings:

    python benchmarks/k_sweep.py [--max-tokens N] [--corpus PATH ...] 10 12 14 16 18 20 24

Corpus: models/corpus/esco_occupations.jsonl + models/corpus/usajobs_ads.jsonl unless --corpus is given, each file a
source as train_models.py makes it (the hybrid reducer removes the direction between the sources); embedded
with the training-time embedder (ONNX int8) at --max-tokens word pieces (default: TrainingParams.max_tokens),
cached by text in .cache/embeddings.

For each k: silhouette (3,000-point sample), seed stability (mean and smallest ARI between the K-means runs of
--seeds seeds from 42, n_init=--n-init, as training fits; 2 seeds at n_init=3 moved by 0.1-0.2 between neighbouring k),
ESCO NMI/AMI against the ISCO major groups, ESCO AMI against the 42 ISCO sub-major groups (two-digit codes, from
$ESCO_DIR/occupations_en.csv, default ../shared/data/esco: how well clusters keep occupations apart, adjusted for
chance so that it does not grow with k by itself), the smallest cluster's share, and how many clusters mix ESCO
descriptions and ads (10-90% ESCO). The reducer (hybrid) is fitted once. Vectors as training builds them
(model.text_vectors, --head-weight, default TrainingParams.head_weight). Rule used: among the k >= 16 whose
smallest cluster holds >= 1% (the promotion gate), the highest AMI against the ISCO sub-major groups.
Results and the choice: docs/benchmarks.md ("Choosing k").
"""
import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
from segmentation.text.corpus import parse_corpus
from segmentation.text.embedders import cached_embedder, embedding_cache_key, onnx_embedder
from segmentation.text.model import text_vectors
from segmentation.text.reduction import fit_reducer
from segmentation.text.training import TrainingParams, _silhouette, document_text
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from build_esco_corpus import DEFAULT_ESCO_DIR  # $ESCO_DIR, else ../shared/data/esco

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--max-tokens", type=int, default=TrainingParams.max_tokens)
parser.add_argument("--head-weight", type=float, default=TrainingParams.head_weight)
parser.add_argument("--corpus", type=Path, action="append")
parser.add_argument("--seeds", type=int, default=4, help="K-means seeds from 42 (stability: mean ARI over their pairs)")
parser.add_argument("--n-init", type=int, default=10, help="K-means restarts per seed (training uses 10)")
parser.add_argument("k", type=int, nargs="+")
args = parser.parse_args()
corpora = args.corpus or [ROOT / "models/corpus/esco_occupations.jsonl", ROOT / "models/corpus/usajobs_ads.jsonl"]
docs = [d for p in corpora for d in parse_corpus(Path(p).read_bytes())]
sources = [d.source or Path(p).stem for p in corpora for d in parse_corpus(Path(p).read_bytes())]  # as train_models.py
texts = [document_text(d) for d in docs]
emb = text_vectors(texts, cached_embedder(onnx_embedder(max_tokens=args.max_tokens), ROOT / ".cache" / "embeddings",
                                          embedding_cache_key("onnx", args.max_tokens)), args.head_weight)
print(json.dumps({"documents": len(docs), "max_tokens": args.max_tokens, "head_weight": args.head_weight}), flush=True)
esco = np.array([d.label is not None for d in docs])
with open(DEFAULT_ESCO_DIR / "occupations_en.csv", newline="", encoding="utf-8") as handle:
    isco = {row["conceptUri"].rsplit("/", 1)[1]: row["iscoGroup"] for row in csv.DictReader(handle)}
sub_major = [isco[d.id][:2] for d in docs if d.label is not None]
truth = [d.label for d in docs if d.label is not None]
p = TrainingParams()
t = time.time()
red, pts = fit_reducer("hybrid", emb, texts, 42, alpha=p.alpha, lsa_components=p.lsa_components, sources=sources)
print("reduced", round(time.time() - t, 1), flush=True)


def unit(c):
    return c / np.linalg.norm(c, axis=1, keepdims=True)



for k in args.k:
    t = time.time()
    labs = []
    for seed in range(42, 42 + args.seeds):
        km = KMeans(n_clusters=k, n_init=args.n_init, random_state=seed).fit(pts)
        labs.append(np.argmax(pts @ unit(km.cluster_centers_).T, axis=1))
    a = labs[0]
    pairs = [adjusted_rand_score(x, y) for i, x in enumerate(labs) for y in labs[i + 1:]]
    sizes = np.bincount(a, minlength=k)
    ue = len(set(a[esco])); uu = len(set(a[~esco]))
    mixed = sum(1 for c in range(k) if 0.1 < np.mean(esco[a == c]) < 0.9)
    print(json.dumps({"k": k, "sil": round(_silhouette(pts, a, 42), 4), "stab": round(float(np.mean(pairs)), 3),
          "stab_min": round(float(np.min(pairs)), 3),
          "nmi": round(normalized_mutual_info_score(truth, a[esco]), 3), "ami": round(adjusted_mutual_info_score(truth, a[esco]), 3),
          "ami_sub_major": round(adjusted_mutual_info_score(sub_major, a[esco]), 3),
          "min_frac": round(sizes.min() / len(docs), 4), "mixed_clusters": mixed, "secs": round(time.time() - t, 1)}), flush=True)
