"""Sign-in, once the stack has a user pool (production readiness, issue 17): the dev sign-in against
the local cloud's emulated pool, the token kept in localStorage "console.token", sign-out."""

import pytest
from playwright.sync_api import expect


def test_dev_sign_in_as_a_demo_user_then_sign_out(browser_context, cloud):
    config = cloud.http.get("/console/config.json").json()
    if config["auth"]["mode"] == "none":
        pytest.skip("this stack has no user pool yet, so the API takes no tokens and the console asks for none")
    page = browser_context.new_page()
    try:
        page.goto(f"{cloud.api_url}/console/#/segments")
        page.evaluate("localStorage.removeItem('console.token')")
        page.reload()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        page.get_by_role("group", name="Demo users").get_by_role("button", name="Demo read").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Segments")
        expect(page.get_by_text("No segments match.").or_(page.locator("table.segments"))).to_be_visible()
        token = page.evaluate("localStorage.getItem('console.token')")
        assert token and token.count(".") == 2  # a JWT
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        form = page.get_by_role("form", name="Sign in")
        form.get_by_label("User name").fill("demo-read")
        form.get_by_label("Password").fill("wrong")
        form.get_by_role("button", name="Sign in").click()
        expect(form.locator(".field.invalid .field-error")).to_contain_text("wrong user name or password")
    finally:
        page.close()
