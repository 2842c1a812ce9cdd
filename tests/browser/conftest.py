"""Browser tests: Debian's chromium driven by Playwright, every page checked with axe-core.

`page` is pytest-playwright's fixture, launched with /usr/bin/chromium and the flags of a
closed network. `check_page(page)` runs axe-core on the current page (a serious or critical
violation fails the test) and takes it again at 360 px wide.
"""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
PHONE_VIEWPORT = {"width": 360, "height": 740}

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_dir = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(browser_dir):
            item.add_marker(pytest.mark.browser)
            if not shutil.which(CHROMIUM):
                if os.environ.get("CI") == "true":
                    continue  # the launch fails loudly: chromium is mandatory in CI
                item.add_marker(pytest.mark.skip(reason="chromium (/usr/bin/chromium) n'est pas installé"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def check_page():
    """Accessibility (axe-core, serious and critical fail) and a look at 360 px wide."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        page.wait_for_load_state("load")
        results = axe.run(page)
        blocking = [
            violation
            for violation in results.response["violations"]
            if violation.get("impact") in {"serious", "critical"}
        ]
        assert not blocking, f"{page.url}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in blocking
        )
        size = page.viewport_size
        page.set_viewport_size(PHONE_VIEWPORT)
        try:
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        finally:  # the next page is checked at its own width, whatever this one did
            if size:
                page.set_viewport_size(size)
        assert not overflow, f"{page.url}: la page déborde horizontalement à 360 px"

    return check


@pytest.fixture
def patient_browser(page):
    """The machine is shared: wait up to 15 s for a page rather than 5 (no assertion is about time)."""
    from playwright.sync_api import expect

    page.set_default_timeout(30_000)
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)
