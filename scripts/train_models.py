"""Train the job-ad text-segmentation model on a corpus.

    python scripts/train_models.py --corpus PATH [--corpus PATH ...] [--clusters K|auto] --out DIR
        [--reducer none|pca|umap|hybrid] [--seed N] [--embedder sentence-transformers|onnx]
        [--max-tokens N] [--embedding-cache DIR] [--overrides FILE] [--previous DIR]

A corpus is a JSON array or JSON Lines of objects with `text` and optional `id`, `title`, `label`, `source`;
several --corpus files are joined (ids must stay unique), each file's documents without a `source` taking the
file's name (without extension) as theirs, so ESCO descriptions and job ads are two sources. The default model is trained with
`--corpus models/corpus/esco_occupations.jsonl --corpus models/corpus/usajobs_ads.jsonl` (docs/text-segmentation.md).
--embedding-cache keeps every text's embedding (keyed by its sha256) so that retraining after a corpus edit
embeds only what changed.
Writes the model artifacts and manifest.json (with metrics; NMI/ARI against `label` when every document
has one) and assignments.jsonl ({"id", "cluster_id", "confidence"} per document) to DIR.
"""

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from segmentation.platform.errors import InvalidInput
from segmentation.platform.integrity import sha256_hex
from segmentation.text.corpus import parse_corpus
from segmentation.text.embedders import EMBEDDERS, cached_embedder, embedding_cache_key, make_embedder
from segmentation.text.model import ModelArtifactError, TextModel
from segmentation.text.reduction import REDUCERS
from segmentation.text.training import TrainingParams, document_text, encoder_info, train_model


def _clusters(value: str) -> int | None:
    if value == "auto":
        return None
    k = int(value)
    if k < 2:
        raise argparse.ArgumentTypeError("--clusters must be at least 2, or auto")
    return k


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, action="append")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--clusters", type=_clusters, default=10, help="K, or auto (silhouette over 6..16)")
    parser.add_argument("--reducer", choices=REDUCERS, default=TrainingParams.reducer)
    parser.add_argument("--seed", type=int, default=TrainingParams.seed)
    parser.add_argument("--embedder", choices=EMBEDDERS, default="onnx",
                        help="onnx (default): the int8 encoder serving runs; sentence-transformers: the fp32 reference")
    parser.add_argument("--max-tokens", type=int, default=TrainingParams.max_tokens,
                        help="word pieces embedded per text (default %(default)s; 0: the encoder's limit, 256)")
    parser.add_argument("--embedding-cache", type=Path, help="folder caching embeddings by text (git-ignored)")
    parser.add_argument("--overrides", type=Path, help="JSON {cluster_id: {profile fields}} merged on top")
    parser.add_argument("--previous", type=Path, help="the model this one replaces: its overrides carry over")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        raws = [path.read_bytes() for path in args.corpus]
        documents = [document if document.source else replace(document, source=path.stem)
                     for path, raw in zip(args.corpus, raws) for document in parse_corpus(raw)]
        duplicates = len(documents) - len({d.id for d in documents})
        if duplicates:
            raise ValueError(f"the corpora share {duplicates} document ids")
        overrides = json.loads(args.overrides.read_text()) if args.overrides else None
        previous = TextModel.load(args.previous) if args.previous else None
    except FileNotFoundError as error:
        print(f"train_models: {error.filename} does not exist", file=sys.stderr)
        return 2
    except (InvalidInput, ModelArtifactError, ValueError) as error:
        print(f"train_models: {error}", file=sys.stderr)
        return 2
    params = TrainingParams(clusters=args.clusters, reducer=args.reducer, seed=args.seed,
                            stability_seed=args.seed + 1, max_tokens=args.max_tokens or None)
    corpus = {"source": ", ".join(str(path) for path in args.corpus), "sha256": sha256_hex(b"".join(raws)),
              "documents": len(documents)}
    embed = make_embedder(args.embedder, params.max_tokens)
    if args.embedding_cache:
        embed = cached_embedder(embed, args.embedding_cache, embedding_cache_key(args.embedder, params.max_tokens))
    model, embeddings, timings = train_model(documents, corpus, embed, params,
                                             encoder_info(), overrides, previous)
    model.save(args.out)
    assignment = model.assign(embeddings, [document_text(d) for d in documents])
    with open(args.out / "assignments.jsonl", "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps({"id": document.id, "cluster_id": str(int(cluster)),
                                     "confidence": round(float(confidence), 4)}) + "\n" for document, cluster, confidence in zip(documents, assignment.cluster_ids, assignment.confidence))
    metrics = model.manifest["metrics"]
    print(f"model {model.version}: k={metrics['k']} silhouette={metrics['silhouette']} "
          f"stability_ari={metrics['stability_ari']}" + (f" nmi={metrics['nmi']} ari={metrics['ari']}"
                                                         if "nmi" in metrics else ""))
    print("gates: " + ("passed" if metrics["gates"]["passed"] else "FAILED: " + "; ".join(metrics["gates"]["failures"])))
    print("steps: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items())
          + f"; total {time.perf_counter() - started:.1f} s")
    for cluster, profile in sorted(model.profiles.items(), key=lambda item: int(item[0])):
        print(f"  {cluster:>2} {profile['name']} [{profile['industry']['code']}] size={profile.get('size')}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
