"""A/B statistics for content variants against a control, with NumPy and the standard library only
(SciPy is not in the serving layer; tests compare these numbers with SciPy).

- `two_proportion_ztest`: two-sided pooled z-test and a Wald confidence interval of the difference.
- `beta_binomial`: with uniform Beta(1, 1) priors, P(variant > control) and the expected loss of each
  choice, by numerical integration of the two Beta posteriors on an adaptive grid.
- `sample_ratio_mismatch`: chi-square goodness of fit of the observed split against the expected one.
"""

import math
from statistics import NormalDist

import numpy as np

SRM_THRESHOLD = 0.001
_NORMAL = NormalDist()


def normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


def chi2_sf(statistic: float, dof: int) -> float:
    """P(X >= statistic) for X ~ chi-square(dof), integer dof >= 1 (closed forms of the upper
    regularized incomplete gamma function for integer and half-integer shapes)."""
    if dof < 1:
        raise ValueError("dof must be >= 1")
    if statistic <= 0:
        return 1.0
    half = statistic / 2.0
    log_half = math.log(half)
    if dof % 2 == 0:
        total = sum(math.exp(-half + i * log_half - math.lgamma(i + 1)) for i in range(dof // 2))
    else:
        total = math.erfc(math.sqrt(half)) + sum(
            math.exp(-half + (i - 0.5) * log_half - math.lgamma(i + 0.5)) for i in range(1, (dof - 1) // 2 + 1))
    return min(1.0, max(0.0, total))


def two_proportion_ztest(conversions_control: int, n_control: int, conversions_variant: int, n_variant: int,
                         confidence_level: float = 0.95) -> dict[str, float] | None:
    """z, two-sided p (pooled standard error, as statsmodels' proportions_ztest) and the confidence
    interval of p_variant - p_control (unpooled); None while an arm has no observations."""
    if n_control <= 0 or n_variant <= 0:
        return None
    p_c, p_v = conversions_control / n_control, conversions_variant / n_variant
    diff = p_v - p_c
    pooled = (conversions_control + conversions_variant) / (n_control + n_variant)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n_control + 1 / n_variant))
    z = diff / se_pooled if se_pooled > 0 else 0.0
    se = math.sqrt(p_v * (1 - p_v) / n_variant + p_c * (1 - p_c) / n_control)
    margin = _NORMAL.inv_cdf(0.5 + confidence_level / 2) * se
    return {"z_score": z, "p_value": normal_two_sided_p(z) if se_pooled > 0 else 1.0,
            "ci_low": diff - margin, "ci_high": diff + margin, "confidence_level": confidence_level}


def _beta_logpdf(x: np.ndarray, a: float, b: float) -> np.ndarray:
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    return log_norm + (a - 1) * np.log(x) + (b - 1) * np.log1p(-x)


def _support(a: float, b: float, points: int) -> np.ndarray:
    mean = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return np.linspace(max(0.0, mean - 12 * sd), min(1.0, mean + 12 * sd), points)


def _cumulative(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    steps = (y[1:] + y[:-1]) / 2 * np.diff(x)
    return np.concatenate([[0.0], np.cumsum(steps)])


def beta_binomial(conversions_control: int, n_control: int, conversions_variant: int, n_variant: int,
                  points: int = 2001) -> dict[str, float]:
    """Posteriors Beta(1 + x, 1 + n - x): chance that the variant's rate beats the control's, the expected
    loss (rate given up) of choosing the variant, E[max(p_c - p_v, 0)], and of keeping the control."""
    a_c, b_c = 1.0 + conversions_control, 1.0 + n_control - conversions_control
    a_v, b_v = 1.0 + conversions_variant, 1.0 + n_variant - conversions_variant
    edge = 1e-12
    x = np.unique(np.clip(np.concatenate([_support(a_c, b_c, points), _support(a_v, b_v, points),
                                          np.linspace(0.0, 1.0, points // 4)]), edge, 1 - edge))
    f_c, f_v = np.exp(_beta_logpdf(x, a_c, b_c)), np.exp(_beta_logpdf(x, a_v, b_v))
    f_c /= _cumulative(f_c, x)[-1]
    f_v /= _cumulative(f_v, x)[-1]
    cdf_c, cdf_v = _cumulative(f_c, x), _cumulative(f_v, x)
    partial_mean_c, partial_mean_v = _cumulative(x * f_c, x), _cumulative(x * f_v, x)

    def integral(y: np.ndarray) -> float:
        return float(_cumulative(y, x)[-1])

    chance = integral(f_v * cdf_c)
    # E[max(p_c - p_v, 0)] = E[p_c 1(p_v < p_c)] - E[p_v 1(p_v < p_c)], each a 1-D integral over p_c
    loss_variant = integral(x * f_c * cdf_v) - integral(f_c * partial_mean_v)
    loss_control = integral(x * f_v * cdf_c) - integral(f_v * partial_mean_c)
    return {"chance_to_beat_control": min(1.0, max(0.0, chance)), "expected_loss": max(0.0, loss_variant),
            "expected_loss_control": max(0.0, loss_control)}


def sample_ratio_mismatch(observed: list[int], expected_shares: list[float] | None = None,
                          threshold: float = SRM_THRESHOLD) -> dict[str, float | int | bool] | None:
    """Chi-square goodness of fit of the observed sample sizes against the expected split (equal by
    default); `mismatch` when p < threshold. None without observations."""
    total = sum(observed)
    if total <= 0 or len(observed) < 2:
        return None
    shares = expected_shares or [1 / len(observed)] * len(observed)
    expected = [total * share for share in shares]
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    dof = len(observed) - 1
    p_value = chi2_sf(statistic, dof)
    return {"chi_square": statistic, "dof": dof, "p_value": p_value, "mismatch": p_value < threshold}
