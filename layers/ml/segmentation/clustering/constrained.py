"""Size-constrained K-medians (`metric="l1"`) and K-means (`metric="l2"`) with an exact assignment step.

Every cluster holds between `min_size` and `max_size` records, always: a bound below 1 is a fraction of
the n records (min count = ceil(min_size * n), max count = floor(max_size * n)), a bound of 1 or more is a
whole count of records. Lloyd's alternation is kept, but the assignment step solves, exactly, the
transportation problem

    minimise  sum_i C[i, label_i]   subject to   L <= |{i : label_i = j}| <= U  for every cluster j,

with C[i, j] = w_i * d(x_i, c_j) (d: L1 distance for K-medians, squared L2 for K-means). The constraint
matrix is totally unimodular, so the LP optimum is an assignment. It is solved on the k cluster prices:

1. Dual coordinate ascent (bulk of the work, vectorised NumPy): every point takes the cluster minimising
   C[i, j] + q_j; cluster by cluster, q_j is set to the exact maximiser of the LP dual in that coordinate
   (the price at which the cluster keeps exactly U points if it is over-full at q_j = 0, exactly L if it is
   under-full, else 0), chosen midway between two consecutive breakpoints so that no new tie is created.
   Prices are warm-started from the previous Lloyd iteration, where they are nearly right already.
2. Exact finish: successive shortest paths (min-cost flow) on the contracted residual graph of k + 1
   nodes (the clusters and the sink). Moving one point from cluster a to b costs min over i in a of
   C[i, b] - C[i, a]; the sink arcs carry each cluster's size above L. Starting from the prices of step 1
   (reduced costs are non-negative by construction), every remaining unit of excess travels along a
   shortest path found by Dijkstra on reduced costs, and the prices take the distances. Ties are ordinary
   zero-reduced-cost arcs. When no excess is left the flow is feasible and every residual arc has a
   non-negative reduced cost, which is the optimality certificate of min-cost flow: the assignment is an
   optimum of the transportation problem (tests check it against SciPy's linprog and the Hungarian
   method on expanded slots, and re-check the certificate).

Centres are then the optimum for fixed labels (coordinate-wise weighted medians for L1, weighted means
for L2), so the objective never increases. Sample weights weight the centres and the objective; the size
bounds count records. NumPy only (the serving layer carries no SciPy or scikit-learn).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from numbers import Integral, Real

import numpy as np

from segmentation.platform.errors import InvalidInput

METRICS = ("l1", "l2")
# The assignment works on k cluster prices, with O(k) passes over the records per round: made for k << n.
MAX_CLUSTERS = 100
DEFAULT_N_INIT = 20
DEFAULT_MAX_ITER = 50
# Lloyd iterations stop when the labels repeat or the objective improves by less than this fraction.
TOLERANCE = 1e-4
# Above this many records, the n_init runs of the search (_search) use a seeded sample of this size (same
# bounds as fractions) and the best centres and prices start one run on all the records.
RESTART_SAMPLE = 2000
# k chosen automatically: candidates k_min..min(k_max, 19) (the seed's range; k_min alone if above) ...
DEFAULT_K_CAP = 19
# ... each fitted on a seeded sample of this many records and scored by the silhouette on that sample.
SELECTION_SAMPLE = 2000
_ASCENT_ROUNDS = 30
# Squared L2 distances through a BLAS product from this many records on (see _distances).
_BLAS_FROM = 20000
# Against this many centres or more (the silhouette's pairwise distances), the distances run in blocks of
# centres broadcast over the features, of at most this many cells (features x centres x records): the
# memory stays in cache instead of streaming k x n arrays once per feature (about 2x on 2,000 x 41).
_BROADCAST_FROM_K = 64
_BROADCAST_CELLS = 1 << 21
# The ascent hands over to the exact finish once at most n / _FINISH_SHARE (at least 4) units are
# misplaced, or when a round no longer removes a quarter of them (a round over n records costs about as
# much as n / 500 shortest paths).
_FINISH_SHARE = 500
# Above this many records, an assignment with more than _finish_units(n) misplaced first takes its prices
# from a random quarter of the records (recursively).
_MULTILEVEL = 8000
_ASCENT_PROGRESS = 0.75


class ConstraintError(InvalidInput):
    """The size bounds cannot be met (no feasible k, or the requested k is infeasible); `field` names the
    parameter. An InvalidInput, so the API maps it to 422."""


# ---------------------------------------------------------------------------------------------- bounds


def _bound_fraction(value, field: str) -> Fraction | int:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidInput(f"{field} must be a number (a fraction below 1 or a count of records)", field)
    number = float(value)
    if not math.isfinite(number):
        raise InvalidInput(f"{field} must be finite, got {value!r}", field)
    if number <= 0:
        raise InvalidInput(f"{field} must be positive, got {value!r}", field)
    if number < 1:
        return Fraction(repr(number))  # the decimal the caller wrote: 0.07 is 7/100, not 0.07000000000000000666
    if number != int(number):
        raise InvalidInput(f"{field} = {value!r}: a fraction must be below 1, a count of records a whole number",
                           field)
    return int(number)


def resolve_bounds(n: int, min_size, max_size) -> tuple[int, int]:
    """(L, U): the least and most records a cluster of n records may hold."""
    low, high = _bound_fraction(min_size, "min_size"), _bound_fraction(max_size, "max_size")
    lower = math.ceil(low * n) if isinstance(low, Fraction) else low
    upper = math.floor(high * n) if isinstance(high, Fraction) else high
    if lower > upper:
        raise InvalidInput(f"min_size ({min_size!r}, {lower} of {n} records) exceeds max_size "
                           f"({max_size!r}, {upper} records)", "min_size")
    if upper < 1:
        raise ConstraintError(f"max_size {max_size!r} of {n} records allows no record in a cluster", "max_size")
    return lower, min(upper, n)


def feasible_k_range(n: int, min_size, max_size) -> tuple[int, int]:
    """(k_min, k_max): the numbers of clusters 2 <= k <= MAX_CLUSTERS for which k * L <= n <= k * U, with
    (L, U) from `resolve_bounds`. Raises ConstraintError when no such k is feasible."""
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
        raise InvalidInput(f"n must be a positive number of records, got {n!r}", "n")
    lower, upper = resolve_bounds(int(n), min_size, max_size)
    k_min, k_max = max(2, -(-n // upper)), min(n // lower, MAX_CLUSTERS)
    if k_min > MAX_CLUSTERS:
        raise ConstraintError(f"{n} records at most {upper} per cluster (max_size={max_size!r}) need {k_min} "
                              f"clusters, more than the {MAX_CLUSTERS} supported", "max_size")
    if k_min > k_max:
        raise ConstraintError(f"no number of clusters (k >= 2) fits {n} records at {lower}-{upper} records per "
                              f"cluster (min_size={min_size!r}, max_size={max_size!r})", "min_size")
    return k_min, k_max


def _check_k(k: int, n: int, lower: int, upper: int, min_size, max_size) -> None:
    if k * lower > n:
        raise ConstraintError(f"{k} clusters of at least {lower} records (min_size={min_size!r}) need {k * lower} "
                              f"records, there are {n}", "n_clusters")
    if k * upper < n:
        raise ConstraintError(f"{k} clusters of at most {upper} records (max_size={max_size!r}) hold {k * upper} "
                              f"records, there are {n}; at least {-(-n // upper)} clusters are needed",
                              "n_clusters")


# ------------------------------------------------------------------------------------ exact assignment


def _ascent(cost_t: np.ndarray, lower: int, upper: int, prices: np.ndarray, rounds: int) -> np.ndarray:
    """Gauss-Seidel coordinate ascent of the LP dual on the cluster prices (see the module docstring).
    cost_t is k x n (clusters in rows, so the reductions over clusters run along contiguous memory)."""
    k, n = cost_t.shape
    priced = cost_t + prices[:, None]
    previous = None
    for _ in range(rounds):
        for j in range(k):
            priced[j] = np.inf
            # point i stays in / moves to j exactly while q_j < breaks[i]
            breaks = priced.min(axis=0)
            breaks -= cost_t[j]
            if np.count_nonzero(breaks > 0) > upper:
                target = upper  # over-full at q_j = 0: raise q_j until exactly U points remain
            elif np.count_nonzero(breaks >= 0) < lower:
                target = lower  # under-full at q_j = 0: lower q_j until exactly L points come
            else:
                target = 0
            if target:
                # q_j between the target-th and (target + 1)-th largest breakpoints (target < n here)
                part = np.partition(breaks, [n - target - 1, n - target])
                above, below = part[n - target], part[n - target - 1]
                prices[j] = below + (above - below) / 2 if above > below else above
            else:
                prices[j] = 0.0
            np.add(cost_t[j], prices[j], out=priced[j])
        sizes = np.bincount(priced.argmin(axis=0), minlength=k)
        total = int(np.abs(_excess(sizes, prices, lower, upper)).sum())
        if total <= _finish_units(n) or (previous is not None and total > _ASCENT_PROGRESS * previous):
            break  # the exact finish moves what is left, one unit per shortest path
        previous = total
    return prices


def _finish_units(n: int) -> int:
    return max(4, n // _FINISH_SHARE)


def _flows(sizes: np.ndarray, prices: np.ndarray, price_t: float, lower: int, upper: int) -> np.ndarray:
    """Flow on each cluster's sink arc (its size above L) consistent with the prices: full where the
    cluster is priced above the sink, empty below, else as much of the size as fits."""
    return np.where(prices > price_t, upper - lower,
                    np.where(prices < price_t, 0, np.clip(sizes - lower, 0, upper - lower)))


def _excess(sizes, prices, lower, upper):
    return sizes - lower - _flows(sizes, prices, 0.0, lower, upper)


class _Moves:
    """For every ordered pair of clusters (a, b), the cheapest move of one point from a into b: the cost
    cost[i, b] - cost[i, a] and the point. Kept per cluster as the `depth` cheapest candidates for each b
    (skipping points that have left since) plus the points that joined since, rebuilt when either runs
    out, so that one move costs O(k * depth) instead of O(k * cluster size)."""

    def __init__(self, cost_t: np.ndarray, labels: np.ndarray, depth: int = 128):
        self.cost_t, self.labels, self.depth = cost_t, labels, depth
        k = cost_t.shape[0]
        self.weight = np.empty((k, k))
        self.point = np.empty((k, k), dtype=np.int64)
        self.candidates: list[np.ndarray] = [np.empty((k, 0), dtype=np.int64)] * k
        self.joined: list[list[int]] = [[] for _ in range(k)]
        self.built = np.zeros(k, dtype=bool)  # built on first use: a short search touches few clusters

    def row(self, a: int) -> np.ndarray:
        if not self.built[a]:
            self._rebuild(a)
            self.built[a] = True
        return self.weight[a]

    def _rebuild(self, a: int) -> None:
        k = self.cost_t.shape[0]
        members = np.flatnonzero(self.labels == a)
        self.joined[a] = []
        if len(members) == 0:
            self.candidates[a] = np.empty((k, 0), dtype=np.int64)
            self.weight[a], self.point[a] = np.inf, -1
            return
        delta = self.cost_t[:, members] - self.cost_t[a, members]
        if len(members) > self.depth:
            part = np.argpartition(delta, self.depth - 1, axis=1)[:, :self.depth]
        else:
            part = np.broadcast_to(np.arange(len(members)), (k, len(members)))
        values = np.take_along_axis(delta, part, axis=1)
        order = np.argsort(values, axis=1, kind="stable")
        self.candidates[a] = members[np.take_along_axis(part, order, axis=1)]
        self.weight[a] = np.take_along_axis(values, order[:, :1], axis=1)[:, 0]
        self.point[a] = self.candidates[a][:, 0]
        self.weight[a, a] = np.inf

    def _refresh(self, a: int) -> None:
        cand = self.candidates[a]
        valid = self.labels[cand] == a
        present = valid.any(axis=1)
        if cand.shape[1] == 0 or not present.all() or len(self.joined[a]) > self.depth:
            return self._rebuild(a)
        rows = np.arange(self.cost_t.shape[0])
        point = cand[rows, valid.argmax(axis=1)]
        weight = self.cost_t[rows, point] - self.cost_t[a, point]
        if self.joined[a]:
            joined = np.array(self.joined[a], dtype=np.int64)
            joined = joined[self.labels[joined] == a]
            self.joined[a] = joined.tolist()
            if len(joined):
                delta = self.cost_t[:, joined] - self.cost_t[a, joined]
                best = delta.argmin(axis=1)
                values = delta[rows, best]
                better = values < weight
                weight[better] = values[better]
                point[better] = joined[best][better]
        weight[a] = np.inf
        self.weight[a], self.point[a] = weight, point

    def move(self, point: int, source: int, target: int) -> None:
        self.labels[point] = target
        self.joined[target].append(point)

    def refresh(self, clusters) -> None:
        for a in clusters:
            if self.built[a]:
                self._refresh(a)


def constrained_assignment(cost: np.ndarray, lower: int, upper: int,
                           prices: np.ndarray | None = None, *, transposed: bool = False
                           ) -> tuple[np.ndarray, np.ndarray]:
    """Exact minimum of sum_i cost[i, label_i] with every cluster size in [lower, upper].

    cost is n x k (or k x n with transposed=True). Returns (labels, prices); prices are the optimal dual
    (cluster prices, normalised so the sink's is 0) and warm-start the next call. Requires
    k * lower <= n <= k * upper."""
    cost_t = np.ascontiguousarray(cost if transposed else cost.T, dtype=float)
    k, n = cost_t.shape
    if not (k * lower <= n <= k * upper):
        raise ConstraintError(f"{k} clusters of {lower}-{upper} records cannot hold {n} records", "n_clusters")
    prices = np.zeros(k) if prices is None else np.array(prices, dtype=float)
    labels = (cost_t + prices[:, None]).argmin(axis=0)
    sizes = np.bincount(labels, minlength=k)
    if np.abs(_excess(sizes, prices, lower, upper)).sum() > _finish_units(n):
        if n > _MULTILEVEL:
            # many records misplaced: first solve a random quarter (bounds scaled, rounded outwards so they
            # stay feasible); prices are per record, so its optimal prices nearly fit all the records
            m = n // 4
            part = np.sort(np.random.default_rng(n).choice(n, size=m, replace=False))
            prices = constrained_assignment(cost_t[:, part], lower * m // n, -(-upper * m // n), prices,
                                            transposed=True)[1]
            labels = (cost_t + prices[:, None]).argmin(axis=0)
            sizes = np.bincount(labels, minlength=k)
        if np.abs(_excess(sizes, prices, lower, upper)).sum() > _finish_units(n):
            prices = _ascent(cost_t, lower, upper, prices, _ASCENT_ROUNDS)
            labels = (cost_t + prices[:, None]).argmin(axis=0)
            sizes = np.bincount(labels, minlength=k)
    price_t = 0.0
    flows = _flows(sizes, prices, price_t, lower, upper)
    excess = np.append(sizes - lower - flows, flows.sum() - (n - k * lower))
    if not excess.any():
        return labels, prices
    # successive shortest paths on the clusters (0..k-1) and the sink (k)
    table = _Moves(cost_t, labels)
    sink = k
    span = upper - lower
    while excess.any():
        potential = np.append(prices, price_t)
        dist = np.where(excess > 0, 0.0, np.inf)
        parent = np.full(k + 1, -1)
        done = np.zeros(k + 1, dtype=bool)
        reduced = np.empty(k + 1)
        target = -1
        while True:  # Dijkstra from every node with excess on reduced costs
            open_dist = np.where(done, np.inf, dist)
            u = int(open_dist.argmin())
            if not math.isfinite(open_dist[u]):
                break
            done[u] = True
            if excess[u] < 0:
                target = u
                break
            if u < sink:
                reduced[:k] = table.row(u) + prices - prices[u]
                reduced[sink] = price_t - prices[u] if flows[u] < span else np.inf
            else:
                reduced[:k] = np.where(flows > 0, prices - price_t, np.inf)
                reduced[sink] = np.inf
            np.maximum(reduced, 0.0, out=reduced)  # non-negative in exact arithmetic; clip rounding
            better = ~done & (dist[u] + reduced < dist)
            dist[better] = dist[u] + reduced[better]
            parent[better] = u
        if target < 0:
            raise RuntimeError("no augmenting path although the size bounds are feasible")
        potential -= np.minimum(dist, dist[target])
        prices, price_t = potential[:k].copy(), float(potential[sink])
        path = [target]
        while parent[path[-1]] >= 0:
            path.append(int(parent[path[-1]]))
        path.reverse()
        arcs = list(itertools.pairwise(path))
        if all(sink in arc for arc in arcs):
            amount = min(excess[path[0]], -excess[target])
            for u, v in arcs:
                amount = min(amount, span - flows[u] if v == sink else flows[v])
        else:
            amount = 1
        touched = set()
        for u, v in arcs:
            if v == sink:
                flows[u] += amount
            elif u == sink:
                flows[v] -= amount
            else:
                table.move(int(table.point[u, v]), u, v)
                touched.update((u, v))
        table.refresh(touched)
        excess[path[0]] -= amount
        excess[target] += amount
    return labels, prices - price_t


# ------------------------------------------------------------------------------------------ clustering


def _distances(data: _Data, centers: np.ndarray, metric: str) -> np.ndarray:
    """k x n (centres in rows): L1 distances, or squared L2 distances, of every record to every centre.
    A loop over the features rather than a BLAS product: exact squared differences, and no BLAS threads,
    which for matrices this thin cost more than they save (60x slower on a busy 2-core machine); from
    _BLAS_FROM records on, squared L2 uses the product ||x||^2 - 2 x.c + ||c||^2, then faster."""
    k, n = centers.shape[0], data.X.shape[0]
    if metric == "l2" and n >= _BLAS_FROM:
        out = centers @ data.Xt
        out *= -2.0
        out += data.sq_norms[None, :]
        out += np.einsum("ij,ij->i", centers, centers)[:, None]
        np.maximum(out, 0.0, out=out)
        return out
    d = data.Xt.shape[0]
    out = np.empty((k, n))
    if d == 1 or k < _BROADCAST_FROM_K:
        out[:] = 0.0
        scratch = np.empty((k, n))
        for f, column in enumerate(data.Xt):
            np.subtract(column[None, :], centers[:, f][:, None], out=scratch)
            if metric == "l1":
                np.abs(scratch, out=scratch)
            else:
                np.square(scratch, out=scratch)
            out += scratch
        return out
    # many centres: blocks of them at once (d x block x n), summed over the features in
    # their order (a reduction over the outer axis adds feature by feature, as the loop above does)
    block = max(1, _BROADCAST_CELLS // (n * d))
    scratch = np.empty((d, min(block, k), n))
    centers_t = np.ascontiguousarray(centers.T)
    for start in range(0, k, block):
        stop = min(start + block, k)
        part = scratch[:, :stop - start]
        np.subtract(data.Xt[:, None, :], centers_t[:, start:stop, None], out=part)
        if metric == "l1":
            np.abs(part, out=part)
        else:
            np.square(part, out=part)
        np.add.reduce(part, axis=0, out=out[start:stop])
    return out


class _Data:
    """The records row-wise and feature-wise (the distance loops want contiguous features)."""

    def __init__(self, X: np.ndarray):
        self.X = X
        self.Xt = np.ascontiguousarray(X.T)
        self.sq_norms = np.einsum("ij,ij->i", X, X) if len(X) >= _BLAS_FROM else None
        self._order = None

    @property
    def order(self) -> np.ndarray:
        """d x n: each feature's records in ascending order (stable), sorted once for every Lloyd iteration."""
        if self._order is None:
            self._order = np.argsort(self.Xt, axis=1, kind="stable")
        return self._order


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Coordinate-wise lower weighted median of the rows of `values`."""
    order = np.argsort(values, axis=0, kind="stable")
    sorted_values = np.take_along_axis(values, order, axis=0)
    cumulative = np.cumsum(weights[order], axis=0)
    half = cumulative[-1] / 2.0
    index = (cumulative < half[None, :]).sum(axis=0)
    return sorted_values[np.minimum(index, len(values) - 1), np.arange(values.shape[1])]


def _medians(data: _Data, labels, k, weights, unweighted):
    """Coordinate-wise (weighted) medians of every cluster at once, from each feature's order sorted once
    (_Data.order): a stable sort of the labels along it (integers: a linear-time radix sort) puts every
    cluster's records together, in ascending order of the feature, for all features in one pass instead
    of sorting every cluster on every iteration. Unweighted: np.median exactly (the middle value, or the
    mean of the two middle ones). Weighted: the lower weighted median of _weighted_median, its cumulative
    weights taken as differences of one running sum (equal up to rounding). None where a cluster is empty
    or has no positive weight (the caller falls back to the per-cluster path)."""
    counts = np.bincount(labels, minlength=k)
    if (counts == 0).any():
        return None
    small = labels.astype(np.uint8 if k <= 255 else np.int16)
    regroup = np.argsort(small[data.order], axis=1, kind="stable")
    position = np.take_along_axis(data.order, regroup, axis=1)  # d x n: clusters in turn, values ascending
    values = np.take_along_axis(data.Xt, position, axis=1)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    if unweighted:
        low, high = values[:, starts + (counts - 1) // 2], values[:, starts + counts // 2]
        return np.where(counts % 2 == 1, low, (low + high) / 2).T
    running = np.cumsum(weights[position], axis=1)
    ends = running[:, starts + counts - 1]
    before = np.where(starts > 0, running[:, np.maximum(starts - 1, 0)], 0.0)
    totals = ends - before
    if (totals <= 0).any():
        return None
    group = np.repeat(np.arange(k), counts)
    below = (running - before[:, group]) < (totals / 2.0)[:, group]
    index = np.minimum(np.add.reduceat(below, starts, axis=1), counts - 1)
    return np.take_along_axis(values, starts + index, axis=1).T


# Cluster labels fit a byte for the radix sort of _medians up to this many clusters.
_MEDIANS_UP_TO = 255


def _centers(X, labels, k, metric, weights, unweighted, data: _Data | None = None):
    """The optimal centres for fixed labels: coordinate-wise (weighted) medians, or (weighted) means.
    Sums run without BLAS (see _distances)."""
    if metric == "l1" and data is not None and k <= _MEDIANS_UP_TO:
        centers = _medians(data, labels, k, weights, unweighted)
        if centers is not None:
            return centers
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    grouped = X[order]
    w_grouped = weights[order]
    centers = np.empty((k, X.shape[1]))
    for j in range(k):
        rows = grouped[bounds[j]:bounds[j + 1]]
        w = None if unweighted else w_grouped[bounds[j]:bounds[j + 1]]
        if w is not None and w.sum() <= 0:
            w = None
        if metric == "l1":
            centers[j] = np.median(rows, axis=0) if w is None else _weighted_median(rows, w)
        else:
            centers[j] = rows.mean(axis=0) if w is None else (rows * w[:, None]).sum(axis=0) / w.sum()
    return centers


def _plus_plus(data: _Data, k, metric, weights, rng):
    """k-means++ seeding (D^2 sampling for L2, D sampling for L1) with 2 + log k greedy trials per centre."""
    X = data.X
    n = X.shape[0]
    trials = 2 + int(math.log(k))
    centers = [X[rng.choice(n, p=weights / weights.sum())]]
    closest = _distances(data, np.array(centers), metric)[0]
    for _ in range(1, k):
        mass = weights * closest
        total = mass.sum()
        if total <= 0:
            candidates = rng.choice(n, size=trials)
        else:
            candidates = np.minimum(np.searchsorted(np.cumsum(mass), rng.random(trials) * total), n - 1)
        pot = np.minimum(closest[None, :], _distances(data, X[candidates], metric))
        best = int((pot * weights).sum(axis=1).argmin())
        centers.append(X[candidates[best]])
        closest = pot[best]
    return np.array(centers)


def _lloyd(data: _Data, k, lower, upper, metric, weights, unweighted, max_iter, rng, centers=None, prices=None):
    """One run: (labels, centres, objective, iterations, prices)."""
    X = data.X
    centers = _plus_plus(data, k, metric, weights, rng) if centers is None else centers
    labels = None
    previous = math.inf
    iterations = 0
    objective = math.inf
    for iterations in range(1, max_iter + 1):
        cost = _distances(data, centers, metric)
        if not unweighted:
            cost *= weights[None, :]
        if labels is not None:
            # the objective of the last labels with their updated centres, from this iteration's costs
            objective = float(cost[labels, np.arange(len(labels))].sum())
            if math.isfinite(previous) and previous - objective <= TOLERANCE * previous:
                return labels, centers, objective, iterations - 1, prices
            previous = objective
        new_labels, prices = constrained_assignment(cost, lower, upper, prices, transposed=True)
        repeated = labels is not None and np.array_equal(new_labels, labels)
        labels = new_labels
        if repeated:
            return labels, centers, objective, iterations, prices
        centers = _centers(X, labels, k, metric, weights, unweighted, data)
    return labels, centers, _objective(X, labels, centers, metric, weights), iterations, prices


def _search(data: _Data, lower, upper, weights, unweighted, k, metric, max_iter, n_init, rng):
    """n_init Lloyd runs: the first from k-means++ seeding, each further one a swap restart from the best
    so far: one of its centres (drawn at random) is replaced by a record drawn with probability
    proportional to its weighted distance (D^2 for L2) to the other centres, and Lloyd runs again from
    there (warm prices); the lowest objective is kept. On the benchmark mixtures this finds better optima
    than independent k-means++ restarts, and each swap run converges in a few iterations."""
    best = _lloyd(data, k, lower, upper, metric, weights, unweighted, max_iter,
                  np.random.default_rng(rng.integers(2**63)))
    for _ in range(n_init - 1):
        drop = int(rng.integers(k))
        rest = np.delete(best[1], drop, axis=0)
        mass = weights * _distances(data, rest, metric).min(axis=0)
        pick = int(np.searchsorted(np.cumsum(mass), rng.random() * mass.sum())) if mass.sum() > 0 else \
            int(rng.integers(len(mass)))
        start = np.vstack([rest, data.X[min(pick, len(mass) - 1)]])
        prices = None if best[4] is None else np.append(np.delete(best[4], drop), 0.0)
        run = _lloyd(data, k, lower, upper, metric, weights, unweighted, max_iter, rng, start, prices)
        if run[2] < best[2]:
            best = run
    return best


def _objective(X, labels, centers, metric, weights) -> float:
    diff = X - centers[labels]
    per_point = np.abs(diff).sum(axis=1) if metric == "l1" else np.einsum("ij,ij->i", diff, diff)
    return float((weights * per_point).sum())


def _pairwise(X: np.ndarray, metric: str) -> np.ndarray:
    data = _Data(X)
    distances = _distances(data, X, metric)
    return distances if metric == "l1" else np.sqrt(distances)


def _l1_cluster_sums(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """n x k: for every record, the sum of its L1 distances to the records of each cluster, without the
    n x n matrix: feature by feature, sum_l |x - v_l| over a cluster's sorted values v is
    c x - S_below + (S - S_below) - (m - c) x, with c of its m values at most x and S_below their sum
    (prefix sums, one binary search per record). O(k d n log n) instead of O(d n^2)."""
    n, d = X.shape
    sums = np.zeros((n, k))
    columns = np.ascontiguousarray(X.T)
    for j in range(k):
        members = np.sort(columns[:, labels == j], axis=1)  # d x m
        m = members.shape[1]
        prefix = np.zeros((d, m + 1))
        np.cumsum(members, axis=1, out=prefix[:, 1:])
        for f in range(d):
            x = columns[f]
            below = np.searchsorted(members[f], x, side="right")
            s_below = prefix[f, below]
            sums[:, j] += (2 * below - m) * x + prefix[f, m] - 2 * s_below
    return sums


def _silhouette_l1(X: np.ndarray, labels: np.ndarray) -> float:
    """The mean silhouette under the L1 distance, from _l1_cluster_sums (equal to silhouette() on the
    pairwise L1 matrix up to rounding)."""
    return _silhouette_from_sums(_l1_cluster_sums(X, labels, int(labels.max()) + 1), labels)


def silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette coefficient from a full pairwise distance matrix (as scikit-learn's
    silhouette_score with metric="precomputed"; points alone in their cluster score 0)."""
    k = int(labels.max()) + 1
    onehot = np.zeros((len(labels), k))
    onehot[np.arange(len(labels)), labels] = 1.0
    return _silhouette_from_sums(distances @ onehot, labels)


def silhouette_euclidean(X: np.ndarray, labels: np.ndarray, block_rows: int = 1024) -> float:
    """The mean silhouette under the Euclidean distance (scikit-learn's silhouette_score, metric
    "euclidean"), with the pairwise distances computed a block of rows at a time by the dot-product
    expansion (one BLAS product per block, as scikit-learn's euclidean_distances) and reduced at once to
    per-cluster sums (a product with the one-hot labels): never the whole matrix, no loop per point.
    Labels need not be contiguous (a sample may miss a cluster). Columns holding only 0 and 1 (one-hot,
    multi-hot) have their products taken in float32, where sums of 0/1 products are whole numbers below
    2**24 and so exact, at twice the speed; the other columns in float64."""
    X = np.asarray(X, dtype=np.float64)
    _values, labels = np.unique(np.asarray(labels), return_inverse=True)
    n, k = len(labels), int(labels.max()) + 1
    onehot = np.zeros((n, k))
    onehot[np.arange(n), labels] = 1.0
    norms = np.einsum("ij,ij->i", X, X)
    binary = np.all((X == 0.0) | (X == 1.0), axis=0) if X.shape[1] < 2 ** 24 else np.zeros(X.shape[1], bool)
    ones, rest = np.ascontiguousarray(X[:, binary], dtype=np.float32), np.ascontiguousarray(X[:, ~binary])
    sums = np.empty((n, k))
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        squared = rest[start:stop] @ rest.T
        squared += ones[start:stop] @ ones.T
        squared *= -2.0
        squared += norms[start:stop, None]
        squared += norms[None, :]
        np.maximum(squared, 0.0, out=squared)
        distances = np.sqrt(squared, out=squared)
        distances[np.arange(stop - start), np.arange(start, stop)] = 0.0  # a point's distance to itself
        sums[start:stop] = distances @ onehot
    return _silhouette_from_sums(sums, labels)


def _silhouette_from_sums(sums: np.ndarray, labels: np.ndarray) -> float:
    """The mean silhouette from the n x k sums of distances of every record to each cluster."""
    k = sums.shape[1]
    counts = np.bincount(labels, minlength=k).astype(float)
    own = counts[labels]
    a = sums[np.arange(len(labels)), labels] / np.maximum(own - 1, 1)
    mean_to = sums / np.maximum(counts, 1)[None, :]
    mean_to[np.arange(len(labels)), labels] = np.inf
    b = mean_to.min(axis=1)
    s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), np.finfo(float).tiny), 0.0)
    return float(s.mean())


