"""Debian's Chromium driven by Playwright, as every browser test starts it.

`launched_chromium()` is behind the `chromium` fixtures of tests/integration/conftest.py (one
browser per test, or one per module for a module that shares a stack). `StrictPage` serves the
stack's pages under the strict Content-Security-Policy the product is meant to run with.
"""

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.integration.services import require
from tests.integration.stack import REPO, VALID_ANSWERS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO / "test-artifacts" / "browser"
# No inline script or style may run: what the product's own pages must work under.
STRICT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
INLINE_CODE = "document.querySelectorAll('script:not([src]), style, [style]').length"


@contextmanager
def launched_chromium() -> Iterator:
    """A headless Chromium for one scope; skips (fails under CI) where Chromium or Playwright is missing."""
    require("Debian's Chromium (/usr/bin/chromium)", CHROMIUM.exists())
    require("Playwright for Python", importlib.util.find_spec("playwright") is not None)
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class StrictPage:
    """A phone-width page whose responses from the stack carry STRICT_POLICY, noting every violation."""

    def __init__(self, browser, stack):
        self.context = browser.new_context(viewport=PHONE, accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.route(f"{stack.base_url}/**", self._with_policy)
        self.violations: list[str] = []
        self.page.on("console", self._note_violation)

    @staticmethod
    def _with_policy(route):
        from playwright.sync_api import Error as PlaywrightError

        # Redirects go back to the browser, so that it navigates to their targets itself.
        try:
            response = route.fetch(max_redirects=0)
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_POLICY})
        except PlaywrightError as error:
            # The page moved on (a navigation cancelled this request) before its answer came back:
            # there is nobody left to answer. Anything else is a real failure.
            if "disposed" not in str(error) and "closed" not in str(error):
                raise

    def _note_violation(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)

    def fits_the_screen(self) -> bool:
        return self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    def fill_form(self, **answers) -> None:
        answers = {**VALID_ANSWERS, **answers}
        page = self.page
        page.get_by_label("Email").fill(answers["email"])
        page.get_by_label("Name").fill(answers["name"])
        page.get_by_label("About Me").fill(answers["about"])
        page.get_by_label("Favorite Hobby").fill(answers["hobby"])
        page.get_by_label("Favorite Color").select_option(answers["color"])
        page.get_by_label("Favorite Saying").fill(answers["saying"])
