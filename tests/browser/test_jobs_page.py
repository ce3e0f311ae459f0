"""Jobs page: create an ad, segment it, read the Audience Targeting & Segmentation section, preview with
Test Segmentation, pin a cluster, report performance; the list's confidence badges."""

import re

from playwright.sync_api import expect

AD = ("We are hiring a senior backend engineer to build Python and AWS services: APIs, DynamoDB, "
      "Lambda, event-driven pipelines, code review and mentoring in an agile team.")
BADGE_BACKGROUNDS = {"green": "rgb(220, 252, 231)", "yellow": "rgb(254, 249, 195)", "red": "rgb(254, 226, 226)"}


def expected_badge(confidence: float) -> str:
    return "green" if confidence > 0.5 else "yellow" if confidence >= 0.25 else "red"


def test_create_segment_preview_pin_and_report_a_job_ad(console, cloud):
    page = console.open("jobs")
    form = page.get_by_role("form", name="New job ad")
    form.get_by_label("Title").fill("Senior Backend Engineer (Python)")
    form.get_by_label("Description").fill(AD)
    form.get_by_label("Company").fill("Acme")
    form.get_by_label("Locations").fill("Berlin, Germany")
    form.get_by_role("button", name="Create draft").click()
    expect(page).to_have_url(re.compile(r"#/jobs/\d+$"))
    job_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Senior Backend Engineer")
    expect(page.locator("[data-status]").first).to_have_text("draft")

    # Test Segmentation: a live preview in a modal, nothing saved
    page.get_by_role("button", name="Test Segmentation").click()
    dialog = page.get_by_role("dialog", name="Test Segmentation")
    preview = dialog.get_by_test_id("preview")
    expect(preview).to_contain_text("Derived audience primitives")
    expect(preview.locator("[data-badge]")).to_have_attribute("data-badge", re.compile("green|yellow|red"))
    expect(preview.get_by_role("tab", name="Meta")).to_be_visible()
    console.screenshot("jobs-test-segmentation")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert cloud.http.get(f"/api/jobs/{job_id}").json()["segmentationProcessedAt"] is None

    # Schedule: the page shows progress, then the outcome the segmentation function wrote
    page.get_by_role("button", name="Schedule segmentation").click()
    targeting = page.locator("section[aria-labelledby=targeting]")
    expect(targeting.get_by_text("Derived audience primitives")).to_be_visible(timeout=120_000)
    ad = cloud.http.get(f"/api/jobs/{job_id}").json()
    assert ad["status"] == "segmented", ad
    colour = expected_badge(ad["audienceConfidence"])
    badge = targeting.locator("[data-badge]")
    expect(badge).to_have_attribute("data-badge", colour)
    expect(badge).to_have_text(f"{round(ad['audienceConfidence'] * 100)}%")
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == BADGE_BACKGROUNDS[colour]
    expect(targeting.get_by_test_id("cluster")).to_contain_text(ad["audienceClusterProfileName"])
    expect(targeting.locator("ul.chips li")).to_have_count(len(ad["derivedAudiencePrimitives"]))
    targeting.get_by_role("tab", name="Google Ads").click()
    google_rules = ad["mappedTargeting"]["platforms"]["google"]["rules_applied"]
    expect(targeting.locator("table.rules tbody tr")).to_have_count(len(google_rules))
    expect(targeting.locator("table.rules")).to_contain_text(google_rules[0]["rule"])
    console.screenshot("jobs-edit")

    # Pin a cluster: a bad id shows the API's message next to the field; a good one is stored
    pin = page.get_by_role("form", name="Pin a cluster")
    pin.get_by_label("Cluster id").fill("abc")
    pin.get_by_role("button", name="Pin", exact=True).click()
    expect(pin.locator(".field.invalid .field-error")).to_contain_text("pattern")
    other = "1" if ad["audienceClusterId"] != "1" else "2"
    pin.get_by_label("Cluster id").fill(other)
    pin.get_by_role("button", name="Pin", exact=True).click()
    expect(pin.get_by_text(f"Pinned now: {other}")).to_be_visible()
    assert cloud.http.get(f"/api/jobs/{job_id}").json()["pinnedClusterId"] == other

    # Report performance: the totals update
    report = page.get_by_role("form", name="Report performance")
    report.get_by_label("Impressions").fill("1000")
    report.get_by_label("Clicks").fill("40")
    report.get_by_label("Applies").fill("3")
    report.get_by_role("button", name="Report").click()
    expect(page.locator("section[aria-labelledby=performance]")).to_contain_text("1,000 impressions")
    assert cloud.http.get(f"/api/jobs/{job_id}").json()["performance"] == {"impressions": 1000, "clicks": 40,
                                                                          "applies": 3}

    # The list: the ad with its status and a badge of the right colour
    page.get_by_role("link", name="← Jobs").click()
    row = page.locator(f"tr[data-job='{job_id}']")
    expect(row.locator("[data-status]")).to_have_text("segmented")
    expect(row.locator("[data-badge]")).to_have_attribute("data-badge", colour)
    console.screenshot("jobs-list")


def test_a_bad_job_ad_shows_the_apis_message_next_to_the_field(console):
    page = console.open("jobs")
    form = page.get_by_role("form", name="New job ad")
    form.get_by_label("Title").fill("   ")
    form.get_by_label("Description").fill("Some text")
    form.get_by_role("button", name="Create draft").click()
    title = form.locator(".field", has=page.get_by_label("Title"))
    expect(title.locator(".field-error")).to_be_visible()
    expect(form.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_role("alert").last).to_contain_text("422")


def test_badge_thresholds_green_above_half_yellow_from_a_quarter_red_below(console):
    page = console.open("jobs")
    colours = page.evaluate("""async () => {
        const { badgeColour } = await import('./js/ui.js');
        return [0.51, 0.5, 0.25, 0.2499, 0, null].map((c) => badgeColour(c));
    }""")
    assert colours == ["green", "yellow", "yellow", "red", "red", None]
