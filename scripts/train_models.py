"""Train the job-ad text-segmentation model on a corpus.

    python scripts/train_models.py --corpus PATH [--clusters K|auto] --out DIR
        [--reducer none|pca|umap] [--seed N] [--embedder sentence-transformers|onnx]
        [--overrides FILE] [--previous DIR]

The corpus is a JSON array or JSON Lines of objects with `text` and optional `id`, `title`, `label`.
Writes the model artifacts and manifest.json (with metrics; NMI/ARI against `label` when every document
has one) and assignments.jsonl ({"id", "cluster_id", "confidence"} per document) to DIR.
"""

import argparse
import json
import sys
import time
from pathlib import Path

from segmentation.platform.errors import InvalidInput
from segmentation.platform.integrity import sha256_hex
from segmentation.text.corpus import parse_corpus
from segmentation.text.embedders import EMBEDDERS, make_embedder
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
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--clusters", type=_clusters, default=10, help="K, or auto (silhouette over 6..16)")
    parser.add_argument("--reducer", choices=REDUCERS, default=TrainingParams.reducer)
    parser.add_argument("--seed", type=int, default=TrainingParams.seed)
    parser.add_argument("--embedder", choices=EMBEDDERS, default="sentence-transformers")
    parser.add_argument("--overrides", type=Path, help="JSON {cluster_id: {profile fields}} merged on top")
    parser.add_argument("--previous", type=Path, help="the model this one replaces: its overrides carry over")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        raw = args.corpus.read_bytes()
        documents = parse_corpus(raw)
        overrides = json.loads(args.overrides.read_text()) if args.overrides else None
        previous = TextModel.load(args.previous) if args.previous else None
    except FileNotFoundError as error:
        print(f"train_models: {error.filename} does not exist", file=sys.stderr)
        return 2
    except (InvalidInput, ModelArtifactError, ValueError) as error:
        print(f"train_models: {error}", file=sys.stderr)
        return 2
    params = TrainingParams(clusters=args.clusters, reducer=args.reducer, seed=args.seed,
                            stability_seed=args.seed + 1)
    corpus = {"source": str(args.corpus), "sha256": sha256_hex(raw), "documents": len(documents)}
    model, embeddings, timings = train_model(documents, corpus, make_embedder(args.embedder), params,
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
