"""Size-constrained K-medians / K-means: the assignment step is exact (against SciPy's LP solver, the
Hungarian method on expanded slots and an independent negative-cycle check), the bounds always hold
(hypothesis), and bad input is refused naming the parameter."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import linear_sum_assignment, linprog
from segmentation.clustering.constrained import (
    ConstraintError,
    SizeConstrainedClustering,
    _centers,
    _Data,
    _silhouette_l1,
    _weighted_median,
    constrained_assignment,
    feasible_k_range,
    resolve_bounds,
    silhouette,
    silhouette_euclidean,
)
from segmentation.clustering.features import encode_columns, encode_mixed
from segmentation.platform.errors import InvalidInput
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score


def lp_optimum(cost, lower, upper):
    n, k = cost.shape
    a_eq = np.kron(np.eye(n), np.ones(k))
    per_cluster = np.kron(np.ones(n), np.eye(k))
    result = linprog(cost.ravel(), A_ub=np.vstack([per_cluster, -per_cluster]),
                     b_ub=np.r_[np.full(k, upper), np.full(k, -lower)], A_eq=a_eq, b_eq=np.ones(n),
                     bounds=(0, 1), method="highs")
    assert result.status == 0
    return result.fun


def hungarian_optimum(cost, lower, upper):
    """Each cluster as U slots, the first L of them mandatory (a large bonus forces them filled)."""
    _, k = cost.shape
    big = 1e6 * (1 + np.abs(cost).max())
    slots = np.repeat(cost, upper, axis=1)
    mandatory = np.tile(np.arange(upper) < lower, k)
    rows, cols = linear_sum_assignment(slots - big * mandatory)
    assert mandatory[cols].sum() == k * lower
    return cost[rows, cols // upper].sum()


def negative_cycle(cost, labels, lower, upper):
    """Bellman-Ford on the residual graph contracted to the clusters and the sink: True if the
    assignment can be improved (a negative cycle exists)."""
    _, k = cost.shape
    sizes = np.bincount(labels, minlength=k)
    edges = []
    for a in range(k):
        members = labels == a
        if not members.any():
            continue
        delta = (cost[members] - cost[members, a][:, None]).min(axis=0)
        edges += [(a, b, delta[b]) for b in range(k) if b != a]
        if sizes[a] < upper:
            edges.append((a, k, 0.0))
        if sizes[a] > lower:
            edges.append((k, a, 0.0))
    dist = np.zeros(k + 1)
    tolerance = 1e-9 * (1 + np.abs(cost).max())
    for _ in range(k + 1):
        changed = False
        for u, v, w in edges:
            if dist[u] + w < dist[v] - tolerance:
                dist[v] = dist[u] + w
                changed = True
        if not changed:
            return False
    return True


def random_instance(rng):
    n, k = int(rng.integers(2, 40)), int(rng.integers(2, 6))
    lower = int(rng.integers(0, n // k + 1))
    upper = int(rng.integers(max(lower, -(-n // k), 1), n + 1))
    if rng.random() < 0.3:
        cost = rng.integers(0, 4, size=(n, k)).astype(float)  # many exact ties
    else:
        cost = rng.random((n, k)) * rng.random(k) * 10
    return cost, lower, upper


def test_assignment_matches_the_lp_optimum_and_the_hungarian_method():
    rng = np.random.default_rng(7)
    checked = 0
    while checked < 120:
        cost, lower, upper = random_instance(rng)
        n, k = cost.shape
        if not (k * lower <= n <= k * upper):
            continue
        labels, _ = constrained_assignment(cost, lower, upper)
        sizes = np.bincount(labels, minlength=k)
        assert sizes.min() >= lower and sizes.max() <= upper
        ours = cost[np.arange(n), labels].sum()
        assert ours == pytest.approx(lp_optimum(cost, lower, upper), rel=1e-9, abs=1e-9)
        if checked % 3 == 0:
            assert ours == pytest.approx(hungarian_optimum(cost, lower, upper), rel=1e-9, abs=1e-6)
        checked += 1


def test_assignment_is_optimal_at_scale_and_warm_starts():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20000, 5))
    centers = X[rng.choice(len(X), 12, replace=False)]
    cost = np.abs(X[:, None, :] - centers[None]).sum(axis=2)
    lower, upper = resolve_bounds(len(X), 0.05, 0.10)
    labels, prices = constrained_assignment(cost, lower, upper)
    sizes = np.bincount(labels, minlength=12)
    assert sizes.min() >= lower and sizes.max() <= upper
    assert not negative_cycle(cost, labels, lower, upper)
    # the optimal prices certify the assignment: every point at its cheapest priced cluster
    priced = cost + prices
    assert np.all(priced[np.arange(len(X)), labels] <= priced.min(axis=1) + 1e-9)
    moved = cost + rng.normal(scale=0.05, size=cost.shape)
    warm, _ = constrained_assignment(moved, lower, upper, prices)
    cold, _ = constrained_assignment(moved, lower, upper)
    assert moved[np.arange(len(X)), warm].sum() == pytest.approx(moved[np.arange(len(X)), cold].sum(), rel=1e-12)
    assert not negative_cycle(moved, warm, lower, upper)


def test_assignment_is_exact_when_solved_from_a_sample_first():
    """Many records misplaced at the start (one cluster cheapest for most): the prices come from a random
    quarter first; the result is still the LP optimum, ties included (costs rounded to 0.1)."""
    rng = np.random.default_rng(12)
    n, k = 9000, 5
    X = rng.normal(size=(n, 3))
    centres = rng.normal(size=(k, 3)) * 0.2 + np.array([1.5, 0, 0])
    cost = np.round(np.abs(X[:, None] - centres[None]).sum(axis=2) + np.arange(k) * 0.3, 1)
    lower, upper = resolve_bounds(n, 0.15, 0.25)
    assert np.abs(np.bincount(cost.argmin(axis=1), minlength=k) - np.clip(
        np.bincount(cost.argmin(axis=1), minlength=k), lower, upper)).sum() > n // 500
    a_eq = sparse.kron(sparse.eye(n), np.ones((1, k)), format="csr")
    per_cluster = sparse.kron(np.ones((1, n)), sparse.eye(k), format="csr")
    reference = linprog(cost.ravel(), A_ub=sparse.vstack([per_cluster, -per_cluster]),
                        b_ub=np.r_[np.full(k, upper), np.full(k, -lower)], A_eq=a_eq, b_eq=np.ones(n),
                        bounds=(0, 1), method="highs")
    labels, _ = constrained_assignment(cost, lower, upper)
    sizes = np.bincount(labels, minlength=k)
    assert sizes.min() >= lower and sizes.max() <= upper
    assert cost[np.arange(n), labels].sum() == pytest.approx(reference.fun, rel=1e-12)


def test_negative_cycle_check_can_fail():
    cost = np.array([[0.0, 5.0], [5.0, 0.0], [0.0, 5.0], [5.0, 0.0]])
    assert negative_cycle(cost, np.array([1, 0, 0, 1]), 2, 2)
    assert not negative_cycle(cost, np.array([0, 1, 0, 1]), 2, 2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_sizes_always_satisfy_the_bounds(data):
    n = data.draw(st.integers(4, 240), label="n")
    d = data.draw(st.integers(1, 4), label="d")
    values = st.one_of(st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False), st.sampled_from([0.0, 1.0]))
    X = np.array(data.draw(st.lists(st.lists(values, min_size=d, max_size=d), min_size=n, max_size=n)))
    as_fractions = data.draw(st.booleans(), label="fractions")
    if as_fractions:
        low = data.draw(st.floats(0.01, 0.5), label="min_size")
        high = data.draw(st.floats(low, 0.99), label="max_size")
    else:
        low = data.draw(st.integers(1, n // 2), label="min_size")
        high = data.draw(st.integers(low, n), label="max_size")
    try:
        k_min, k_max = feasible_k_range(n, low, high)
    except InvalidInput:  # no feasible k, or min above max once rounded to records
        return
    k = data.draw(st.integers(k_min, min(k_max, k_min + 6)), label="k")
    metric = data.draw(st.sampled_from(["l1", "l2"]), label="metric")
    weights = data.draw(st.one_of(st.none(), st.just("random")), label="weights")
    sample_weight = None if weights is None else np.random.default_rng(n).random(n) + 0.01
    model = SizeConstrainedClustering(k, min_size=low, max_size=high, metric=metric, n_init=2,
                                      max_iter=10, random_state=n).fit(X, sample_weight)
    lower, upper = resolve_bounds(n, low, high)
    assert model.labels_.shape == (n,) and model.n_clusters_ == k
    assert model.sizes_.sum() == n and model.sizes_.min() >= lower and model.sizes_.max() <= upper
    assert np.array_equal(model.sizes_, np.bincount(model.labels_, minlength=k))


@pytest.mark.parametrize("metric", ["l1", "l2"])
def test_fit_reports_a_consistent_objective_and_is_reproducible(metric):
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(loc, 1.0, size=(size, 3)) for loc, size in [(0, 400), (6, 150), (12, 50)]])
    weights = rng.random(len(X)) + 0.5
    model = SizeConstrainedClustering(8, min_size=0.10, max_size=0.15, metric=metric).fit(X, weights)
    again = SizeConstrainedClustering(8, min_size=0.10, max_size=0.15, metric=metric).fit(X, weights)
    assert np.array_equal(model.labels_, again.labels_)
    assert model.sizes_.min() >= 60 and model.sizes_.max() <= 90
    diff = X - model.cluster_centers_[model.labels_]
    per_point = np.abs(diff).sum(axis=1) if metric == "l1" else (diff ** 2).sum(axis=1)
    assert model.objective_ == pytest.approx(float(weights @ per_point))
    assert 1 <= model.n_iter_ <= model.max_iter
    # centres are the optimum for the final labels: weighted medians (L1) or weighted means (L2)
    for j in range(8):
        members = model.labels_ == j
        if metric == "l2":
            expected = np.average(X[members], axis=0, weights=weights[members])
            assert np.allclose(model.cluster_centers_[j], expected)
        else:
            centre_cost = np.abs(X[members] - model.cluster_centers_[j]) * weights[members, None]
            for shift in (-1e-3, 1e-3):
                assert (np.abs(X[members] - model.cluster_centers_[j] - shift) * weights[members, None]).sum(
                    axis=0).min() >= centre_cost.sum(axis=0).min() - 1e-9


def test_weighted_median_minimises_the_weighted_l1_cost():
    rng = np.random.default_rng(1)
    values, weights = rng.normal(size=(31, 4)), rng.random(31)
    median = _weighted_median(values, weights)
    for f in range(4):
        costs = [(weights * np.abs(values[:, f] - c)).sum() for c in values[:, f]]
        assert (weights * np.abs(values[:, f] - median[f])).sum() == pytest.approx(min(costs))


def test_loose_bounds_give_plain_kmeans_quality():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(1500, 4)) + rng.integers(0, 3, size=(1500, 1)) * 4
    ours = SizeConstrainedClustering(5, min_size=1, max_size=1500, metric="l2").fit(X)
    reference = KMeans(5, n_init=3, random_state=0).fit(X)
    assert ours.objective_ <= reference.inertia_ * 1.01


def test_silhouette_matches_scikit_learn():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(120, 3))
    labels = rng.integers(0, 4, size=120)
    labels[:4] = [0, 1, 2, 3]
    distances = np.abs(X[:, None] - X[None]).sum(axis=2)
    assert silhouette(distances, labels) == pytest.approx(silhouette_score(distances, labels, metric="precomputed"))


@pytest.mark.parametrize("block_rows", [7, 1024])
def test_euclidean_silhouette_in_blocks_matches_scikit_learn(block_rows):
    rng = np.random.default_rng(24)
    X = np.hstack([rng.normal(size=(300, 2)), rng.integers(0, 2, size=(300, 12)).astype(float)])  # as one-hot
    labels = rng.integers(0, 4, size=300) * 3  # not contiguous: a sample can miss a cluster
    X[:10] = X[10]  # duplicates: zero distances besides the diagonal
    assert silhouette_euclidean(X, labels, block_rows) == pytest.approx(silhouette_score(X, labels), abs=1e-12)


def test_l1_silhouette_without_the_pairwise_matrix_matches_scikit_learn():
    rng = np.random.default_rng(14)
    X = np.hstack([rng.normal(size=(150, 2)), rng.integers(0, 2, size=(150, 5)) * 0.5])  # ties, as one-hot
    labels = rng.integers(0, 5, size=150)
    labels[:5] = range(5)
    assert _silhouette_l1(X, labels) == pytest.approx(silhouette_score(X, labels, metric="manhattan"), abs=1e-12)


@pytest.mark.parametrize("unweighted", [True, False])
def test_medians_of_all_clusters_at_once_equal_the_per_cluster_medians(unweighted):
    rng = np.random.default_rng(15)
    X = np.hstack([rng.normal(size=(400, 3)), rng.integers(0, 3, size=(400, 4)) * 0.5])
    labels = np.concatenate([np.arange(7), rng.integers(0, 7, size=393)])
    weights = np.ones(400) if unweighted else rng.random(400) + 0.1
    fast = _centers(X, labels, 7, "l1", weights, unweighted, _Data(X))  # the sorted-once path
    for j in range(7):
        members = labels == j
        expected = np.median(X[members], axis=0) if unweighted else _weighted_median(X[members], weights[members])
        assert np.array_equal(fast[j], expected)


def test_k_is_chosen_by_the_silhouette_in_the_feasible_range():
    rng = np.random.default_rng(5)
    X = np.vstack([rng.normal(loc, 0.3, size=(100, 2)) for loc in ([0, 0], [5, 5], [0, 8])])
    model = SizeConstrainedClustering(min_size=0.2, max_size=0.5, metric="l1").fit(X)
    assert set(model.k_scores_) == {2, 3, 4, 5}
    assert model.n_clusters_ == 3 and list(model.sizes_) == [100, 100, 100]
    narrowed = SizeConstrainedClustering(min_size=0.2, max_size=0.5, k_range=(4, 9)).fit(X)
    assert set(narrowed.k_scores_) == {4, 5} and narrowed.n_clusters_ in (4, 5)


def test_bounds_and_the_feasible_range():
    assert resolve_bounds(2000, 0.05, 0.10) == (100, 200)
    assert resolve_bounds(100, 0.07, 0.13) == (7, 13)  # the decimal written, not 0.07000000000000000666
    assert resolve_bounds(101, 0.05, 0.10) == (6, 10)
    assert resolve_bounds(500, 30, 60) == (30, 60)
    assert resolve_bounds(500, 0.05, 40) == (25, 40)
    assert feasible_k_range(1000, 0.05, 0.10) == (10, 20)
    assert feasible_k_range(10, 0.3, 0.9) == (2, 3)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"min_size": 0.0}, "min_size"), ({"min_size": -0.1}, "min_size"), ({"max_size": 0}, "max_size"),
    ({"max_size": 1.5}, "max_size"), ({"min_size": float("nan")}, "min_size"), ({"n_clusters": 1}, "n_clusters"),
    ({"n_clusters": 0}, "n_clusters"), ({"n_clusters": 2.5}, "n_clusters"), ({"metric": "cosine"}, "metric"),
    ({"n_init": 0}, "n_init"), ({"max_iter": 0}, "max_iter"), ({"k_range": (1, 5)}, "k_range"),
    ({"k_range": (6, 5)}, "k_range"), ({"min_size": "5%"}, "min_size"), ({"n_clusters": 101}, "n_clusters"),
    ({"k_range": (2, 101)}, "k_range"),
])
def test_bad_parameters_are_refused_naming_them(kwargs, field):
    with pytest.raises(InvalidInput) as error:
        SizeConstrainedClustering(**kwargs)
    assert error.value.field == field and isinstance(error.value, ValueError)


def test_bad_data_and_infeasible_requests_are_refused_naming_the_parameter():
    X = np.random.default_rng(0).normal(size=(2000, 3))
    cases = [
        (lambda: SizeConstrainedClustering(7).fit(X), "n_clusters", "at least 10 clusters are needed"),
        (lambda: SizeConstrainedClustering(25).fit(X), "n_clusters", "need 2500 records"),
        (lambda: SizeConstrainedClustering(10, min_size=0.2, max_size=0.1).fit(X), "min_size", "exceeds max_size"),
        (lambda: SizeConstrainedClustering(10).fit(np.empty((0, 3))), "X", "empty"),
        (lambda: SizeConstrainedClustering(10).fit(np.where(np.arange(6000).reshape(2000, 3) == 7, np.inf, X)), "X",
         "non-finite"),
        (lambda: SizeConstrainedClustering(10).fit(np.where(np.arange(6000).reshape(2000, 3) == 7, np.nan, X)), "X",
         "non-finite"),
        (lambda: SizeConstrainedClustering(10).fit(X[:, 0]), "X", "2-D"),
        (lambda: SizeConstrainedClustering(10).fit([["a", "b"]] * 20), "X", "numeric"),
        (lambda: SizeConstrainedClustering(10).fit(X, -np.ones(2000)), "sample_weight", "non-negative"),
        (lambda: SizeConstrainedClustering(10).fit(X, np.ones(5)), "sample_weight", "one weight per record"),
        (lambda: SizeConstrainedClustering(min_size=0.6, max_size=0.9).fit(X), "min_size", "no number of clusters"),
        (lambda: SizeConstrainedClustering(k_range=(30, 40)).fit(X), "k_range", "no feasible"),
        (lambda: feasible_k_range(0, 0.05, 0.1), "n", "positive"),
    ]
    for call, field, words in cases:
        with pytest.raises(InvalidInput) as error:
            call()
        assert error.value.field == field, (field, str(error.value))
        assert words in str(error.value)
    with pytest.raises(ConstraintError):
        SizeConstrainedClustering(7).fit(X)


def test_identical_records_still_meet_the_bounds():
    X = np.ones((50, 2))
    model = SizeConstrainedClustering(4, min_size=0.2, max_size=0.3).fit(X)
    assert model.sizes_.min() >= 10 and model.sizes_.max() <= 15 and model.objective_ == 0


def test_mixed_records_encode_to_scaled_numbers_and_one_hot():
    rows = [{"age": 20, "spend": 10.0, "region": "north"}, {"age": 40, "spend": 30.0, "region": "south"},
            {"age": 60, "spend": 20.0, "region": None}, {"age": 30, "spend": 20.0, "region": "north"}]
    encoded = encode_mixed(rows, numeric=["age", "spend"], categorical=["region"])
    assert encoded.feature_names == ["age", "spend", "region=(missing)", "region=north", "region=south"]
    age = np.array([20, 40, 60, 30.0])
    assert np.allclose(encoded.matrix[:, 0], (age - 35) / np.mean(np.abs(age - 35)))
    assert np.abs(encoded.matrix[0, 2:] - encoded.matrix[1, 2:]).sum() == 1.0
    centre = encoded.decode_center(encoded.matrix[[0, 3]].mean(axis=0))
    assert centre["age"] == pytest.approx(25) and centre["region"] == {"value": "north", "share": 1.0}
    with pytest.raises(InvalidInput) as error:
        encode_mixed([{"age": "old"}], numeric=["age"])
    assert error.value.field == "age"
    with pytest.raises(InvalidInput) as error:
        encode_mixed([{"age": math.nan}], numeric=["age"])
    assert error.value.field == "age"


def test_encoding_columns_equals_encoding_records():
    rows = [{"age": 20, "region": "north"}, {"age": 40, "region": None}, {"age": 35, "region": "south"}]
    by_rows = encode_mixed(rows, numeric=["age"], categorical=["region"])
    by_columns = encode_columns({"age": np.array([20.0, 40.0, 35.0])}, {"region": ["north", "(missing)", "south"]})
    assert np.array_equal(by_rows.matrix, by_columns.matrix) and by_rows.feature_names == by_columns.feature_names
    assert by_rows.numeric == by_columns.numeric and by_rows.categories == by_columns.categories


def test_large_inputs_search_on_a_sample_then_fit_all_records():
    rng = np.random.default_rng(8)
    X = np.vstack([rng.normal(loc, 1.0, size=(size, 4)) for loc, size in [(0, 1800), (5, 900), (10, 300)]])
    weights = rng.random(len(X)) + 0.5
    model = SizeConstrainedClustering(12, min_size=0.05, max_size=0.10, metric="l2").fit(X, weights)
    assert model.sizes_.min() >= 150 and model.sizes_.max() <= 300
    assert np.array_equal(model.labels_, SizeConstrainedClustering(12, metric="l2").fit(X, weights).labels_)
    many = SizeConstrainedClustering(100, min_size=1, max_size=2, metric="l1", n_init=2).fit(X[:150])
    assert many.sizes_.min() >= 1 and many.sizes_.max() <= 2
