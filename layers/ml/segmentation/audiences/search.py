"""Hybrid variable search: lexical + marketer keywords + dense, fused by reciprocal rank, nudged by intent.

    search("environmentally conscious millennials", k=20, type=None, data_type=None, record_set=None)

Retrievers, each returning its best CANDIDATES catalog rows (after the filters):
- lexical: BM25 over description, category, subjects and value labels (segmentation.audiences.lexical);
- keyword: the seed's semantic keyword groups (segmentation.audiences.keywords): the catalog wording of
  every group whose marketer phrasing occurs in the query, searched with the same BM25 index;
- dense: the query's all-MiniLM-L6-v2 embedding against the FAISS index (segmentation.audiences.dense);
- intent: the types the query's words ask for (demographic / behavioral / psychographic), a share per type.

Fusion (chosen by measurement, docs/audiences.md): weighted reciprocal rank fusion
    score = sum_r w_r / (60 + rank_r)  over lexical, keyword and dense,
          + w_intent * share(type of the variable) / (60 + 1)
with w = 1 (lexical), 2 (keyword), 2 (dense), 0.5 (intent).
`matched` reports each retriever's own score for the variable (BM25, BM25 of the expansion, cosine, the
intent share), null where that retriever did not return it.
"""

from dataclasses import dataclass, field

import numpy as np

from segmentation.audiences import fusion
from segmentation.audiences.catalog import DATA_TYPES, RECORD_SETS, TYPES, Catalog, load_catalog
from segmentation.audiences.keywords import detect_intent, matched_groups
from segmentation.platform.errors import InvalidInput

MAX_QUERY_CHARS = 500  # the seed's validate_query limit
MAX_K = 100
CANDIDATES = 200


@dataclass(frozen=True)
class SearchConfig:
    """How the retrievers are combined. DEFAULT is the measured choice; the benchmark compares others."""

    retrievers: tuple[str, ...] = ("lexical", "keyword", "dense")
    lexical_weighting: str = "bm25"
    rule: str = "rrf"  # rrf | weighted
    weights: dict[str, float] = field(default_factory=lambda: {"lexical": 1.0, "keyword": 2.0, "dense": 2.0,
                                                               "intent": 0.5})
    candidates: int = CANDIDATES


DEFAULT = SearchConfig()


def validate(query: object, k: object, type: object, data_type: object, record_set: object) -> tuple[str, int]:
    if not isinstance(query, str) or not query.strip():
        raise InvalidInput("q must be a non-empty search text", field="q")
    query = " ".join(query.split())
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(f"q is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}", field="q")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be an integer within [1, {MAX_K}], not {k!r}", field="k")
    for name, value, allowed in (("type", type, TYPES), ("data_type", data_type, DATA_TYPES),
                                 ("record_set", record_set, RECORD_SETS)):
        if value is not None and value not in allowed:
            raise InvalidInput(f"{name} must be one of {', '.join(allowed)}, not {value!r}", field=name)
    return query, k


def retrieve(catalog: Catalog, query: str, config: SearchConfig, mask: np.ndarray | None,
             vector: np.ndarray | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each configured retriever's candidates: {name: (rows best first, scores)}."""
    rankings = {}
    n = config.candidates
    if "lexical" in config.retrievers:
        rankings["lexical"] = fusion.top_k(catalog.lexical.scores(query, config.lexical_weighting), n, mask)
    if "keyword" in config.retrievers:
        groups = matched_groups(query)
        if groups:
            expansion = " ".join(group.expansion for group in groups)
            rankings["keyword"] = fusion.top_k(catalog.lexical.scores(expansion, "bm25"), n, mask)
    if "dense" in config.retrievers:
        dense = catalog.dense_checked
        rankings["dense"] = dense.search(dense.embed(query) if vector is None else vector, n, mask)
    return rankings


def rank(catalog: Catalog, query: str, k: int, config: SearchConfig = DEFAULT, mask: np.ndarray | None = None,
         vector: np.ndarray | None = None) -> list[dict]:
    """The top k variables for an already-validated query."""
    rankings = retrieve(catalog, query, config, mask, vector)
    combine = fusion.rrf if config.rule == "rrf" else fusion.weighted
    fused = combine(rankings, config.weights)
    intent = detect_intent(query) if config.weights.get("intent") else {}
    if intent:
        scale = config.weights["intent"] / (fusion.RRF_K + 1) if config.rule == "rrf" else config.weights["intent"]
        for row in fused:
            fused[row] += scale * intent.get(TYPES[catalog.type_ids[row]], 0.0)
    best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
    own = {name: dict(zip(rows.tolist(), scores.tolist())) for name, (rows, scores) in rankings.items()}
    results = []
    for row, score in best:
        variable = catalog.summary(row)
        share = intent.get(variable["type"])
        results.append({
            **variable,
            "score": round(float(score), 6),
            "matched": {
                "lexical": _rounded(own.get("lexical", {}).get(row)),
                "dense": _rounded(own.get("dense", {}).get(row)),
                "keyword": _rounded(own.get("keyword", {}).get(row)),
                "intent": _rounded(share),
            },
        })
    return results


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def search(query: str, k: int = 20, *, type: str | None = None, data_type: str | None = None,
           record_set: str | None = None) -> list[dict]:
    """The k catalog variables that best match a marketer's description, best first.

    Raises InvalidInput (422) naming the parameter for bad input, CatalogUnavailable (503) naming the file
    when the catalog or an index is missing or corrupt.
    """
    query, k = validate(query, k, type, data_type, record_set)
    catalog = load_catalog()
    return rank(catalog, query, k, DEFAULT, catalog.mask(type=type, data_type=data_type, record_set=record_set))


def get_variable(code: str) -> dict | None:
    return load_catalog().get(code)
