"""A person's visit, in Debian's Chromium driven by Playwright, against the real stack.

Open the form on a phone-width screen, make a mistake, see it with the cursor on it, correct it
with the keyboard, watch the status page reach "sent" without reloading, download the PDF. The
pages are served under the strict Content-Security-Policy the product is meant to run with, and
screenshots go to test-artifacts/browser/ for a person to look at.
"""

import re
import subprocess

import pytest

from tests.integration.browser import ARTIFACTS, DESKTOP, INLINE_CODE, StrictPage
from tests.integration.pdf import attached_pdf, pdf_text
from tests.integration.stack import VALID_ANSWERS, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_a_person_corrects_a_mistake_and_watches_their_summary_arrive(make_stack, smtp_sink, chromium):
    stack = make_stack().start()
    visit = StrictPage(chromium, stack)
    page = visit.page

    # The form, with one mistake: an email address without its @.
    page.goto(stack.base_url + "/")
    assert page.evaluate(INLINE_CODE) == 0
    visit.fill_form(email="ada.example.com")
    page.get_by_role("button", name="Generate My PDF").click()

    # The error summary takes the focus; its link leads to the field, announced with its error.
    page.wait_for_selector(".error-summary")
    email = page.get_by_label("Email")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_email"
    assert email.get_attribute("aria-invalid") == "true"
    error_id = email.get_attribute("aria-describedby")
    assert "valid email" in page.locator(f"#{error_id}").inner_text()
    assert page.get_by_label("Name").input_value() == VALID_ANSWERS["name"]
    assert visit.fits_the_screen()
    page.screenshot(path=ARTIFACTS / "1-form-with-error.png", full_page=True)

    # Corrected with the keyboard alone, and sent with Enter.
    page.keyboard.press("Control+A")
    page.keyboard.type("ada@example.com")
    page.keyboard.press("Enter")
    # The address keeps the fragment of the error summary's link the person followed.
    page.wait_for_url(re.compile(r"/s/[^/]+/(#id_email)?$"))
    assert page.evaluate(INLINE_CODE) == 0
    page.screenshot(path=ARTIFACTS / "2-status-just-submitted.png", full_page=True)
    # Anything set on this page survives only if the page is never reloaded.
    page.evaluate("window.notReloaded = true")

    page.wait_for_selector('#status-message[data-status="sent"]', timeout=60_000)
    assert page.evaluate("window.notReloaded === true")
    assert page.locator(".step-done").count() == 4
    assert "emailed" in page.locator("#status-message").inner_text()
    assert visit.fits_the_screen()
    page.screenshot(path=ARTIFACTS / "3-status-sent.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    downloaded = ARTIFACTS / "summary.pdf"
    download_info.value.save_as(downloaded)
    pdf = downloaded.read_bytes()
    assert VALID_ANSWERS["name"] in pdf_text(pdf)
    # The PDF's pages as images too, next to the screenshots (poppler-utils comes with the test tools).
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(downloaded), str(ARTIFACTS / "summary-page")], check=True)

    [message] = wait_until(lambda: smtp_sink.received_for("ada@example.com"), 10, "the email")
    assert attached_pdf(message) == pdf
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=ARTIFACTS / "4-status-sent-desktop.png", full_page=True)
    assert visit.violations == []
    visit.context.close()


def test_a_person_whose_address_is_refused_is_told_so_and_can_still_download(make_stack, smtp_sink, chromium):
    smtp_sink.behaviour.unknown_recipients = {"nobody@example.com"}
    stack = make_stack().start()
    visit = StrictPage(chromium, stack)
    page = visit.page

    page.goto(stack.base_url + "/")
    visit.fill_form(email="nobody@example.com")
    page.get_by_role("button", name="Generate My PDF").click()
    page.wait_for_url(re.compile(r"/s/[^/]+/$"))

    page.wait_for_selector('#status-message[data-status="failed"]', timeout=60_000)
    assert "could not email" in page.locator("#status-message").inner_text()
    assert "550" in page.locator("#status-reason").inner_text()
    assert page.locator('[data-step="sending"]').get_attribute("class") == "step step-failed"
    page.screenshot(path=ARTIFACTS / "5-status-failed.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    assert download_info.value.path().read_bytes().startswith(b"%PDF-")
    assert smtp_sink.count() == 0
    assert visit.violations == []
    visit.context.close()
