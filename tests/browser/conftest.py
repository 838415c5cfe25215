"""Headless Chromium (Debian's package) driven by Playwright, with axe-core checks and screenshots."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", ".artifacts/screenshots"))


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is open,
# and the rest of the suite (plain synchronous Django) must not run inside it.
@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow ORM calls from this thread meanwhile.
    # Only meanwhile: the variable leaking into later tests would trip `check --deploy`.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_page(width):
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def check_page():
    """Run axe-core on the page (fail on any violation) and save a screenshot named after it."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def check(page, name, allow=()):
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
        results = axe.run(page)
        violations = [v for v in results.response["violations"] if v["id"] not in allow]
        assert not violations, f"{name}: {page.url}\n{results.generate_report()}"
        # Usable at phone width means nothing forces sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
            f"{name} scrolls sideways at {page.viewport_size['width']}px"

    return check
