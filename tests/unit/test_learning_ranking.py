import pytest
from scipy.stats import beta
from segmentation.learning.ranking import LOWER_QUANTILE, posterior


@pytest.mark.parametrize(("helpful", "unhelpful"), [(0, 0), (1, 0), (0, 29), (45, 5), (2, 499), (3999, 1199)])
def test_posterior_is_the_beta_mean_and_lower_credible_bound(helpful, unhelpful):
    mean, lower = posterior(helpful, unhelpful)
    assert mean == pytest.approx((helpful + 1) / (helpful + unhelpful + 2))
    assert lower == pytest.approx(beta.ppf(LOWER_QUANTILE, helpful + 1, unhelpful + 1), abs=1e-9)


def test_one_of_one_does_not_beat_forty_five_of_fifty():
    _, one_of_one = posterior(1, 0)
    _, most_of_fifty = posterior(45, 5)
    assert one_of_one < most_of_fifty
    assert (round(one_of_one, 2), round(most_of_fifty, 2)) == (0.22, 0.80)
