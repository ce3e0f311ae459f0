"""Lexical retrieval over the variable catalog: one inverted index, two weightings (BM25 and TF-IDF).

NumPy only, so it runs on the request path. The index is built at set-up (`build_index`) and stored as
arrays: `indptr` (terms + 1), `docs` (postings' variable rows), one weight per posting for each weighting,
and the vocabulary. A query's score for a variable is the sum, over its distinct terms, of the posting
weights, which makes scoring one `np.bincount` over the query terms' postings.

- BM25 (Okapi, k1 = 1.2, b = 0.75, idf = ln(1 + (N - df + 0.5) / (df + 0.5))): the posting weight is
  idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avglen)).
- TF-IDF, as the seed computes it with scikit-learn's TfidfVectorizer (raw tf, smooth idf
  ln((1 + N) / (1 + df)) + 1, l2-normalised rows) and cosine similarity: posting weight = the document's
  normalised tf-idf, and the query vector is weighted and normalised the same way. tests/unit checks it
  against scikit-learn.

Which one search uses is decided by measurement (docs/audiences.md); both are kept for the benchmark.
"""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

K1 = 1.2
B = 0.75

STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the their them they this to "  # noqa: SIM905 - a word list reads best as one string
    "was were who whom with within without than those these what which while i me my we our you your he "
    "she his her do does did not no nor so very can will would should could all any each some such into "
    "over under about after before other only own same too just also".split())
# "no", "not" and "without" carry meaning in Census labels ("No vehicle available"); keep them.
STOPWORDS = STOPWORDS - {"no", "not", "without", "own"}

_TOKEN = re.compile(r"[a-z0-9]+")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3})")


def stem(word: str) -> str:
    """A light plural/suffix folding: households -> household, families -> family, renters -> renter."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens, stemmed, stopwords out; '$100,000' -> '100000'."""
    text = _DIGIT_COMMA.sub("", text.lower())
    return [stem(t) for t in _TOKEN.findall(text) if t not in STOPWORDS]


@dataclass
class LexicalIndex:
    vocabulary: list[str]
    indptr: np.ndarray  # int64, len(vocabulary) + 1
    docs: np.ndarray  # int32, one per posting
    bm25: np.ndarray  # float32, one per posting
    tfidf: np.ndarray  # float32, one per posting (rows l2-normalised)
    idf: np.ndarray  # float32, the smooth tf-idf idf per term (query weighting)
    n_docs: int

    def __post_init__(self):
        self._term_ids = {term: i for i, term in enumerate(self.vocabulary)}

    def term_ids(self, query: str) -> list[int]:
        return [self._term_ids[t] for t in dict.fromkeys(tokenize(query)) if t in self._term_ids]

    def scores(self, query: str, weighting: str = "bm25") -> np.ndarray:
        """A score per catalog row (0 where no query term occurs)."""
        if weighting not in ("bm25", "tfidf"):
            raise ValueError(f"unknown weighting {weighting!r}")
        if weighting == "bm25":
            terms = self.term_ids(query)
            query_weights = np.ones(len(terms), dtype=np.float32)
        else:  # raw tf * idf, l2-normalised: the query side of the cosine
            counts = Counter(t for t in tokenize(query) if t in self._term_ids)
            terms = [self._term_ids[t] for t in counts]
            query_weights = np.array([counts[t] for t in counts], dtype=np.float32) * self.idf[terms]
            norm = float(np.linalg.norm(query_weights))
            query_weights = query_weights / norm if norm else query_weights
        if not terms:
            return np.zeros(self.n_docs, dtype=np.float32)
        weights = self.bm25 if weighting == "bm25" else self.tfidf
        starts, ends = self.indptr[terms], self.indptr[np.asarray(terms) + 1]
        rows = np.concatenate([self.docs[s:e] for s, e in zip(starts, ends)])
        values = np.concatenate([weights[s:e] * w for s, e, w in zip(starts, ends, query_weights)])
        return np.bincount(rows, weights=values, minlength=self.n_docs).astype(np.float32)

    def arrays(self) -> dict[str, np.ndarray]:
        return {"indptr": self.indptr, "docs": self.docs, "bm25": self.bm25, "tfidf": self.tfidf, "idf": self.idf}


def build_index(texts: Sequence[str]) -> LexicalIndex:
    """The inverted index of `texts` (one per catalog row, in row order)."""
    tokenized = [tokenize(text) for text in texts]
    n_docs = len(tokenized)
    df: Counter = Counter()
    for tokens in tokenized:
        df.update(set(tokens))
    vocabulary = sorted(df)
    term_id = {term: i for i, term in enumerate(vocabulary)}
    lengths = np.array([len(tokens) for tokens in tokenized], dtype=np.float64)
    average_length = float(lengths.mean()) if n_docs and lengths.mean() > 0 else 1.0
    document_frequency = np.array([df[t] for t in vocabulary], dtype=np.float64)
    bm25_idf = np.log1p((n_docs - document_frequency + 0.5) / (document_frequency + 0.5))
    smooth_idf = np.log((1.0 + n_docs) / (1.0 + document_frequency)) + 1.0

    postings: list[list[tuple[int, int]]] = [[] for _ in vocabulary]
    tfidf_norm = np.zeros(n_docs, dtype=np.float64)
    for row, tokens in enumerate(tokenized):
        for term, tf in Counter(tokens).items():
            postings[term_id[term]].append((row, tf))
            tfidf_norm[row] += (tf * smooth_idf[term_id[term]]) ** 2
    tfidf_norm = np.sqrt(np.maximum(tfidf_norm, 1e-24))

    indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(p) for p in postings])
    docs = np.empty(int(indptr[-1]), dtype=np.int32)
    tfs = np.empty(int(indptr[-1]), dtype=np.float64)
    for term, plist in enumerate(postings):
        if plist:
            docs[indptr[term]:indptr[term + 1]], tfs[indptr[term]:indptr[term + 1]] = zip(*plist)
    term_of_posting = np.repeat(np.arange(len(vocabulary)), np.diff(indptr))
    length_norm = K1 * (1.0 - B + B * lengths[docs] / average_length)
    bm25 = bm25_idf[term_of_posting] * tfs * (K1 + 1.0) / (tfs + length_norm)
    tfidf = tfs * smooth_idf[term_of_posting] / tfidf_norm[docs]
    return LexicalIndex(vocabulary, indptr, docs, bm25.astype(np.float32), tfidf.astype(np.float32),
                        smooth_idf.astype(np.float32), n_docs)


def from_arrays(vocabulary: Iterable[str], arrays: dict[str, np.ndarray], n_docs: int) -> LexicalIndex:
    return LexicalIndex(list(vocabulary), arrays["indptr"], arrays["docs"], arrays["bm25"], arrays["tfidf"],
                        arrays["idf"], n_docs)
