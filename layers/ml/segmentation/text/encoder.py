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

# Each text runs through the graph alone, as a batch of one with no padding, on one of `workers` threads
# (onnxruntime releases the GIL; each run is single-threaded). Two reasons, both measured
# (docs/benchmarks.md, "text-serving"): int8 quantises activations per batch tensor, so in a padded batch
# an ad's embedding moved with its neighbours (cosine 0.992 batched vs alone: the same ad could change
# cluster with the company it was sent in); alone, it is the same in /segment, the batch job, scripts and
# training. And on 2 cores, two single-threaded runs side by side embed about twice as many 150-word ads
# per second as one two-threaded padded batch of 32.
CHUNK = 256  # texts tokenised at a time (bounds memory for any input size)

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
        self._tokenizer.no_padding()  # the shipped tokenizer pads to a fixed 128; each text runs alone, unpadded
        self.max_tokens = 0
        self.default_max_tokens = max_tokens
        self._truncate(max_tokens)

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.workers = threads or os.cpu_count() or 1
        self._pool: ThreadPoolExecutor | None = None

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

    def embed(self, texts: Sequence[str], max_tokens: int | None = None) -> np.ndarray:
        """Embeddings of `texts`, shape (len(texts), dim), in input order; each text is cut to `max_tokens`
        word pieces (default: the cap given to the constructor, else the encoder's own limit, 256). A text's
        embedding never depends on the other texts it is sent with."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of strings, not a single string")
        self._truncate(max_tokens or self.default_max_tokens)
        texts = list(texts)
        result = np.empty((len(texts), self.dim), dtype=np.float32)
        if len(texts) == 1:
            result[0] = self._run(self.tokenize(texts)[0])
            return result
        if texts and self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="encode")
        for start in range(0, len(texts), CHUNK):
            encodings = self.tokenize(texts[start:start + CHUNK])
            # Longest first, so the last runs to finish are short ones and no worker idles long at the end.
            order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i].ids))
            for row, vector in zip(order, self._pool.map(self._run, [encodings[i] for i in order])):
                result[start + row] = vector
        return result

    def _run(self, encoding) -> np.ndarray:
        ids = np.asarray([encoding.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids),
                 "token_type_ids": np.asarray([encoding.type_ids], dtype=np.int64)}
        return self._session.run([OUTPUT], {k: v for k, v in feeds.items() if k in self._inputs})[0][0]


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
