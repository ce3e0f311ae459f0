"""Dimensionality reducers between the embeddings and K-means.

Each reducer is fitted at training time (scikit-learn / umap-learn, imported lazily) and serialised as
plain NumPy arrays plus JSON parameters, so serving applies it with NumPy alone: deterministic, no JIT.

- "none": the L2-normalised embeddings themselves.
- "pca":  a linear projection (mean, components).
- "umap": fitted with umap-learn; new points are placed by UMAP's own rule for unseen points, a
          membership-weighted average of the coordinates of their nearest training neighbours
          (what `UMAP.transform` uses to initialise), computed exactly with NumPy.
- "hybrid": the embedding joined with a latent-semantic (TF-IDF -> truncated SVD) view of the same
          text, each unit length, the text view weighted by `alpha`, then unit length again. TF-IDF is
          recomputed at serving with the fitted vocabulary and IDF (scikit-learn's rules: lower case,
          tokens of 2+ word characters, sublinear tf, l2 norm), so no scikit-learn is needed there.
          When the training texts come from several sources (ESCO descriptions and job ads), each view
          first loses the directions between the sources' means ("style" arrays): a linear classifier told
          descriptions from ads on 99.7% of held-out texts before, 53% after (chance 52%), and clusters hold
          both instead of splitting by source (docs/text-segmentation.md, "Sources"). Serving applies the
          same projection to every text; it needs no source.
"""

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

REDUCERS = ("none", "pca", "umap", "hybrid")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


@dataclass
class Reducer:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def metric(self) -> str:
        """How distances to centroids are measured in this reducer's space: the raw embeddings are
        directions (cosine, i.e. spherical K-means assignment); PCA and UMAP spaces are Euclidean."""
        return "cosine" if self.kind in ("none", "hybrid") else "euclidean"

    def transform(self, embeddings: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if self.kind == "none":
            return embeddings
        if self.kind == "hybrid":
            lsa = _unit(self._lsa(texts))
            if "embedding_style" in self.arrays:
                embeddings = _unit(_remove(embeddings, self.arrays["embedding_style"]))
                lsa = _unit(_remove(lsa, self.arrays["lsa_style"]))
            return _unit(np.hstack([embeddings, float(self.params["alpha"]) * lsa])).astype(np.float32)
        if self.kind == "pca":
            return (embeddings - self.arrays["mean"]) @ self.arrays["components"].T
        if self.kind == "umap":
            return _umap_place(embeddings, self.arrays["train_embeddings"], self.arrays["train_coords"],
                               int(self.params["n_neighbors"]))
        raise ValueError(f"unknown reducer {self.kind!r}")


    @functools.cached_property
    def _vocabulary_index(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.arrays["vocabulary"].tolist())}

    @functools.cached_property
    def _components_by_term(self) -> np.ndarray:
        return np.ascontiguousarray(self.arrays["components"].T)

    def _lsa(self, texts: Sequence[str]) -> np.ndarray:
        """The texts' unit TF-IDF rows times the SVD components, computed from each text's few non-zero
        terms (never a dense texts x vocabulary matrix)."""
        index, by_term, idf = self._vocabulary_index, self._components_by_term, self.arrays["idf"]
        lsa = np.zeros((len(texts), by_term.shape[1]), dtype=np.float32)
        for row, text in enumerate(texts):
            counts = Counter(index[t] for t in _TOKEN.findall(text.lower()) if t in index)
            if not counts:
                continue
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            weights = (1.0 + np.log(tf)) * idf[columns]
            lsa[row] = (weights / max(float(np.linalg.norm(weights)), 1e-12)) @ by_term[columns]
        return lsa


