"""Segments page: create a segment with criteria of its strategy, filter the list, add members, add a
control and a variant, record their performance, and read the analytics charts and recommendations."""

import re
import uuid

from playwright.sync_api import expect


def chart(page, label):
    return page.locator(f"canvas[data-chart='{label}']")


def test_create_a_segment_add_members_and_variants_and_read_its_analytics(console, cloud):
    persona = str(uuid.uuid4())
    page = console.open("segments")
    page.get_by_role("link", name="New segment").click()
    form = page.get_by_role("form", name="New segment")
    form.get_by_label("Persona id").fill(persona)
    form.get_by_label("Name").fill("Weekend runners")
    form.get_by_label("Strategy").select_option("behavioral")
    # the criteria fields follow the strategy
    expect(form.get_by_label("Age from")).to_have_count(0)
    form.get_by_label("Minimum purchases").fill("2")
    form.get_by_label("Content preferences").fill("running, trail")
    form.get_by_role("button", name="Create segment").click()
    expect(page).to_have_url(re.compile(r"#/segments/[0-9a-f-]{36}$"))
    segment_id = page.url.rsplit("/", 1)[1]
    assert cloud.http.get(f"/api/v1/segments/{segment_id}").json()["criteria"] == {
        "purchase_history": {"min_purchases": 2}, "content_preferences": ["running", "trail"]}
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekend runners")

    members = page.get_by_role("form", name="Add a member")
    for user, score in (("user-1", "0.9"), ("user-2", "0.6")):
        members.get_by_label("User id").fill(user)
        members.get_by_label("Confidence").fill(score)
        members.get_by_role("button", name="Add").click()
        expect(page.locator("table.members")).to_contain_text(user)
    expect(page.get_by_text("2 members", exact=True)).to_be_visible()

    content = page.get_by_role("form", name="New content variant")
    for variant, control in (("A", True), ("B", False)):
        content.get_by_label("Content id").fill("spring-mail")
        content.get_by_label("Variant id").fill(variant)
        if control:
            content.get_by_label("Control").check()
        content.get_by_role("button", name="Add variant").click()
        expect(page.locator(f"tr[data-variant='{variant}']")).to_be_visible()
    for variant, views, engaged, conversions in (("A", "1000", "300", "50"), ("B", "1000", "420", "90")):
        record = page.get_by_role("form", name=f"Record performance of {variant}")
        record.get_by_label("Views").fill(views)
        record.get_by_label("Engaged").fill(engaged)
        record.get_by_label("Conv.").fill(conversions)
        record.get_by_role("button", name="Record").click()
        expect(page.locator(f"tr[data-variant='{variant}']")).to_contain_text(f"{int(conversions) / 10:.1f}%")

    analytics = cloud.http.get(f"/api/v1/segments/{segment_id}/analytics").json()
    [variant_b] = analytics["ab_test"]["variants"]
    expect(chart(page, "Engagement trend")).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))
    expect(chart(page, "Conversion by variant")).to_have_attribute("data-points", "3")  # 2 rates + the variant's interval
    expect(chart(page, "Chance to beat control")).to_have_attribute("data-points", "1")
    drawn = chart(page, "Chance to beat control").evaluate("""async (canvas) => {
        const { Chart } = await import('../vendor/chart.js/dist/chart.js'.replace('..', '.'));
        return Chart.getChart(canvas).data.datasets[0].data;
    }""")
    assert drawn == [variant_b["bayesian"]["chance_to_beat_control"]]
    assert variant_b["bayesian"]["chance_to_beat_control"] > 0.99
    expect(page.locator("tr[data-variant='B']")).to_contain_text("winner")
    codes = [r["code"] for r in analytics["recommendations"]]
    for code in codes:
        expect(page.locator(f".recommendations li[data-code='{code}']")).to_be_visible()
    assert "promote_variant" in codes
    console.screenshot("segments-detail")

    # the list, filtered by persona and strategy
    page.get_by_role("link", name="← Segments").click()
    filters = page.get_by_role("form", name="Filter segments")
    filters.get_by_label("Persona id").fill(persona)
    filters.get_by_label("Strategy").select_option("behavioral")
    filters.get_by_role("button", name="Filter").click()
    row = page.locator(f"tr[data-segment='{segment_id}']")
    expect(row).to_contain_text("Weekend runners")
    expect(row).to_contain_text("2")
    filters.get_by_label("Strategy").select_option("engagement")
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No segments match.")).to_be_visible()
    console.screenshot("segments-list")


def test_criteria_that_do_not_fit_the_strategy_show_the_apis_message_at_the_criterion(console):
    page = console.open("segments/new")
    form = page.get_by_role("form", name="New segment")
    form.get_by_role("button", name="New persona id").click()
    form.get_by_label("Name").fill("Bad ages")
    form.get_by_label("Age from").fill("70")
    form.get_by_label("Age to").fill("20")
    form.get_by_role("button", name="Create segment").click()
    errors = form.locator(".field.invalid .field-error")
    expect(errors.first).to_be_visible()
    expect(form.locator(".field.invalid input").first).to_have_attribute("name", re.compile(r"^criteria\.age_range"))
    expect(form.get_by_role("alert").last).to_contain_text("422")
