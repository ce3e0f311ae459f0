"""Segment analytics from counters: growth, trend, top content, the documented recommendation rules."""

from datetime import date

import pytest
from segmentation.segments import analytics

TODAY = date(2026, 3, 10)


def item(variant, views, engagement, conversions, is_control=False):
    return {"id": f"id-{variant}", "content_id": f"c-{variant}", "segment_id": "s", "variant_id": variant,
            "is_control": is_control, "views": views, "engagement": engagement, "conversions": conversions,
            "created_at": "2026-03-01T00:00:00+00:00", "updated_at": "2026-03-01T00:00:00+00:00"}


def build(contents, member_count=500, growth=None, performance=None, days=7):
    segment = {"id": "s", "member_count": member_count}
    return analytics.build(segment, contents, growth or {}, performance or {}, TODAY, days, 0.95)


@pytest.mark.parametrize(("engagement", "code"), [(5, "refine_criteria"), (20, "ab_test_variations"),
                                                  (30, "scale_up"), (60, "scale_up")])
def test_engagement_rules(engagement, code):
    report = build([item("a", 100, engagement, 1)])
    assert [r["code"] for r in report["recommendations"]] == [code]


def test_no_views_and_a_small_segment():
    codes = [r["code"] for r in build([], member_count=99)["recommendations"]]
    assert codes == ["collect_data", "broaden_criteria"]
    assert build([], member_count=100)["recommendations"][0]["code"] == "collect_data"


def test_growth_fills_every_day_and_relates_net_growth_to_the_starting_size():
    report = build([], member_count=120, growth={"2026-03-09": {"added": 30, "removed": 10},
                                                 "2026-03-01": {"added": 99}})
    growth = report["growth"]
    assert [d["date"] for d in growth["daily"]] == [f"2026-03-{d:02d}" for d in range(4, 11)]
    assert (growth["added"], growth["removed"], growth["net"]) == (30, 10, 20)
    assert growth["growth_rate"] == pytest.approx(20.0)  # percent


def test_trend_direction_compares_the_two_halves_of_the_window():
    performance = {"2026-03-04": {"views": 100, "engagement": 10}, "2026-03-10": {"views": 100, "engagement": 30}}
    trend = build([], performance=performance)["engagement_trend"]
    assert (trend["direction"], trend["engagement_rate_change"]) == ("up", pytest.approx(20.0))  # points
    assert build([])["engagement_trend"]["direction"] == "insufficient_data"


def test_top_content_by_engagement_rate_skips_unseen_content():
    report = build([item("a", 100, 10, 1), item("b", 50, 30, 0), item("c", 0, 0, 0), item("d", 10, 5, 2)])
    assert [c["variant_id"] for c in report["top_performing_content"]] == ["b", "d", "a"]
    assert report["performance_summary"]["avg_engagement_rate"] == pytest.approx((10 + 60 + 50) / 3)  # percent


def test_ab_section_without_a_control_and_with_more_conversions_than_views():
    assert build([item("a", 100, 10, 1)])["ab_test"]["status"] == "no_control"
    ab = build([item("c", 100, 10, 150, is_control=True), item("v", 100, 10, 5)])["ab_test"]
    assert ab["control"]["conversions"] == 100  # capped at views for the rate and the tests
    assert ab["variants"][0]["relative_lift"] == pytest.approx(-95.0)  # percent of the control's rate


def test_rates_are_percentages_as_seed_001_prints_them():
    """Seed 001: print(f"...{avg_engagement_rate}%") and `if avg_engagement_rate < 10: refine`."""
    report = build([item("c", 500, 75, 10, is_control=True)])
    assert report["performance_summary"]["avg_engagement_rate"] == pytest.approx(15.0)
    assert report["performance_summary"]["overall_conversion_rate"] == pytest.approx(2.0)
    [content] = report["top_performing_content"]
    assert (content["engagement_rate"], content["conversion_rate"]) == (pytest.approx(15.0), pytest.approx(2.0))
    assert report["recommendations"][0]["code"] == "ab_test_variations"  # 10 <= 15 < 30
    low = build([item("c", 1000, 99, 0, is_control=True)])
    assert low["recommendations"][0]["code"] == "refine_criteria"  # 9.9 < 10


def test_ab_differences_are_percentage_points():
    ab = build([item("c", 1000, 0, 50, is_control=True), item("v", 1000, 0, 80)])["ab_test"]
    [variant] = ab["variants"]
    assert variant["absolute_lift"] == pytest.approx(3.0)
    assert variant["z_test"]["ci_low"] < 3.0 < variant["z_test"]["ci_high"] < 10
    assert 0 <= variant["bayesian"]["chance_to_beat_control"] <= 1
