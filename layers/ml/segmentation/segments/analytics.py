"""Segment analytics from stored counters: growth, performance summary, top content, engagement trend,
the A/B section (each variant against the control) and recommendations. Pure functions of their input.

Units follow seed 001, which prints `avg_engagement_rate` with `%` and compares it with `< 10`: every rate
(`*_rate`) is a percentage (0-100), every difference of rates (`absolute_lift`, `engagement_rate_change`,
the z-test's `ci_low`/`ci_high`, the Bayesian `expected_loss`) is in percentage points, `relative_lift` is
a percentage of the control's rate. Probabilities (`p_value`, `chance_to_beat_control`, `confidence_level`)
stay 0-1. The statistics themselves (`stats.py`) work in fractions; only this module's output is scaled."""

from datetime import date, timedelta
from typing import Any

from segmentation.segments import stats

LOW_ENGAGEMENT = 10.0  # percent; below: refine the criteria (seed 001: `avg_engagement_rate < 10`)
HIGH_ENGAGEMENT = 30.0  # percent; from here: scale up; in between: A/B test variations
TREND_FLAT = 1.0  # percentage points: a smaller change of the engagement rate is "flat"
SMALL_SEGMENT = 100  # fewer members: broaden the criteria
WINNER_CHANCE = 0.95  # a variant is promoted when significant and at least this likely to beat the control
TOP_CONTENT = 5


PERCENT = 100.0


def rate(numerator: int, denominator: int) -> float:
    """A percentage: 100 * numerator / denominator, 0 without a denominator."""
    return PERCENT * numerator / denominator if denominator > 0 else 0.0


def content_view(item: dict[str, Any]) -> dict[str, Any]:
    """A personalized content item as answered: seed 001's columns (view_count, engagement_count,
    conversion_count, engagement_rate, published_at) and the counters under the names its performance
    update uses (views, engagement, conversions)."""
    views, engagement, conversions = item.get("views", 0), item.get("engagement", 0), item.get("conversions", 0)
    return {"id": item["id"], "content_id": item["content_id"], "segment_id": item["segment_id"],
            "variant_id": item["variant_id"], "is_control": item["is_control"], "view_count": views,
            "engagement_count": engagement, "conversion_count": conversions, "views": views,
            "engagement": engagement, "conversions": conversions,
            "performance": {"views": views, "engagement": engagement, "conversions": conversions},
            "engagement_rate": rate(engagement, views), "conversion_rate": rate(min(conversions, views), views),
            "published_at": item.get("published_at") or item["created_at"], "created_at": item["created_at"],
            "updated_at": item["updated_at"]}


def _days(today: date, days: int) -> list[str]:
    return [(today - timedelta(days=offset)).isoformat() for offset in range(days - 1, -1, -1)]


def growth(member_count: int, daily: dict[str, dict[str, int]], today: date, days: int) -> dict[str, Any]:
    series = [{"date": day, "added": daily.get(day, {}).get("added", 0),
               "removed": daily.get(day, {}).get("removed", 0)} for day in _days(today, days)]
    for point in series:
        point["net"] = point["added"] - point["removed"]
    added, removed = sum(p["added"] for p in series), sum(p["removed"] for p in series)
    start = member_count - (added - removed)
    return {"days": days, "added": added, "removed": removed, "net": added - removed,
            "growth_rate": rate(added - removed, start) if start > 0 else None, "daily": series}


def engagement_trend(daily: dict[str, dict[str, int]], today: date, days: int) -> dict[str, Any]:
    series = []
    for day in _days(today, days):
        counts = daily.get(day, {})
        views, engagement = counts.get("views", 0), counts.get("engagement", 0)
        series.append({"date": day, "views": views, "engagement": engagement,
                       "conversions": counts.get("conversions", 0), "engagement_rate": rate(engagement, views)})
    half = len(series) // 2
    first, second = series[:half], series[half:]
    first_views, second_views = sum(p["views"] for p in first), sum(p["views"] for p in second)
    if first_views == 0 or second_views == 0:
        direction, change = "insufficient_data", None
    else:
        before = rate(sum(p["engagement"] for p in first), first_views)
        after = rate(sum(p["engagement"] for p in second), second_views)
        change = after - before
        direction = "up" if change > TREND_FLAT else "down" if change < -TREND_FLAT else "flat"
    return {"days": days, "direction": direction, "engagement_rate_change": change, "daily": series}


def _in_points(result: dict[str, Any] | None, *names: str) -> dict[str, Any] | None:
    """A statistics result with its rate differences (fractions) in percentage points."""
    return None if result is None else {**result, **{name: PERCENT * result[name] for name in names}}