class SizeConstrainedClustering:
    """Size-constrained K-medians (metric="l1") or K-means (metric="l2"); see the module docstring.

    n_clusters: k, or None to choose k in the feasible range (narrowed by k_range if given, else capped at
    DEFAULT_K_CAP = 19 as in the seed) by the mean silhouette of a constrained fit on a seeded sample of
    SELECTION_SAMPLE records (same bounds as fractions of n). n_init Lloyd runs (default 20): one from
    k-means++ seeding, then swap restarts from the best so far (see _search); above RESTART_SAMPLE
    records they run on a seeded sample and the best centres start a single run on all the records.
    Attributes after fit: labels_, cluster_centers_, n_iter_ (of the kept run), objective_ (sum of w_i * L1 distance, or of w_i * squared L2 distance, to the own centre),
    n_clusters_, sizes_, and k_scores_ ({k: silhouette}) when k was chosen.
    """

    def __init__(self, n_clusters: int | None = None, *, min_size: float = 0.05, max_size: float = 0.10,
                 metric: str = "l1", n_init: int = DEFAULT_N_INIT, max_iter: int = DEFAULT_MAX_ITER,
                 random_state: int | None = 0, k_range: tuple[int, int] | None = None):
        self.n_clusters = n_clusters
        self.min_size = min_size
        self.max_size = max_size
        self.metric = metric
        self.n_init = n_init
        self.max_iter = max_iter
        self.random_state = random_state
        self.k_range = k_range
        self._check_params()

    def _check_params(self) -> None:
        def positive_int(value, field, least):
            if isinstance(value, bool) or not isinstance(value, Integral) or value < least:
                raise InvalidInput(f"{field} must be an integer >= {least}, got {value!r}", field)

        if self.n_clusters is not None:
            positive_int(self.n_clusters, "n_clusters", 2)
            if self.n_clusters > MAX_CLUSTERS:
                raise InvalidInput(f"n_clusters must be at most {MAX_CLUSTERS} (the assignment works on k "
                                   f"cluster prices and is made for k much smaller than n), got "
                                   f"{self.n_clusters}", "n_clusters")
        if self.metric not in METRICS:
            raise InvalidInput(f"metric must be one of {', '.join(METRICS)}, got {self.metric!r}", "metric")
        positive_int(self.n_init, "n_init", 1)
        positive_int(self.max_iter, "max_iter", 1)
        if self.random_state is not None:
            positive_int(self.random_state, "random_state", 0)
        if self.k_range is not None and (
                not isinstance(self.k_range, (tuple, list)) or len(self.k_range) != 2
                or any(isinstance(v, bool) or not isinstance(v, Integral) for v in self.k_range)
                or not 2 <= self.k_range[0] <= self.k_range[1] <= MAX_CLUSTERS):
            raise InvalidInput(f"k_range must be (low, high) integers with 2 <= low <= high <= {MAX_CLUSTERS}, "
                               f"got {self.k_range!r}", "k_range")
        for field in ("min_size", "max_size"):
            _bound_fraction(getattr(self, field), field)

    def fit(self, X, sample_weight=None) -> SizeConstrainedClustering:
        self._check_params()
        X, weights, unweighted = _check_data(X, sample_weight)
        n = X.shape[0]
        lower, upper = resolve_bounds(n, self.min_size, self.max_size)
        rng = np.random.default_rng(self.random_state)
        self.k_scores_ = None
        if self.n_clusters is None:
            k = self._choose_k(X, weights, unweighted, rng)
        else:
            k = int(self.n_clusters)
        _check_k(k, n, lower, upper, self.min_size, self.max_size)
        args = (k, self.metric, self.max_iter, self.n_init, rng)
        low, high = _sample_bounds(n, RESTART_SAMPLE, self.min_size, self.max_size)
        if n > RESTART_SAMPLE and self.n_init > 1 and k * low <= RESTART_SAMPLE <= k * high:
            # the search runs on a sample; its best centres and prices start one run on all the records
            sample = rng.choice(n, size=RESTART_SAMPLE, replace=False)
            start = _search(_Data(X[sample]), low, high, weights[sample], unweighted, *args)
            best = _lloyd(_Data(X), k, lower, upper, self.metric, weights, unweighted, self.max_iter, rng,
                          start[1], start[4])
        else:
            best = _search(_Data(X), lower, upper, weights, unweighted, *args)
        self.labels_, self.cluster_centers_, self.objective_, self.n_iter_ = best[:4]
        self.n_clusters_ = k
        self.sizes_ = np.bincount(self.labels_, minlength=k)
        return self

    def _choose_k(self, X, weights, unweighted, rng) -> int:
        n = X.shape[0]
        k_min, k_max = feasible_k_range(n, self.min_size, self.max_size)
        if self.k_range is not None:
            k_min, k_max = max(k_min, self.k_range[0]), min(k_max, self.k_range[1])
            if k_min > k_max:
                raise ConstraintError(f"k_range {tuple(self.k_range)} holds no feasible number of clusters; "
                                      f"feasible: {feasible_k_range(n, self.min_size, self.max_size)}", "k_range")
        if self.k_range is None:
            k_max = max(k_min, min(k_max, DEFAULT_K_CAP))
        sample = rng.choice(n, size=SELECTION_SAMPLE, replace=False) if n > SELECTION_SAMPLE else np.arange(n)
        Xs, ws = X[sample], weights[sample]
        m = len(sample)
        low, high = _sample_bounds(n, m, self.min_size, self.max_size)
        # L1: the silhouette from per-cluster sorted prefix sums; L2: from the pairwise Euclidean matrix
        distances = None if self.metric == "l1" else _pairwise(Xs, self.metric)
        data = _Data(Xs)
        scores = {}
        for k in range(k_min, k_max + 1):
            if not (k * low <= m <= k * high):
                continue
            labels = _lloyd(data, k, low, high, self.metric, ws, unweighted, self.max_iter,
                            np.random.default_rng(rng.integers(2**63)))[0]
            scores[k] = _silhouette_l1(Xs, labels) if distances is None else silhouette(distances, labels)
        if not scores:
            raise ConstraintError(f"no k in {k_min}..{k_max} is feasible on a sample of {m} records", "k_range")
        self.k_scores_ = scores
        return max(scores, key=lambda k: (scores[k], -k))


