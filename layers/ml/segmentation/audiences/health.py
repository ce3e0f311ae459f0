"""The seed's health components of the audience builder, as checks of the one health contract
(platform/health.py: a check raises or returns False when its component is not usable)."""


def variable_selector() -> bool:
    """The catalog search (issue 12) answers a query."""
    from segmentation.audiences.builder import _search_module

    _catalog, search = _search_module()
    return bool(search.search("household income", k=1))


def clustering_engine() -> bool:
    """The size-constrained clusterer (issue 13) splits a small fixed problem within its bounds."""
    import numpy as np

    from segmentation.audiences.builder import _clusterer

    points = np.arange(40, dtype=np.float64).reshape(20, 2)
    sizes = np.bincount(_clusterer()(4, min_size=4, max_size=6, metric="l1", random_state=0).fit(points).labels_,
                        minlength=4)
    return bool(((sizes >= 4) & (sizes <= 6)).all())


def data_retriever() -> bool:
    """The built-in record sets load and match their manifests' hashes."""
    from segmentation.audiences import records

    return all(records.load_builtin(name).n > 0 for name in ("panel", "zcta"))


CHECKS = {"variable_selector": variable_selector, "clustering_engine": clustering_engine,
          "data_retriever": data_retriever}