def ab_test(contents: list[dict[str, Any]], confidence_level: float) -> dict[str, Any]:
    """Each variant's conversion rate against the control's: lift, z-test with confidence interval,
    Beta-Binomial chance to beat the control and expected loss, and sample-ratio-mismatch checks."""
    controls = [c for c in contents if c["is_control"]]
    variants = [c for c in contents if not c["is_control"]]
    if not controls:
        return {"status": "no_control", "control": None, "variants": [], "srm": None}
    control = controls[0]
    n_c, x_c = control["views"], min(control["conversions"], control["views"])
    results = []
    for variant in variants:
        n_v, x_v = variant["views"], min(variant["conversions"], variant["views"])
        p_c, p_v = rate(x_c, n_c), rate(x_v, n_v)
        test = _in_points(stats.two_proportion_ztest(x_c, n_c, x_v, n_v, confidence_level), "ci_low", "ci_high")
        bayes = _in_points(stats.beta_binomial(x_c, n_c, x_v, n_v) if n_c and n_v else None,
                           "expected_loss", "expected_loss_control")
        significant = bool(test and test["p_value"] < 1 - confidence_level)
        results.append({
            "personalized_id": variant["id"], "variant_id": variant["variant_id"],
            "content_id": variant["content_id"], "views": n_v, "conversions": x_v, "conversion_rate": p_v,
            "absolute_lift": p_v - p_c if n_c and n_v else None,
            "relative_lift": PERCENT * (p_v - p_c) / p_c if n_v and p_c > 0 else None,
            "z_test": test, "significant": significant, "bayesian": bayes,
            "srm": stats.sample_ratio_mismatch([n_c, n_v]),
            "winner": bool(significant and p_v > p_c and bayes and bayes["chance_to_beat_control"] >= WINNER_CHANCE),
        })
    overall = stats.sample_ratio_mismatch([n_c, *(c["views"] for c in variants)])
    return {"status": "running" if variants else "no_variants",
            "control": {"personalized_id": control["id"], "variant_id": control["variant_id"],
                        "content_id": control["content_id"], "views": n_c, "conversions": x_c,
                        "conversion_rate": rate(x_c, n_c)},
            "variants": results, "srm": overall}


def recommendations(member_count: int, summary: dict[str, Any], ab: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    if summary["views"] == 0:
        found.append({"code": "collect_data", "priority": "medium",
                      "message": "No content views recorded yet: attach content and record its performance."})
    elif summary["avg_engagement_rate"] < LOW_ENGAGEMENT:
        found.append({"code": "refine_criteria", "priority": "high",
                      "message": "Low engagement: refine the segment criteria to target a better-fitting audience."})
    elif summary["avg_engagement_rate"] < HIGH_ENGAGEMENT:
        found.append({"code": "ab_test_variations", "priority": "medium",
                      "message": "Moderate engagement: A/B test content variations to find what resonates."})
    else:
        found.append({"code": "scale_up", "priority": "low",
                      "message": "High engagement: scale up, with more content and budget for this segment."})
    if member_count < SMALL_SEGMENT:
        found.append({"code": "broaden_criteria", "priority": "medium",
                      "message": f"Small segment ({member_count} members): broaden the criteria to reach more users."})
    if ab.get("srm") and ab["srm"]["mismatch"]:
        found.append({"code": "check_traffic_split", "priority": "high",
                      "message": "Sample ratio mismatch: the traffic split differs from the plan; fix the "
                                 "assignment before trusting the A/B results."})
    elif winners := [v for v in ab["variants"] if v["winner"]]:
        best = max(winners, key=lambda v: v["conversion_rate"])
        found.append({"code": "promote_variant", "priority": "high",
                      "message": f"Variant {best['variant_id']} beats the control "
                                 f"(p={best['z_test']['p_value']:.3g}, chance to beat "
                                 f"{best['bayesian']['chance_to_beat_control']:.1%}): promote it."})
    return found


def build(segment: dict[str, Any], contents: list[dict[str, Any]], growth_daily: dict[str, dict[str, int]],
          performance_daily: dict[str, dict[str, int]], today: date, days: int,
          confidence_level: float) -> dict[str, Any]:
    views = [content_view(c) for c in contents]
    seen = [c for c in views if c["views"] > 0]
    summary = {"content_count": len(views), "views": sum(c["views"] for c in views),
               "engagement": sum(c["engagement"] for c in views),
               "conversions": sum(c["conversions"] for c in views),
               "avg_engagement_rate": sum(c["engagement_rate"] for c in seen) / len(seen) if seen else 0.0}
    summary["overall_engagement_rate"] = rate(summary["engagement"], summary["views"])
    summary["overall_conversion_rate"] = rate(summary["conversions"], summary["views"])
    top = sorted(seen, key=lambda c: (c["engagement_rate"], c["conversion_rate"], c["views"]), reverse=True)
    ab = ab_test(views, confidence_level)
    member_count = segment["member_count"]
    return {"segment_id": segment["id"], "member_count": member_count,
            "growth": growth(member_count, growth_daily, today, days), "performance_summary": summary,
            "top_performing_content": top[:TOP_CONTENT],
            "engagement_trend": engagement_trend(performance_daily, today, days), "ab_test": ab,
            "recommendations": recommendations(member_count, summary, ab)}
