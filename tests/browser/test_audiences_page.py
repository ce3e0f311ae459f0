"""Audience builder page, as far as the stack has it: the data-type selector, the chat-style input and
the suggested variables from the catalog's hybrid search (issue 12) with the relevance and type charts;
an empty description shows the API's message at the field."""

from playwright.sync_api import expect


def test_describe_an_audience_and_read_the_suggested_variables(console, cloud):
    page = console.open("audiences")
    page.get_by_role("radiogroup", name="Data type").get_by_label("Third party").check()
    chat = page.get_by_role("form", name="Describe the audience")
    chat.get_by_label("Your audience in words").fill("median household income")
    chat.get_by_role("button", name="Send").click()
    expect(page.locator("table.variables tbody tr").first).to_be_visible(timeout=120_000)

    expected = cloud.http.get("/api/variables/search", params={"q": "median household income", "k": 20,
                                                                "data_type": "third_party",
                                                                "record_set": "panel"}).json()["results"]
    assert expected
    rows = page.locator("table.variables tbody tr")
    expect(rows).to_have_count(len(expected))
    expect(rows.first).to_have_attribute("data-variable", expected[0]["code"])
    expect(page.locator("canvas[data-chart='Variable relevance']")).to_have_attribute(
        "data-points", str(min(10, len(expected))))
    expect(page.locator("canvas[data-chart='Variable types']")).to_have_attribute(
        "data-points", str(len({r["type"] for r in expected})))
    expect(page.locator(".messages")).to_contain_text(f"{len(expected)} variables match")
    console.screenshot("audiences")


def test_an_empty_description_shows_the_apis_message_at_the_field(console):
    page = console.open("audiences")
    chat = page.get_by_role("form", name="Describe the audience")
    chat.get_by_label("Your audience in words").fill("   ")
    chat.get_by_role("button", name="Send").click()
    expect(chat.locator(".field.invalid .field-error")).to_be_visible()
    expect(chat.get_by_label("Your audience in words")).to_have_attribute("aria-invalid", "true")
