"""Dense retrieval: the project's all-MiniLM-L6-v2 ONNX encoder (segmentation.text.encoder) and FAISS.

Each variable's vector is the L2-normalised sum of the embeddings of its parts (ACS: the label and the
table's concept, each distinct text embedded once at build time; GSS: the question text), stored in a
FAISS inner-product index (8-bit scalar quantised: a quarter of float32's memory, see docs/audiences.md).
A query is embedded with the same int8 encoder; the catalog manifest records the encoder's file hashes and
refuses an index built with another encoder.

Optional: with OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible endpoint) set, and an index built
with `scripts/build_catalog.py --openai` present (dense_openai.faiss), queries are embedded by that
endpoint's text-embedding-3-small instead. Never required; tests never set it.
"""

import os
import threading
from pathlib import Path

import faiss
import numpy as np

from segmentation.platform.errors import DependencyUnavailable

ENCODER_QUANTIZED = True  # the int8 graph: catalog vectors and queries are embedded by the same one

# One query is one short text and one scan: a single thread is faster than two that spin-wait for a
# core (measured: docs/audiences.md), and a 1024 MB Lambda has less than one vCPU anyway.
QUERY_THREADS = int(os.environ.get("SEARCH_THREADS", "1") or "1")
faiss.omp_set_num_threads(QUERY_THREADS)


def encoder_model_file() -> str:
    from segmentation.text.encoder import MODEL_FP32, MODEL_INT8

    return MODEL_INT8 if ENCODER_QUANTIZED else MODEL_FP32


_encoder_lock = threading.Lock()
_encoder = None


def query_encoder():
    """The process's ONNX encoder (loaded once, ~0.3 s)."""
    global _encoder
    from segmentation.text.encoder import EncoderError, OnnxEncoder, default_encoder_dir

    with _encoder_lock:
        if _encoder is None:
            try:
                _encoder = OnnxEncoder(default_encoder_dir(), quantized=ENCODER_QUANTIZED, threads=QUERY_THREADS)
            except EncoderError as error:
                raise DependencyUnavailable(f"sentence encoder unavailable: {error}") from None
        return _encoder


def index_to_bytes(index) -> bytes:
    return faiss.serialize_index(index).tobytes()


def build_faiss(vectors: np.ndarray, kind: str = "sq8"):
    """An inner-product FAISS index over L2-normalised `vectors` ('flat' float32 or 'sq8' 8-bit)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "sq8":
        index = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    index.add(vectors)
    return index


class DenseIndex:
    def __init__(self, index, where: str):
        self.index = index
        self.where = where

    @classmethod
    def read(cls, directory: Path, manifest: dict, data: bytes) -> "DenseIndex":
        from segmentation.audiences.catalog import DENSE_INDEX, CatalogUnavailable

        where = str(Path(directory) / DENSE_INDEX)
        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as error:
            raise CatalogUnavailable(f"{where} is not a FAISS index: {error}") from None
        if index.ntotal != manifest.get("counts", {}).get("variables"):
            raise CatalogUnavailable(f"{where} holds {index.ntotal} vectors, the catalog "
                                     f"{manifest.get('counts', {}).get('variables')} variables: rebuild it")
        return cls(index, where)

    def check_encoder(self, manifest: dict) -> None:
        """Refuse to compare queries from one encoder with an index built by another."""
        from segmentation.audiences.catalog import CatalogUnavailable

        encoder = query_encoder()
        name = encoder_model_file()
        built_with = manifest.get("encoder", {}).get(name)
        if built_with != encoder.manifest.get("files", {}).get(name):
            raise CatalogUnavailable(f"{self.where} was built with another encoder ({name} sha256 {built_with}); "
                                     "rebuild it with scripts/build_catalog.py")

    def embed(self, query: str) -> np.ndarray:
        return query_encoder().embed([query])

    def search(self, vector: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosine scores of the k nearest variables (optionally only rows where mask is True)."""
        k = min(k, self.index.ntotal)
        params = None
        if mask is not None:
            allowed = np.flatnonzero(mask).astype(np.int64)
            if not len(allowed):
                return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
        scores, rows = self.index.search(np.ascontiguousarray(vector, dtype=np.float32), k, params=params)
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]
