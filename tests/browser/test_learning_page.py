"""Learning page: the aggregator's last run (events read, profiles written, hints by source chart) and
the style hints, filtered by host and by source."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.helpers import learning_events, run_learning_aggregator


def test_the_last_run_and_the_style_hints_by_host_and_source(console, cloud):
    host = f"c{uuid.uuid4().hex[:10]}.greenhouse.io"
    events = (learning_events(host, "busy-form", "concise", 5) + learning_events(host, "busy-form", "formal", 1, "unhelpful")
              + learning_events(host, "new-form", "warm", 1, title=None))
    synced = cloud.http.post("/api/extension/learning/sync", json={"events": events})
    assert synced.status_code == 200 and synced.json()["stored"] == len(events), synced.text
    run_learning_aggregator(cloud)
    latest = cloud.http.get("/api/extension/learning/runs/latest").json()

    page = console.open("learning")
    last_run = page.get_by_test_id("last-run")
    expect(last_run.get_by_test_id("events-read")).to_have_text(f"{latest['events']:,}")
    expect(last_run.get_by_test_id("profiles-written")).to_have_text(f"{latest['profiles']:,}")
    assert latest["events"] >= len(events)
    by_source = page.locator("canvas[data-chart='Hints by source']")
    expect(by_source).to_have_attribute("data-points", "4")
    drawn = by_source.evaluate("""async (canvas) => {
        const { Chart } = await import('./vendor/chart.js/dist/chart.js');
        return Chart.getChart(canvas).data.datasets[0].data;
    }""")
    assert drawn == [latest["profiles_by_source"][s] for s in ("form", "segment", "family", "none")]

    filters = page.get_by_role("form", name="Filter style hints")
    filters.get_by_label("Host").fill(host.upper())
    filters.get_by_role("button", name="Filter").click()
    busy = page.locator(f"tr[data-form='{host}#busy-form']")
    expect(busy.locator("[data-source]")).to_have_text("form")
    expect(busy).to_contain_text("concise")
    expect(busy).to_contain_text("greenhouse")
    lonely = page.locator(f"tr[data-form='{host}#new-form']")
    expect(lonely.locator("[data-source]")).to_have_text(re.compile("family|none"))
    expect(page.locator("table.hints tbody tr")).to_have_count(2)
    console.screenshot("learning")

    filters.get_by_label("Source").select_option("form")
    filters.get_by_role("button", name="Filter").click()
    expect(page.locator("table.hints tbody tr")).to_have_count(1)
    expect(busy).to_be_visible()


def test_a_malformed_host_filter_shows_the_apis_message_at_the_field(console):
    page = console.open("learning")
    filters = page.get_by_role("form", name="Filter style hints")
    filters.get_by_label("Host").fill("not a host")
    filters.get_by_role("button", name="Filter").click()
    expect(filters.locator(".field.invalid .field-error")).to_contain_text("host name")
    expect(filters.get_by_label("Host")).to_have_attribute("aria-invalid", "true")
