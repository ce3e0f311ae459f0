"""Ranking styles by a Bayesian Beta posterior of their helpful rate.

Each style's helpful rate gets a uniform prior Beta(1, 1); after h helpful and u unhelpful answers the
posterior is Beta(1 + h, 1 + u). Styles are ranked by the posterior's 5% quantile (a lower credible
bound), so a style needs evidence as well as a high rate: 1/1 gives 0.22, 45/50 gives 0.80.
Events without feedback (`none`) are runs but not evidence either way.

SciPy is in the training layer, which the aggregator function uses; the request-path functions of the
learning service never rank.
"""

from scipy.special import betaincinv

PRIOR_HELPFUL = 1.0
PRIOR_UNHELPFUL = 1.0
LOWER_QUANTILE = 0.05


def posterior(helpful: int, unhelpful: int) -> tuple[float, float]:
    """(mean, lower bound) of the helpful rate after `helpful` and `unhelpful` answers."""
    a, b = PRIOR_HELPFUL + helpful, PRIOR_UNHELPFUL + unhelpful
    return a / (a + b), float(betaincinv(a, b, LOWER_QUANTILE))
