"""The segments service over the HTTP data plane of the in-process emulator (template.yaml deployed)."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from localcloud.rules import fire_rule
from scipy import integrate
from scipy import stats as scipy_stats

from tests.integration.conftest import STACK, http_client

BASE = "/api/v1/segments"
PERSONA = str(uuid.uuid4())


def segment_body(**overrides) -> dict:
    body = {"persona_id": PERSONA, "segment_name": "Young urban", "strategy": "demographic",
            "criteria": {"age_range": {"min": 18, "max": 30}, "location": ["Berlin", "Paris"]}, **overrides}
    return {k: v for k, v in body.items() if v is not None}  # None: leave the field out


def create(http, **overrides) -> dict:
    response = http.post(BASE, json=segment_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def content(http, segment_id: str, variant: str, is_control: bool = False) -> dict:
    response = http.post(f"{BASE}/personalized", json={"content_id": f"ad-{variant}", "segment_id": segment_id,
                                                       "variant_id": variant, "is_control": is_control})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def perform(http, personalized_id: str, **counts) -> dict:
    response = http.post(f"{BASE}/personalized/{personalized_id}/performance", json=counts)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def items(aws, stack, prefix: str) -> list[dict]:
    """Every entity item whose pk starts with prefix (a Scan: tests only, to prove nothing was written)."""
    scan = aws("dynamodb").scan(TableName=stack.ref("EntitiesTable"))["Items"]
    return [i for i in scan if i["pk"]["S"].startswith(prefix)]


# ---------------------------------------------------------------- segments
def test_create_get_and_defaults(http):
    created = create(http, strategy=None, criteria={"interests": "running", "engagement_level": "high"})
    assert created["strategy"] == "hybrid" and created["status"] == "active"
    assert created["criteria"] == {"interests": ["running"], "engagement_level": "high"}
    assert created["member_count"] == 0 and created["last_analyzed_at"] is None
    fetched = http.get(f"{BASE}/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.get_json() == created


def test_list_filters_and_cursor_pages_cover_every_segment_once(http):
    other_persona = str(uuid.uuid4())
    ids = {create(http, segment_name=f"s{i}")["id"] for i in range(5)}
    paused = create(http, segment_name="paused", status="paused")["id"]
    behavioral = create(http, segment_name="buyers", strategy="behavioral",
                        criteria={"purchase_history": {"min_purchases": 3}})["id"]
    elsewhere = create(http, persona_id=other_persona)["id"]

    seen, cursor = [], None
    while True:
        page = http.get(BASE, query_string={"persona_id": PERSONA, "limit": 3, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        body = page.get_json()
        assert len(body["items"]) <= 3
        seen += [s["id"] for s in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids | {paused, behavioral})
    by_status = http.get(BASE, query_string={"persona_id": PERSONA, "status": "paused"}).get_json()["items"]
    assert [s["id"] for s in by_status] == [paused]
    by_strategy = http.get(BASE, query_string={"strategy": "behavioral", "limit": 1}).get_json()
    assert [s["id"] for s in by_strategy["items"]] == [behavioral]
    everything = http.get(BASE, query_string={"limit": 100}).get_json()["items"]
    assert elsewhere in {s["id"] for s in everything} and len(everything) == 8


def test_partial_update_revalidates_criteria_and_moves_the_segment_between_status_filters(http):
    segment = create(http)
    updated = http.put(f"{BASE}/{segment['id']}", json={"status": "paused", "description": "Q3 campaign"})
    assert updated.status_code == 200
    body = updated.get_json()
    assert (body["status"], body["description"], body["segment_name"]) == ("paused", "Q3 campaign",
                                                                           segment["segment_name"])
    assert body["updated_at"] > segment["updated_at"]
    assert http.get(BASE, query_string={"status": "active"}).get_json()["items"] == []
    rejected = http.put(f"{BASE}/{segment['id']}", json={"strategy": "engagement"})
    assert rejected.status_code == 422
    assert rejected.get_json()["errors"][0]["field"] == "body.strategy.age_range"
    changed = http.put(f"{BASE}/{segment['id']}", json={"strategy": "engagement",
                                                         "criteria": {"last_active_days": 7}}).get_json()
    assert (changed["strategy"], changed["criteria"]) == ("engagement", {"last_active_days": 7})
    cleared = http.put(f"{BASE}/{segment['id']}", json={"description": None}).get_json()
    assert cleared["description"] is None


@pytest.mark.parametrize(("body", "field"), [
    (segment_body(persona_id="not-a-uuid"), "body.persona_id"),
    (segment_body(segment_name="x" * 101), "body.segment_name"),
    (segment_body(segment_name="   "), "body.segment_name"),
    (segment_body(strategy="psychographic"), "body.strategy"),
    (segment_body(status="deleted"), "body.status"),
    (segment_body(criteria={"purchase_history": {"min_purchases": 2}}), "body.criteria.purchase_history"),
    (segment_body(criteria={"age_range": {"min": 40, "max": 20}}), "body.criteria.age_range"),
    (segment_body(criteria={}), "body.criteria"),
    (segment_body(strategy="hybrid", criteria={"shoe_size": 42}), "body.criteria.shoe_size"),
    (segment_body(estimated_size=-1), "body.estimated_size"),
    (segment_body(colour="red"), "body.colour"),
])
def test_bad_segments_are_422_naming_the_field_and_write_nothing(http, aws, stack, body, field):
    response = http.post(BASE, json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]
    assert items(aws, stack, "SEGMENT#") == []


def test_bad_query_and_path_parameters_are_422(http):
    assert http.get(BASE, query_string={"status": "gone"}).get_json()["errors"][0]["field"] == "query.status"
    assert http.get(BASE, query_string={"limit": 0}).get_json()["errors"][0]["field"] == "query.limit"
    assert http.get(BASE, query_string={"cursor": "bm9wZQ"}).get_json()["errors"][0]["field"] == "query.cursor"
    assert http.get(f"{BASE}/123").get_json()["errors"][0]["field"] == "path.segment_id"
    sid = create(http)["id"]
    for user in ("a", "b"):
        http.post(f"{BASE}/{sid}/members/{user}")
    members_cursor = http.get(f"{BASE}/{sid}/members", query_string={"limit": 1}).get_json()["next_cursor"]
    foreign = http.get(BASE, query_string={"cursor": members_cursor})
    assert foreign.status_code == 422 and foreign.get_json()["errors"][0]["field"] == "query.cursor"


def test_unknown_segments_are_404_everywhere(http):
    missing = str(uuid.uuid4())
    assert http.get(f"{BASE}/{missing}").status_code == 404
    assert http.put(f"{BASE}/{missing}", json={"status": "paused"}).status_code == 404
    assert http.delete(f"{BASE}/{missing}").status_code == 404
    assert http.post(f"{BASE}/{missing}/members/u1").status_code == 404
    assert http.delete(f"{BASE}/{missing}/members/u1").status_code == 404
    assert http.get(f"{BASE}/{missing}/members").status_code == 404
    assert http.post(f"{BASE}/{missing}/evaluate", json={"profile": {}}).status_code == 404
    assert http.get(f"{BASE}/{missing}/analytics").status_code == 404
    assert http.post(f"{BASE}/{missing}/analyze").status_code == 404
    assert http.post(f"{BASE}/personalized/{missing}/performance", json={"views": 1}).status_code == 404


def test_literal_routes_are_not_captured_by_the_segment_id_route(http):
    health = http.get(f"{BASE}/health")
    assert health.status_code == 200
    body = health.get_json()
    assert body["status"] == "healthy" and body["version"]
    assert body["components"] == {"entities_table": "ok", "events_table": "ok"}
    assert http.post(f"{BASE}/personalized", json={}).get_json()["errors"][0]["field"].startswith("body.")


def test_health_is_503_when_a_table_is_missing(http, aws, stack):
    aws("dynamodb").delete_table(TableName=stack.ref("EventsTable"))
    response = http.get(f"{BASE}/health")
    assert response.status_code == 503
    assert response.get_json()["components"] == {"entities_table": "ok", "events_table": "error"}
    assert stack.ref("EventsTable") not in response.get_data(as_text=True)


# ---------------------------------------------------------------- members
def test_members_are_idempotent_and_paginated(http):
    segment = create(http)
    sid = segment["id"]
    first = http.post(f"{BASE}/{sid}/members/user-1", json={"confidence_score": 0.4, "assignment_reason": "quiz"})
    assert first.status_code == 201
    assert first.get_json()["member"]["confidence_score"] == 0.4 and first.get_json()["member_count"] == 1
    again = http.post(f"{BASE}/{sid}/members/user-1", json={"confidence_score": 0.9})
    assert again.status_code == 200
    assert (again.get_json()["created"], again.get_json()["member_count"]) == (False, 1)
    assert again.get_json()["member"]["assignment_reason"] == "quiz"
    assert again.get_json()["member"]["confidence_score"] == 0.9
    assert http.post(f"{BASE}/{sid}/members/user-2").get_json()["member"]["confidence_score"] == 1.0
    for user in ("user-3", "user-4"):
        http.post(f"{BASE}/{sid}/members/{user}")
    page = http.get(f"{BASE}/{sid}/members", query_string={"limit": 3}).get_json()
    rest = http.get(f"{BASE}/{sid}/members", query_string={"limit": 3, "cursor": page["next_cursor"]}).get_json()
    assert [m["user_id"] for m in page["items"] + rest["items"]] == ["user-1", "user-2", "user-3", "user-4"]
    assert rest["next_cursor"] is None
    removed = http.delete(f"{BASE}/{sid}/members/user-2").get_json()
    assert (removed["removed"], removed["member_count"]) == (True, 3)
    assert http.delete(f"{BASE}/{sid}/members/user-2").get_json() == {**removed, "removed": False}
    assert http.get(f"{BASE}/{sid}").get_json()["member_count"] == 3


@pytest.mark.parametrize(("body", "field"), [({"confidence_score": 1.5}, "body.confidence_score"),
                                             ({"confidence_score": -0.1}, "body.confidence_score"),
                                             ({"score": 1}, "body.score")])
def test_bad_member_input_is_422_and_writes_nothing(http, body, field):
    sid = create(http)["id"]
    response = http.post(f"{BASE}/{sid}/members/user-1", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == field
    assert http.post(f"{BASE}/{sid}/members/bad%20id").get_json()["errors"][0]["field"] == "path.user_id"
    assert http.get(f"{BASE}/{sid}").get_json()["member_count"] == 0
    assert http.get(f"{BASE}/{sid}/members").get_json()["items"] == []


def test_concurrent_adds_and_removes_keep_member_count_exact(stack):
    http = http_client(stack)
    sid = create(http)["id"]

    def call(operation: tuple[str, str]) -> int:
        method, user = operation
        client = http_client(stack)
        response = (client.post if method == "add" else client.delete)(f"{BASE}/{sid}/members/{user}")
        return response.status_code

    first = [("add", f"u{i}") for i in range(40)] * 2  # every user added twice, concurrently
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(call, first))
    assert codes.count(201) == 40 and codes.count(200) == 40
    assert http.get(f"{BASE}/{sid}").get_json()["member_count"] == 40

    second = ([("remove", f"u{i}") for i in range(15)] + [("add", f"v{i}") for i in range(10)]) * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(call, second))
    listed = http.get(f"{BASE}/{sid}/members", query_string={"limit": 100}).get_json()["items"]
    assert len(listed) == 35
    assert http.get(f"{BASE}/{sid}").get_json()["member_count"] == 35


def test_evaluate_reports_the_criteria_a_profile_fails(http):
    sid = create(http, strategy="hybrid", criteria={
        "age_range": {"min": 18, "max": 30}, "location": ["Berlin"], "engagement_level": "medium",
        "purchase_history": {"min_purchases": 2}})["id"]
    match = http.post(f"{BASE}/{sid}/evaluate", json={"profile": {
        "age": 25, "location": "berlin", "engagement_level": "high", "purchase_count": 4}}).get_json()
    assert match["matches"] is True and match["failed"] == []
    miss = http.post(f"{BASE}/{sid}/evaluate", json={"profile": {
        "age": 35, "location": "Berlin", "engagement_level": "low"}}).get_json()
    assert miss["matches"] is False
    assert miss["matched"] == ["location"]
    assert {f["criterion"]: f["actual"] for f in miss["failed"]} == {
        "age_range": 35, "engagement_level": "low", "purchase_history": None}
    bad = http.post(f"{BASE}/{sid}/evaluate", json={"profile": {"age": -3}})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "body.profile.age"


# ---------------------------------------------------------------- personalized content
def test_content_needs_a_live_segment_a_free_variant_and_one_control(http, aws, stack):
    missing = str(uuid.uuid4())
    response = http.post(f"{BASE}/personalized", json={"content_id": "ad", "segment_id": missing,
                                                       "variant_id": "A", "is_control": True})
    assert response.status_code == 404
    assert items(aws, stack, "PERSONALIZED#") == [] and items(aws, stack, f"SEGMENT#{missing}") == []
    sid = create(http)["id"]
    control = content(http, sid, "A", is_control=True)
    assert (control["views"], control["engagement_rate"], control["is_control"]) == (0, 0.0, True)
    duplicate = http.post(f"{BASE}/personalized", json={"content_id": "x", "segment_id": sid, "variant_id": "A"})
    assert duplicate.status_code == 409
    second_control = http.post(f"{BASE}/personalized", json={"content_id": "x", "segment_id": sid,
                                                             "variant_id": "B", "is_control": True})
    assert second_control.status_code == 409
    assert len(items(aws, stack, "PERSONALIZED#")) == 1
    assert content(http, sid, "B")["is_control"] is False


def test_performance_increments_are_atomic_and_form_a_time_series(stack):
    http = http_client(stack)
    pid = content(http, create(http)["id"], "A")["id"]

    def record(_index: int) -> int:
        return http_client(stack).post(f"{BASE}/personalized/{pid}/performance",
                                       json={"views": 3, "engagement": 2, "conversions": 1}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(record, range(40))) == {200}
    final = perform(http, pid, views=10)
    assert (final["views"], final["engagement"], final["conversions"]) == (130, 80, 40)
    assert final["engagement_rate"] == pytest.approx(100 * 80 / 130)  # percent
    series = http.get(f"{BASE}/personalized/{pid}/performance", query_string={"limit": 100}).get_json()
    assert len(series["items"]) == 41
    assert series["items"][0]["views"] == 10  # newest first
    assert sum(p["views"] for p in series["items"]) == 130


@pytest.mark.parametrize(("body", "field"), [({"views": -1}, "body.views"), ({"conversions": "many"},
                                                                              "body.conversions"),
                                             ({}, "body"), ({"clicks": 1}, "body.clicks")])
def test_bad_performance_updates_are_422_and_change_nothing(http, body, field):
    pid = content(http, create(http)["id"], "A")["id"]
    response = http.post(f"{BASE}/personalized/{pid}/performance", json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]
    assert http.get(f"{BASE}/personalized/{pid}/performance").get_json()["items"] == []


# ---------------------------------------------------------------- analytics
def test_analytics_ab_statistics_match_scipy(http):
    sid = create(http)["id"]
    for user in range(3):
        http.post(f"{BASE}/{sid}/members/u{user}")
    control = content(http, sid, "control", is_control=True)
    winner = content(http, sid, "bold")
    loser = content(http, sid, "plain")
    perform(http, control["id"], views=2000, engagement=300, conversions=100)
    perform(http, winner["id"], views=2000, engagement=500, conversions=150)
    perform(http, loser["id"], views=2000, engagement=100, conversions=95)

    response = http.get(f"{BASE}/{sid}/analytics", query_string={"days": 7})
    assert response.status_code == 200
    report = response.get_json()
    assert report["member_count"] == 3
    assert (report["growth"]["added"], report["growth"]["net"], len(report["growth"]["daily"])) == (3, 3, 7)
    summary = report["performance_summary"]
    assert (summary["views"], summary["engagement"], summary["conversions"]) == (6000, 900, 345)
    assert summary["avg_engagement_rate"] == pytest.approx((15 + 25 + 5) / 3)  # percent
    assert [c["variant_id"] for c in report["top_performing_content"]] == ["bold", "control", "plain"]
    assert report["engagement_trend"]["daily"][-1]["views"] == 6000

    ab = report["ab_test"]
    assert ab["control"]["conversion_rate"] == pytest.approx(5.0)
    bold = next(v for v in ab["variants"] if v["variant_id"] == "bold")
    # percentage points and percent (seed 001's units); the statistics' own p-values stay 0-1
    assert bold["absolute_lift"] == pytest.approx(2.5) and bold["relative_lift"] == pytest.approx(50.0)
    chi2, p_value, _dof, _expected = scipy_stats.chi2_contingency([[150, 1850], [100, 1900]], correction=False)
    assert bold["z_test"]["p_value"] == pytest.approx(p_value, rel=1e-9)
    assert bold["z_test"]["z_score"] ** 2 == pytest.approx(chi2, rel=1e-9)
    se = (0.075 * 0.925 / 2000 + 0.05 * 0.95 / 2000) ** 0.5
    z = scipy_stats.norm.ppf(0.975)
    assert (bold["z_test"]["ci_low"], bold["z_test"]["ci_high"]) == (pytest.approx(100 * (0.025 - z * se)),
                                                                     pytest.approx(100 * (0.025 + z * se)))
    posterior_c, posterior_v = scipy_stats.beta(101, 1901), scipy_stats.beta(151, 1851)
    chance = integrate.quad(lambda x: posterior_v.pdf(x) * posterior_c.cdf(x), 0, 0.2, limit=200)[0]
    assert bold["bayesian"]["chance_to_beat_control"] == pytest.approx(chance, abs=1e-6)
    assert bold["significant"] and bold["winner"]
    plain = next(v for v in ab["variants"] if v["variant_id"] == "plain")
    assert not plain["significant"] and not plain["winner"]
    assert ab["srm"]["mismatch"] is False
    codes = [r["code"] for r in report["recommendations"]]
    assert codes == ["ab_test_variations", "broaden_criteria", "promote_variant"]


def test_sample_ratio_mismatch_is_flagged(http):
    sid = create(http)["id"]
    perform(http, content(http, sid, "control", is_control=True)["id"], views=1000, conversions=50, engagement=1)
    perform(http, content(http, sid, "variant")["id"], views=1200, conversions=60, engagement=1)
    report = http.get(f"{BASE}/{sid}/analytics").get_json()
    statistic, p_value = scipy_stats.chisquare([1000, 1200])
    srm = report["ab_test"]["srm"]
    assert srm["chi_square"] == pytest.approx(statistic) and srm["p_value"] == pytest.approx(p_value, rel=1e-9)
    assert srm["mismatch"] is True and report["ab_test"]["variants"][0]["srm"]["mismatch"] is True
    assert "check_traffic_split" in [r["code"] for r in report["recommendations"]]


def test_analyze_stores_metrics_and_the_schedule_analyzes_every_active_segment(http, stack):
    active, paused = create(http)["id"], create(http, status="paused")["id"]
    perform(http, content(http, active, "A")["id"], views=100, engagement=40)
    analyzed = http.post(f"{BASE}/{active}/analyze")
    assert analyzed.status_code == 200
    metrics = analyzed.get_json()["performance_metrics"]
    assert (metrics["views"], metrics["engagement"], metrics["avg_engagement_rate"]) == (100, 40, 40.0)
    assert metrics["recommendations"] == ["scale_up", "broaden_criteria"]
    first_run = analyzed.get_json()["last_analyzed_at"]

    other = create(http)["id"]
    result = fire_rule(stack.account_id, stack.region, f"{STACK}-segments-nightly-analyze")
    target = result["targets"][0]
    assert not target["errored"] and target["payload"] == {"analyzed": 2}
    assert http.get(f"{BASE}/{active}").get_json()["last_analyzed_at"] > first_run
    assert http.get(f"{BASE}/{other}").get_json()["performance_metrics"]["recommendations"] == [
        "collect_data", "broaden_criteria"]
    assert http.get(f"{BASE}/{paused}").get_json()["last_analyzed_at"] is None


def test_the_schedule_analyzes_the_other_segments_when_one_fails_and_then_reports_it(http, aws, stack):
    broken, fine = create(http)["id"], create(http)["id"]
    aws("dynamodb").update_item(TableName=stack.ref("EntitiesTable"),
                                Key={"pk": {"S": f"SEGMENT#{broken}"}, "sk": {"S": "SEGMENT"}},
                                UpdateExpression="REMOVE member_count")
    target = fire_rule(stack.account_id, stack.region, f"{STACK}-segments-nightly-analyze")["targets"][0]
    assert target["errored"] is True
    assert target["payload"]["errorType"] == "AnalysisFailed"
    assert f"1 of 2 segments failed: {broken}: KeyError" in target["payload"]["errorMessage"]
    assert http.get(f"{BASE}/{fine}").get_json()["last_analyzed_at"] is not None


# ---------------------------------------------------------------- delete
def test_delete_removes_members_and_content_and_frees_nothing_else(http, aws, stack):
    keep, gone = create(http)["id"], create(http)["id"]
    for sid in (keep, gone):
        for user in ("a", "b"):
            http.post(f"{BASE}/{sid}/members/{user}")
    pid = content(http, gone, "A", is_control=True)["id"]
    content(http, gone, "B")
    content(http, keep, "A")
    response = http.delete(f"{BASE}/{gone}")
    assert response.status_code == 200
    assert response.get_json() == {"id": gone, "deleted": True, "members_removed": 2, "content_removed": 2}
    assert http.get(f"{BASE}/{gone}").status_code == 404
    assert items(aws, stack, f"SEGMENT#{gone}") == []
    assert len(items(aws, stack, "PERSONALIZED#")) == 1
    assert http.post(f"{BASE}/personalized/{pid}/performance", json={"views": 1}).status_code == 404
    assert http.post(f"{BASE}/{gone}/members/c").status_code == 404
    assert http.get(f"{BASE}/{keep}").get_json()["member_count"] == 2
    assert [s["id"] for s in http.get(BASE).get_json()["items"]] == [keep]
