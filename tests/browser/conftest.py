"""The web console in headless Chromium (Debian's `chromium` package) driven by Playwright for Python,
against the shared local cloud (`cloud` in tests/conftest.py) that serves the console at /console/.

Playwright's own browser download cannot be reached here, so the tests launch the system Chromium
through `executable_path` with the flags a closed network needs. Without Chromium the tests skip and
say how to install it; in CI (CI=true) they fail instead."""

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

SCREENSHOTS = Path(os.environ.get("CONSOLE_SCREENSHOTS", Path(__file__).parent / "screenshots"))
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTALL = "install it with `apt-get update && apt-get install -y chromium` (as root), or set CHROMIUM=/path/to/chromium"


def chromium_path() -> str | None:
    named = os.environ.get("CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _expect_patience() -> None:
    """A first call to a function imports its handler in the local cloud (seconds on a busy machine):
    assertions wait up to 30 s for what a person would see, not Playwright's default 5 s."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests need {reason} in CI; {INSTALL}")
    pytest.skip(f"browser tests skipped: {reason} not found; {INSTALL}")


@pytest.fixture(scope="session")
def browser_context():
    """A persistent Chromium context with a fresh profile directory (Playwright passes it as
    --user-data-dir), closed with the session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package (make venv installs it)")
    executable = chromium_path()
    if executable is None:
        _unavailable("Chromium")
    _expect_patience()
    profile = tempfile.mkdtemp(prefix="console-chromium-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900}, locale="en-US", timezone_id="UTC")
        context.set_default_timeout(30_000)
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


class ConsolePage:
    """One browser tab on the console, recording what its console and the page report."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(
            f"{message.text} ({message.location.get('url', '')})"))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def open(self, route: str):
        self.page.goto(f"{self.base_url}/console/#/{route.lstrip('/')}")
        self.page.wait_for_selector("header.top nav")
        return self.page

    def screenshot(self, name: str, full_page: bool = True, element=None) -> Path:
        """The page (or only `element`, a locator) as screenshots/<name>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
        if element is not None:
            element.screenshot(path=str(path))
        else:
            self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def console(browser_context, cloud):
    page = browser_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    if callable(getattr(cloud, "token", None)):  # the API requires tokens: sign in as automation does
        token = cloud.token("admin")
        page.add_init_script(f"localStorage.setItem('console.token', {json.dumps(token)})")
    tab = ConsolePage(page, cloud.api_url)
    yield tab
    page.close()
    assert not tab.page_errors, f"uncaught errors in the page: {tab.page_errors}"
