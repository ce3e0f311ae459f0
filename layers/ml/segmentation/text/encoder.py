"""Sentence embeddings at request time: all-MiniLM-L6-v2 as ONNX, run by onnxruntime, tokenised by `tokenizers`.

No torch here. The graph (BERT -> mean pooling over the attention mask -> L2 normalisation) is exported once
at set-up by `segmentation.text.encoder_export`; every file is checked against the sha256 in encoder.json
before it is used.
"""

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from segmentation.platform.integrity import sha256_hex

MANIFEST = "encoder.json"
TOKENIZER = "tokenizer.json"
MODEL_FP32 = "model.onnx"
MODEL_INT8 = "model.int8.onnx"
OUTPUT = "sentence_embedding"
# The one precision that ships to Lambda (layers/encoder) and that serving and training both use:
# int8, chosen by measurement in docs/benchmarks.md ("package": fp32 does not fit beside the ML layer,
# runs no faster on this CPU, and int8 agrees with it on 99.0% of held-out ads).
QUANTIZED = True

# Texts tokenised together: the next chunk is tokenised on a worker thread while the current one runs
# through the graph (the tokenizer and onnxruntime both release the GIL), and each chunk is sorted by length
# into batches so that little compute goes to padding.
CHUNK_BATCHES = 8

# Fixed inputs whose embeddings identify the encoder a model was trained with.
PROBE_SENTENCES = (
    "Senior Python developer for a cloud data platform team in Berlin.",
    "Registered nurse, night shifts, intensive care unit.",
    "Truck driver with a C+E licence for international routes.",
    "Marketing manager to lead brand campaigns across social media.",
)


class EncoderError(Exception):
    """An encoder file is missing or does not match encoder.json."""


def default_encoder_dir() -> Path:
    """$ENCODER_DIR if set, else the folder next to this module where scripts/build_encoder.py writes."""
    configured = os.environ.get("ENCODER_DIR")
    return Path(configured) if configured else Path(__file__).parent / "encoder"


def read_manifest(model_dir: Path) -> dict:
    path = Path(model_dir) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EncoderError(f"{path} is missing: build it with scripts/build_encoder.py") from None
    except (OSError, ValueError) as error:
        raise EncoderError(f"{path} is unreadable: {error}") from None


def read_verified(model_dir: Path, manifest: dict, name: str) -> bytes:
    """The bytes of one encoder file, after checking them against the manifest's sha256."""
    path = Path(model_dir) / name
    expected = manifest.get("files", {}).get(name)
    if expected is None:
        raise EncoderError(f"{name} is not listed in {MANIFEST}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EncoderError(f"{name} is missing from {model_dir}") from None
    if sha256_hex(data) != expected:
        raise EncoderError(f"{name} in {model_dir} does not match the sha256 in {MANIFEST}")
    return data


def verify_encoder_dir(model_dir: Path) -> dict:
    """Check every file listed in encoder.json; returns the manifest."""
    manifest = read_manifest(model_dir)
    for name in manifest.get("files", {}):
        read_verified(model_dir, manifest, name)
    return manifest


class OnnxEncoder:
    """L2-normalised float32 sentence embeddings from the exported ONNX graph."""

    def __init__(self, model_dir: Path, quantized: bool = QUANTIZED, threads: int | None = None,
                 max_tokens: int | None = None):
        model_dir = Path(model_dir)
        self.manifest = read_manifest(model_dir)
        model = read_verified(model_dir, self.manifest, MODEL_INT8 if quantized else MODEL_FP32)
        tokenizer_json = read_verified(model_dir, self.manifest, TOKENIZER)

        self._tokenizer = Tokenizer.from_str(tokenizer_json.decode("utf-8"))
        # The shipped tokenizer pads to a fixed 128; pad per batch ourselves instead.
        padding = self._tokenizer.padding or {}
        self._pad_id = padding.get("pad_id", 0)
        self._tokenizer.no_padding()
        self.max_tokens = 0
        self.default_max_tokens = max_tokens
        self._truncate(max_tokens)

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizing: ThreadPoolExecutor | None = None

    @property
    def dim(self) -> int:
        return int(self.manifest["dim"])

    def _truncate(self, max_tokens: int | None) -> None:
        """Word pieces kept per text (special tokens included): `max_tokens`, at most the encoder's own limit."""
        limit = int(self.manifest["max_length"])
        cap = min(int(max_tokens), limit) if max_tokens else limit
        if cap < 3:
            raise ValueError("max_tokens must be at least 3")
        if cap != self.max_tokens:
            self._tokenizer.enable_truncation(max_length=cap)
            self.max_tokens = cap

    def tokenize(self, texts: Sequence[str]) -> list:
        return self._tokenizer.encode_batch(list(texts))

    def embed(self, texts: Sequence[str], batch_size: int = 32, max_tokens: int | None = None) -> np.ndarray:
        """Embeddings of `texts`, shape (len(texts), dim), in input order; each text is cut to `max_tokens`
        word pieces (default: the cap given to the constructor, else the encoder's own limit, 256)."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of strings, not a single string")
        self._truncate(max_tokens or self.default_max_tokens)
        texts = list(texts)
        result = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return result
        chunk = batch_size * CHUNK_BATCHES
        starts = list(range(0, len(texts), chunk))
        if len(starts) == 1:
            self._encode_chunk(self.tokenize(texts), 0, batch_size, result)
            return result
        if self._tokenizing is None:
            self._tokenizing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tokenize")
        pending = self._tokenizing.submit(self.tokenize, texts[:chunk])
        for start in starts:
            encodings = pending.result()
            if start + chunk < len(texts):
                pending = self._tokenizing.submit(self.tokenize, texts[start + chunk:start + 2 * chunk])
            self._encode_chunk(encodings, start, batch_size, result)
        return result

    def _encode_chunk(self, encodings: list, offset: int, batch_size: int, result: np.ndarray) -> None:
        # Batches of similar length waste little compute on padding.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            result[[offset + i for i in rows]] = self._run([encodings[i] for i in rows])

    def _run(self, batch: list) -> np.ndarray:
        width = max(len(e.ids) for e in batch)
        input_ids = np.full((len(batch), width), self._pad_id, dtype=np.int64)
        attention_mask = np.zeros((len(batch), width), dtype=np.int64)
        token_type_ids = np.zeros((len(batch), width), dtype=np.int64)
        for row, encoding in enumerate(batch):
            n = len(encoding.ids)
            input_ids[row, :n] = encoding.ids
            attention_mask[row, :n] = 1
            token_type_ids[row, :n] = encoding.type_ids
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
        return self._session.run([OUTPUT], {k: v for k, v in feeds.items() if k in self._inputs})[0]


def fingerprint(encoder: OnnxEncoder) -> list[list[float]]:
    """Embeddings of the probe sentences, rounded to 4 decimals (stored in encoder.json as "probe")."""
    return [[round(float(v), 4) for v in row] for row in encoder.embed(PROBE_SENTENCES)]


def matches_fingerprint(encoder: OnnxEncoder, probe: list[list[float]], tolerance: float = 0.01) -> bool:
    """Whether `encoder` embeds each probe sentence within cosine 1 - tolerance of `probe`."""
    current = encoder.embed(PROBE_SENTENCES)
    expected = np.asarray(probe, dtype=np.float32)
    if expected.shape != current.shape:
        return False
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    return bool(np.all(np.sum(current * expected, axis=1) >= 1.0 - tolerance))
