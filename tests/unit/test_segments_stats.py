"""A/B statistics of the segments service against SciPy (the serving layer itself has no SciPy)."""

import numpy as np
import pytest
from scipy import integrate
from scipy import stats as scipy_stats
from segmentation.segments import stats

CASES = [(10, 100, 15, 100), (500, 10_000, 560, 10_000), (5, 1000, 200, 1000), (120, 100_000, 130, 100_000),
         (0, 50, 3, 40), (7, 7, 6, 9)]


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 7, 19, 20])
@pytest.mark.parametrize("statistic", [0.0, 0.001, 0.5, 3.84, 10.83, 30.0, 120.0])
def test_chi2_survival_matches_scipy(statistic, dof):
    assert stats.chi2_sf(statistic, dof) == pytest.approx(scipy_stats.chi2.sf(statistic, dof), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(("x_c", "n_c", "x_v", "n_v"), CASES)
def test_two_proportion_ztest_matches_scipy(x_c, n_c, x_v, n_v):
    result = stats.two_proportion_ztest(x_c, n_c, x_v, n_v, confidence_level=0.9)
    chi2, p_value, _dof, _expected = scipy_stats.chi2_contingency([[x_v, n_v - x_v], [x_c, n_c - x_c]],
                                                                  correction=False)
    assert result["p_value"] == pytest.approx(p_value, rel=1e-9)
    assert result["z_score"] ** 2 == pytest.approx(chi2, rel=1e-9)
    p_c, p_v = x_c / n_c, x_v / n_v
    margin = scipy_stats.norm.ppf(0.95) * np.sqrt(p_v * (1 - p_v) / n_v + p_c * (1 - p_c) / n_c)
    assert result["ci_low"] == pytest.approx(p_v - p_c - margin)
    assert result["ci_high"] == pytest.approx(p_v - p_c + margin)


def test_ztest_needs_observations_in_both_arms():
    assert stats.two_proportion_ztest(0, 0, 3, 10) is None
    assert stats.two_proportion_ztest(0, 10, 0, 10)["p_value"] == 1.0


@pytest.mark.parametrize(("x_c", "n_c", "x_v", "n_v"), CASES)
def test_beta_binomial_matches_numerical_integration_with_scipy(x_c, n_c, x_v, n_v):
    control, variant = scipy_stats.beta(1 + x_c, 1 + n_c - x_c), scipy_stats.beta(1 + x_v, 1 + n_v - x_v)
    lo = min(control.ppf(1e-12), variant.ppf(1e-12))
    hi = max(control.isf(1e-12), variant.isf(1e-12))
    breaks = [control.mean(), variant.mean()]

    def quad(f):
        return integrate.quad(f, lo, hi, limit=500, points=breaks)[0]

    # E[max(a - b, 0)] = integral of f_a(x) * (x F_b(x) - E[b] F_{Beta(a_b + 1, b_b)}(x))
    def loss(a, b):
        shifted = scipy_stats.beta(b.args[0] + 1, b.args[1])
        return quad(lambda x: a.pdf(x) * (x * b.cdf(x) - b.mean() * shifted.cdf(x)))

    result = stats.beta_binomial(x_c, n_c, x_v, n_v)
    assert result["chance_to_beat_control"] == pytest.approx(quad(lambda x: variant.pdf(x) * control.cdf(x)),
                                                             abs=1e-6)
    assert result["expected_loss"] == pytest.approx(loss(control, variant), rel=1e-3, abs=1e-9)
    assert result["expected_loss_control"] == pytest.approx(loss(variant, control), rel=1e-3, abs=1e-9)


def test_beta_binomial_agrees_with_sampling():
    rng = np.random.default_rng(7)
    control, variant = rng.beta(51, 951, 400_000), rng.beta(66, 936, 400_000)
    result = stats.beta_binomial(50, 1000, 65, 1000)
    assert result["chance_to_beat_control"] == pytest.approx((variant > control).mean(), abs=0.005)
    assert result["expected_loss"] == pytest.approx(np.maximum(control - variant, 0).mean(), rel=0.05)


@pytest.mark.parametrize("observed", [[1000, 1200], [500, 510, 490], [100, 100, 100, 160], [5000] * 20])
def test_sample_ratio_mismatch_matches_scipy_chisquare(observed):
    statistic, p_value = scipy_stats.chisquare(observed)
    result = stats.sample_ratio_mismatch(observed)
    assert result["chi_square"] == pytest.approx(statistic, abs=1e-9)
    assert result["p_value"] == pytest.approx(p_value, rel=1e-9)
    assert result["dof"] == len(observed) - 1
    assert result["mismatch"] == (p_value < 0.001)


def test_sample_ratio_mismatch_with_a_planned_uneven_split():
    observed, shares = [900, 2100], [0.3, 0.7]
    statistic, p_value = scipy_stats.chisquare(observed, f_exp=[3000 * s for s in shares])
    result = stats.sample_ratio_mismatch(observed, shares)
    assert (result["chi_square"], result["p_value"]) == (pytest.approx(statistic), pytest.approx(p_value))
    assert stats.sample_ratio_mismatch([0, 0]) is None
