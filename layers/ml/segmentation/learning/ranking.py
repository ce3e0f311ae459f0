"""Ranking styles by a Bayesian Beta posterior of their helpful rate.

Each style's helpful rate gets a uniform prior Beta(1, 1); after h helpful and u unhelpful answers the
posterior is Beta(1 + h, 1 + u). Styles are ranked by the posterior's 5% quantile (a lower credible
bound), so a style needs evidence as well as a high rate: 1/1 gives 0.22, 45/50 gives 0.81.
Events without feedback (`none`) are runs but not evidence either way.
"""

import functools
import math

PRIOR_HELPFUL = 1.0
PRIOR_UNHELPFUL = 1.0
LOWER_QUANTILE = 0.05


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularized incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < 1e-12:
            break
    return result


def beta_cdf(x: float, a: float, b: float) -> float:
    """P(X <= x) for X ~ Beta(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _continued_fraction(a, b, x) / a
    return 1.0 - front * _continued_fraction(b, a, 1.0 - x) / b


@functools.lru_cache(maxsize=65536)
def beta_quantile(q: float, a: float, b: float) -> float:
    """The q-quantile of Beta(a, b), by bisection on the CDF (to 1e-9)."""
    low, high = 0.0, 1.0
    while high - low > 1e-9:
        middle = (low + high) / 2
        if beta_cdf(middle, a, b) < q:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def posterior(helpful: int, unhelpful: int) -> tuple[float, float]:
    """(mean, lower bound) of the helpful rate after `helpful` and `unhelpful` answers."""
    a, b = PRIOR_HELPFUL + helpful, PRIOR_UNHELPFUL + unhelpful
    return a / (a + b), beta_quantile(LOWER_QUANTILE, a, b)