def _sample_bounds(n: int, m: int, min_size, max_size) -> tuple[int, int]:
    """The bounds on a sample of m of the n records: the same fractions of the records."""
    lower, upper = resolve_bounds(n, min_size, max_size)
    return max(1, math.floor(lower * m / n)), max(1, math.ceil(upper * m / n))


def _check_data(X, sample_weight):
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"X must be a numeric matrix: {error}", "X") from error
    if X.ndim != 2:
        raise InvalidInput(f"X must be a 2-D matrix (records x features), got {X.ndim} dimension(s)", "X")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise InvalidInput(f"X is empty ({X.shape[0]} records x {X.shape[1]} features)", "X")
    if not np.isfinite(X).all():
        bad = np.argwhere(~np.isfinite(X))[0]
        raise InvalidInput(f"X has non-finite values (first at record {bad[0]}, feature {bad[1]})", "X")
    if sample_weight is None:
        return X, np.ones(X.shape[0]), True
    try:
        weights = np.asarray(sample_weight, dtype=float)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"sample_weight must be numeric: {error}", "sample_weight") from error
    if weights.shape != (X.shape[0],):
        raise InvalidInput(f"sample_weight must have one weight per record ({X.shape[0]}), got shape "
                           f"{weights.shape}", "sample_weight")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise InvalidInput("sample_weight must be finite and non-negative", "sample_weight")
    if weights.sum() <= 0:
        raise InvalidInput("sample_weight must not be all zero", "sample_weight")
    return X, weights, False
