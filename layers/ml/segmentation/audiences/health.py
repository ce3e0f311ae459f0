"""The seed's health components of the audience builder, for GET /api/health (platform/health.py)."""

from typing import Any


def variable_selector() -> dict[str, Any]:
    """The catalog search (issue 12) answers a query."""
    from segmentation.audiences.builder import _search_module

    _catalog, search = _search_module()
    results = search.search("household income", k=1)
    return {"ok": bool(results), "top": results[0]["code"] if results else None}


def clustering_engine() -> dict[str, Any]:
    """The size-constrained clusterer (issue 13) splits a small fixed problem within its bounds."""
    import numpy as np

    from segmentation.audiences.builder import _clusterer

    points = np.arange(40, dtype=np.float64).reshape(20, 2)
    model = _clusterer()(4, min_size=4, max_size=6, metric="l1", random_state=0).fit(points)
    sizes = np.bincount(model.labels_, minlength=4)
    return {"ok": bool(((sizes >= 4) & (sizes <= 6)).all()), "sizes": sizes.tolist()}


def data_retriever() -> dict[str, Any]:
    """The built-in record sets load and match their manifests."""
    from segmentation.audiences import records

    sets = {name: records.load_builtin(name).n for name in ("panel", "zcta")}
    return {"ok": True, "record_sets": sets}


CHECKS = {"variable_selector": variable_selector, "clustering_engine": clustering_engine,
          "data_retriever": data_retriever}