def _remove(rows: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """`rows` with their components along the orthonormal `directions` taken out."""
    return rows - (rows @ directions.T) @ directions


def style_directions(rows: np.ndarray, sources: Sequence[str]) -> np.ndarray | None:
    """Orthonormal directions spanning the differences between the sources' mean rows (one fewer than there are
    sources); None for a single source."""
    names = sorted(set(sources))
    if len(names) < 2:
        return None
    labels = np.asarray(sources)
    overall = rows.mean(axis=0)
    differences = np.stack([rows[labels == name].mean(axis=0) - overall for name in names[:-1]])
    basis, _ = np.linalg.qr(differences.T.astype(np.float64))
    return basis.T.astype(np.float32)


def _umap_place(points: np.ndarray, train: np.ndarray, coords: np.ndarray, k: int) -> np.ndarray:
    """UMAP's placement of unseen points: fuzzy-membership-weighted mean of the k nearest neighbours
    (cosine distance), membership exp(-(d - rho) / sigma) with rho the nearest distance."""
    distances = 1.0 - points @ train.T
    nearest = np.argpartition(distances, kth=min(k, len(train) - 1) - 1, axis=1)[:, :k]
    d = np.take_along_axis(distances, nearest, axis=1)
    order = np.argsort(d, axis=1, kind="stable")
    nearest, d = np.take_along_axis(nearest, order, axis=1), np.take_along_axis(d, order, axis=1)
    rho = d[:, :1]
    sigma = np.maximum(np.mean(d - rho, axis=1, keepdims=True), 1e-6)
    weights = np.exp(-np.maximum(d - rho, 0.0) / sigma)
    weights /= weights.sum(axis=1, keepdims=True)
    return np.einsum("nk,nkd->nd", weights, coords[nearest]).astype(np.float32)


def fit_reducer(kind: str, embeddings: np.ndarray, texts: Sequence[str], seed: int, n_components: int = 10,
                n_neighbors: int = 15, alpha: float = 0.75, lsa_components: int = 100,
                sources: Sequence[str | None] | None = None) -> tuple[Reducer, np.ndarray]:
    """Fit a reducer; returns it and the training points in the reduced space. `sources` (one per text, the
    hybrid reducer only): the kind of each text; None or a single source removes no style directions."""
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if kind == "none":
        return Reducer("none"), embeddings
    if kind == "hybrid":
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2, dtype=np.float32)
        tfidf = vectorizer.fit_transform(texts)
        svd = TruncatedSVD(n_components=min(lsa_components, tfidf.shape[1] - 1), random_state=seed).fit(tfidf)
        reducer = Reducer("hybrid", {"alpha": alpha, "lsa_components": int(svd.n_components)},
                          {"vocabulary": np.array(vectorizer.get_feature_names_out(), dtype=str),
                           "idf": vectorizer.idf_.astype(np.float32),
                           "components": svd.components_.astype(np.float32)})
        labels = ["" if source is None else source for source in sources] if sources is not None else []
        embedding_style = style_directions(embeddings, labels) if labels else None
        if embedding_style is not None:
            reducer.arrays["embedding_style"] = embedding_style
            reducer.arrays["lsa_style"] = style_directions(_unit(reducer._lsa(texts)), labels)
        return reducer, reducer.transform(embeddings, texts)
    if kind == "pca":
        from sklearn.decomposition import PCA

        pca = PCA(n_components=n_components, random_state=seed).fit(embeddings)
        reducer = Reducer("pca", {"n_components": n_components},
                          {"mean": pca.mean_.astype(np.float32), "components": pca.components_.astype(np.float32)})
        return reducer, reducer.transform(embeddings, texts)
    if kind == "umap":
        import umap

        model = umap.UMAP(n_components=n_components, n_neighbors=n_neighbors, min_dist=0.0, metric="cosine",
                          random_state=seed)
        coords = model.fit_transform(embeddings).astype(np.float32)
        reducer = Reducer("umap", {"n_components": n_components, "n_neighbors": n_neighbors, "min_dist": 0.0},
                          {"train_embeddings": embeddings, "train_coords": coords})
        return reducer, coords
    raise ValueError(f"reducer must be one of {', '.join(REDUCERS)}, not {kind!r}")
