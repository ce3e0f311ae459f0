"""Audience builder page (seed 003, the builder service of issue 14): describe an audience, read the
suggested variables with their charts, confirm them into segments (cards, size chart, the 2-D scatter of
the API's projection, lifestyle groups and diversity), download the export and distribute it with
per-platform results; bad input shows the API's message at its field; no sideways scroll at 390 px."""

import re
from pathlib import Path

from playwright.sync_api import expect

QUERY = "environmentally conscious millennials"


def chart_data(page, label: str) -> dict:
    """What Chart.js draws on the canvas (the same module instance as the console's, by its URL)."""
    return page.locator(f"canvas[data-chart='{label}']").evaluate("""async (canvas) => {
        const { Chart } = await import('./vendor/chart.js/dist/chart.js');
        const chart = Chart.getChart(canvas);
        return {labels: chart.data.labels, datasets: chart.data.datasets.map((d) => d.data)};
    }""")


def is_process(action: str):
    return lambda r: r.url.endswith("/api/nl/process") and r.request.method == "POST" and (
        r.request.post_data_json or {}).get("action") == action


def describe(page, text: str = QUERY) -> dict:
    chat = page.get_by_role("form", name="Describe the audience")
    chat.get_by_label("Your audience in words").fill(text)
    with page.expect_response(is_process("process"), timeout=120_000) as answered:
        chat.get_by_role("button", name="Send").click()
    assert answered.value.status == 200, answered.value.text()
    return answered.value.json()


