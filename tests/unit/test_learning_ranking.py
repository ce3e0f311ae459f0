import pytest
from scipy.stats import beta
from segmentation.learning.ranking import beta_cdf, beta_quantile, posterior


@pytest.mark.parametrize(("a", "b"), [(1, 1), (2, 1), (1, 30), (46, 6), (3, 500), (4000, 1200)])
def test_beta_quantile_and_cdf_agree_with_scipy(a, b):
    for q in (0.05, 0.5, 0.95):
        assert beta_quantile(q, a, b) == pytest.approx(beta.ppf(q, a, b), abs=1e-7)
    for x in (0.01, 0.3, 0.77):
        assert beta_cdf(x, a, b) == pytest.approx(beta.cdf(x, a, b), abs=1e-9)


def test_one_of_one_does_not_beat_forty_five_of_fifty():
    _, one_of_one = posterior(1, 0)
    _, most_of_fifty = posterior(45, 5)
    assert one_of_one < most_of_fifty
    assert posterior(45, 5)[0] == pytest.approx(46 / 52)
