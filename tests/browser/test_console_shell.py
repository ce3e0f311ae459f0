"""The console as a whole: every page from the navigation, no console errors, the API-down banner,
keyboard-only forms and the 390 px layout."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import ensure_candidate_model, learning_events, run_learning_aggregator

PAGES = [("Jobs", "jobs", "Jobs"), ("Segments", "segments", "Segments"), ("Candidates", "candidates", "Candidates"),
         ("Audience builder", "audiences", "Audience builder"), ("Learning", "learning", "Learning")]


@pytest.fixture(scope="module")
def seeded(cloud):
    """One job ad, one segment and an aggregator run, so that every page has something to show."""
    job = cloud.http.post("/api/jobs", json={"title": "Data Analyst", "description": "SQL, dashboards and Python "
                                             "analysis for the finance team.", "locations": ["London"]})
    assert job.status_code == 201, job.text
    segment = cloud.http.post("/api/v1/segments", json={"persona_id": str(uuid.uuid4()), "segment_name": "Shell check",
                                                        "strategy": "engagement",
                                                        "criteria": {"engagement_level": "high"}})
    assert segment.status_code == 201, segment.text
    if cloud.http.get("/api/extension/learning/runs/latest").status_code == 404:
        host = f"s{uuid.uuid4().hex[:8]}.lever.co"
        cloud.http.post("/api/extension/learning/sync", json={"events": learning_events(host, "f", "concise", 2)})
        run_learning_aggregator(cloud)
    if "GET /api/candidates/segments" in cloud.http.get("/console/config.json").json()["routes"]:
        ensure_candidate_model(cloud, [{"candidate_id": f"shell-{n}", "years_experience": float(n % 15),
                                        "desired_salary": 40000.0 + 1000 * n, "location": ["Germany", "India"][n % 2],
                                        "education_level": "Bachelor's", "primary_skill": ["Back-end", "Data"][n % 2],
                                        "skills": [["python", "sql"], ["java", "aws"]][n % 2]} for n in range(60)])
    return {"job": job.json()["jobAdId"], "segment": segment.json()["id"]}


def test_every_page_is_reachable_from_the_navigation(console, seeded):
    page = console.open("jobs")
    nav = page.get_by_role("navigation", name="Pages")
    for link, route, heading in PAGES:
        nav.get_by_role("link", name=link).click()
        expect(page).to_have_url(f"{console.base_url}/console/#/{route}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(nav.get_by_role("link", name=link)).to_have_attribute("aria-current", "page")
    page.goto(f"{console.base_url}/console/#/nowhere")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")


def test_no_console_errors_on_any_page(console, seeded):
    routes = ["jobs", f"jobs/{seeded['job']}", "segments", f"segments/{seeded['segment']}", "segments/new",
              "candidates", "audiences", "learning"]
    for route in routes:
        page = console.open(route)
        page.wait_for_load_state("networkidle")
        expect(page.locator(".spinner")).to_have_count(0)
    assert console.console_errors == []


def test_an_api_that_is_down_shows_a_banner_not_a_blank_page(console, seeded):
    page = console.page
    page.route("**/api/**", lambda route: route.abort("connectionrefused"))
    console.open("segments")
    banner = page.get_by_test_id("api-down")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("The API is not reachable")
    expect(page.get_by_role("heading", level=1)).to_have_text("Segments")
    expect(page.locator(".notice.error")).to_contain_text("cannot be reached")
    console.screenshot("api-down")
    page.unroute("**/api/**")
    banner.get_by_role("button", name="Retry now").click()
    expect(banner).to_be_hidden()
    console.console_errors.clear()  # the refused requests are logged by Chromium on purpose here


def test_a_job_ad_can_be_created_with_the_keyboard_alone(console, cloud):
    page = console.open("jobs")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "title":
            break
    else:
        pytest.fail("Tab never reached the title field")
    page.keyboard.type("Keyboard Nurse")
    page.keyboard.press("Tab")
    page.keyboard.type("Registered nurse for night shifts on a surgical ward.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("Leeds")
    page.keyboard.press("Enter")  # submits the form
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keyboard Nurse")
    job_id = page.url.rsplit("/", 1)[1]
    assert cloud.http.get(f"/api/jobs/{job_id}").json()["locations"] == ["Leeds"]


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_fit_the_width_without_sideways_scrolling(console, seeded, width):
    page = console.page
    page.set_viewport_size({"width": width, "height": 844})
    for route in ["jobs", f"jobs/{seeded['job']}", "segments", f"segments/{seeded['segment']}", "audiences", "learning"]:
        console.open(route)
        page.wait_for_load_state("networkidle")
        expect(page.locator(".spinner")).to_have_count(0)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"#/{route} is {overflow} px wide at {width} px"
        expect(page.get_by_role("navigation", name="Pages")).to_be_visible()
        if width == 390:
            console.screenshot(f"{route.split('/')[0]}{'-detail' if '/' in route else ''}-390", full_page=False)