def test_the_whole_builder_flow_from_words_to_distribution(console, cloud):
    page = console.open("audiences")
    page.get_by_role("radiogroup", name="Data type").get_by_label("Third party").check()
    suggested = describe(page)

    # suggested variables: the list, the relevance bar chart (top 10) and the type-distribution chart
    variables = sorted((v for group in suggested["suggested_variables"].values() for v in group),
                       key=lambda v: -v["relevance_score"])
    assert variables and suggested["total_suggested"] == len(variables)
    rows = page.locator("table.variables tbody tr")
    expect(rows).to_have_count(len(variables))
    expect(rows.first).to_have_attribute("data-variable", variables[0]["code"])
    relevance = chart_data(page, "Variable relevance")
    assert relevance["datasets"][0] == [v["relevance_score"] for v in variables[:10]]
    types = {t for t, group in suggested["suggested_variables"].items() if group}
    expect(page.locator("canvas[data-chart='Variable types']")).to_have_attribute("data-points", str(len(types)))
    expect(page.locator(".messages")).to_contain_text(f"{len(variables)} variables of the panel record set match")
    console.screenshot("audiences")

    # confirm: untick one of the eight pre-ticked variables, build the segments
    ticked = page.locator("table.variables tbody input[type=checkbox]:checked")
    expect(ticked).to_have_count(min(8, len(variables)))
    ticked.first.uncheck()
    confirm = page.get_by_role("form", name="Confirm the variables")
    with page.expect_response(is_process("confirm"), timeout=180_000) as answered:
        confirm.get_by_role("button", name="Build segments").click()
        expect(confirm.get_by_role("progressbar")).to_be_visible()
    assert answered.value.status == 200, answered.value.text()
    audience = answered.value.json()
    sent = answered.value.request.post_data_json["payload"]["confirmed_variables"]
    assert len(sent) == min(8, len(variables)) - 1 and variables[0]["code"] not in sent

    segments = audience["segments"]
    cards = page.locator("[data-segment]")
    expect(cards).to_have_count(len(segments))
    for segment in segments:
        card = page.locator(f"[data-segment='{segment['group_id']}']")
        expect(card.locator("h3")).to_have_text(segment["name"])
        expect(card).to_contain_text(f"{segment['size']:,} records")
        expect(card.get_by_test_id("share")).to_have_text(f"{segment['size_percentage']}%")
        assert segment["lifestyle_segments"], segment  # the panel carries the lifestage x social group typology
        for group in segment["lifestyle_segments"]:
            expect(card.locator(f"[data-lifestyle='{group['code']}']")).to_contain_text(group["name"])
        expect(card.get_by_test_id("diversity")).to_have_text(f"{segment['diversity_score']:.2f}")
    assert chart_data(page, "Segment sizes")["datasets"][0] == [s["size"] for s in segments]
    assert chart_data(page, "Diversity")["datasets"][0] == [s["diversity_score"] for s in segments]
    projection = audience["projection"]
    assert projection["method"] == "pca" and projection["sampled"] == len(projection["points"]["x"]) > 0
    scatter = chart_data(page, "Segment scatter")
    assert len(scatter["datasets"]) == len(set(projection["points"]["group_id"])) + 1  # a dataset per segment + centres
    assert sum(len(d) for d in scatter["datasets"][:-1]) == projection["sampled"]
    assert scatter["datasets"][-1] == [{"x": c["x"], "y": c["y"]} for c in projection["centers"]]
    expect(page.locator("canvas[data-chart='Segment scatter']")).to_have_attribute(
        "data-points", str(projection["sampled"] + len(projection["centers"])))
    expect(page.get_by_test_id("audience-summary")).to_contain_text(f"{audience['total_records']:,} records")
    console.screenshot("audiences-segments", element=page.locator("section[aria-labelledby='segments']"))

    # export: a real download of what GET /api/export/{audience_id} answers
    with page.expect_download(timeout=120_000) as downloaded:
        page.get_by_role("button", name="Download CSV").click()
    download = downloaded.value
    assert download.suggested_filename == f"audience_{audience['audience_id']}.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# audience_id: {audience['audience_id']}\n")
    assert f"# query: {QUERY}" in text and f"# segments: {len(segments)}" in text
    header = next(line for line in text.splitlines() if not line.startswith("#"))
    assert header.startswith("respondent_id,group_id,segment_name")
    assert len([line for line in text.splitlines() if not line.startswith("#")]) == audience["total_records"] + 1
    expect(page.locator("section[aria-labelledby='export'] .notice.ok")).to_contain_text(download.suggested_filename)

    # distribute to Meta, Google Ads and LiveRamp: the per-platform results
    form = page.get_by_role("form", name="Distribute the audience")
    form.get_by_label("LiveRamp").check()
    with page.expect_response(lambda r: r.url.endswith("/api/distribute")) as answered:
        form.get_by_role("button", name="Distribute").click()
    result = answered.value.json()
    assert answered.value.request.post_data_json["platforms"] == ["meta", "google", "liveramp"]
    shown = page.get_by_test_id("distribution")
    expect(shown).to_have_attribute("data-status", result["status"])
    for platform, name in (("meta", "Meta"), ("google", "Google Ads"), ("liveramp", "LiveRamp")):
        statuses = [r["status"] for r in result["results"] if r["platform"] == platform]
        assert len(statuses) == len(segments)
        row = shown.locator(f"tr[data-platform='{platform}']")
        expect(row).to_contain_text(name)
        for status in set(statuses):
            expect(row).to_contain_text(f"{statuses.count(status)} {status.replace('_', ' ')}")
    expect(shown.locator("table.distribution tbody tr")).to_have_count(len(result["results"]))
    console.screenshot("audiences-distribute", element=page.locator(".layout-2.tight", has=shown))

    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"#/audiences with segments is {width} px wide at 390 px"
    console.screenshot("audiences-390", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_bad_input_shows_the_apis_message_at_the_field(console):
    page = console.open("audiences")
    chat = page.get_by_role("form", name="Describe the audience")
    chat.get_by_label("Your audience in words").fill("   ")
    chat.get_by_role("button", name="Send").click()
    expect(chat.locator(".field.invalid .field-error")).to_contain_text("input is empty")
    expect(chat.get_by_label("Your audience in words")).to_have_attribute("aria-invalid", "true")

    describe(page, "household income and education")
    confirm = page.get_by_role("form", name="Confirm the variables")
    confirm.get_by_label("Min segment size").fill("0.3")
    confirm.get_by_label("Max segment size").fill("0.2")
    confirm.get_by_role("button", name="Build segments").click()
    invalid = confirm.locator(".field.invalid")
    expect(invalid.first.locator(".field-error")).to_be_visible()
    expect(invalid.first.locator("input")).to_have_attribute("aria-invalid", "true")
    expect(invalid.first.locator("label")).to_have_text(re.compile("segment size|Segments"))

    # nothing ticked: the API's message under the variable list
    checked = confirm.locator("table.variables tbody input[type=checkbox]:checked")
    while checked.count():
        checked.first.uncheck()
    confirm.get_by_label("Min segment size").fill("0.05")
    confirm.get_by_label("Max segment size").fill("0.10")
    confirm.get_by_role("button", name="Build segments").click()
    expect(confirm.locator("#confirmed-error")).to_contain_text("confirmed_variables is empty")


def people_csv(n: int) -> bytes:
    lines = ["email,age,degree,partyid"]
    lines += [f"fake.person{i:05d}@example.invalid,{18 + (i * 7) % 70},{['high school', 'bachelor', 'graduate'][i % 3]},{i % 7}"
              for i in range(n)]
    lines.append("broken-address,40,graduate,1")
    return ("\n".join(lines) + "\n").encode()


def test_a_first_party_upload_becomes_segments(console):
    page = console.open("audiences")
    page.get_by_role("radiogroup", name="Data type").get_by_label("First party").check()
    page.get_by_label("Subtype").select_option("email")
    page.get_by_label("First-party file (CSV)").set_input_files(
        {"name": "crm.csv", "mimeType": "text/csv", "buffer": people_csv(600)})
    page.get_by_role("button", name="Upload").click()
    report = page.get_by_test_id("upload-report")
    expect(report).to_have_attribute("data-status", "validated", timeout=60_000)
    expect(report).to_contain_text("600 of 601 rows accepted")
    expect(report.locator("table.upload-columns")).to_contain_text("gss.age")
    upload_id = page.get_by_label("Upload id").input_value()
    assert re.fullmatch(r"[0-9a-f-]{36}", upload_id)

    suggested = describe(page, "young graduates")
    assert suggested["record_set"] == "upload"
    with page.expect_response(is_process("confirm"), timeout=180_000) as answered:
        page.get_by_role("button", name="Build segments").click()
    assert answered.value.status == 200, answered.value.text()
    audience = answered.value.json()
    expect(page.locator("[data-segment]")).to_have_count(len(audience["segments"]))
    expect(page.locator("[data-segment]").first).to_contain_text("No lifestyle groups for this record set")
    expect(page.locator("canvas[data-chart='Segment scatter']")).to_have_attribute(
        "data-points", str(audience["projection"]["sampled"] + len(audience["projection"]["centers"])))


def test_first_party_without_an_upload_shows_the_apis_message_at_the_upload_id(console):
    page = console.open("audiences")
    page.get_by_role("radiogroup", name="Data type").get_by_label("First party").check()
    chat = page.get_by_role("form", name="Describe the audience")
    chat.get_by_label("Your audience in words").fill("young graduates")
    chat.get_by_role("button", name="Send").click()
    upload = page.locator(".field", has=page.get_by_label("Upload id"))
    expect(upload.locator(".field-error")).to_contain_text("POST /api/audiences/uploads")
    expect(page.get_by_label("Upload id")).to_have_attribute("aria-invalid", "true")
