"""The one-click stop in Debian's Chromium: open the link from the email, press the one button,
and the next submission to that address ends quietly, under the strict Content-Security-Policy."""

import re

import pytest

from tests.integration.browser import ARTIFACTS, INLINE_CODE, StrictPage
from tests.integration.ports import free_port
from tests.integration.stack import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_a_person_stops_our_emails_from_the_link_and_is_never_emailed_again(make_stack, smtp_sink, chromium):  # noqa: F811
    stack = make_stack()
    stack.web_port = free_port()
    stack.extra_env["PUBLIC_BASE_URL"] = stack.base_url
    stack.start()
    token = stack.submit_ok(email="ada@example.com")
    stack.wait_for_status(token, "sent", timeout=90)
    [message] = wait_until(lambda: smtp_sink.received_for("ada@example.com"), 10, "the email")
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"Never email this address again:\s+(\S+)", text).group(1)
    assert link == str(message["List-Unsubscribe"]).strip().strip("<>")

    visit = StrictPage(chromium, stack)
    page = visit.page
    page.goto(link)
    assert page.evaluate(INLINE_CODE) == 0
    assert visit.fits_the_screen()
    page.screenshot(path=ARTIFACTS / "6-unsubscribe-confirm.png", full_page=True)
    page.get_by_role("button", name="Never email this address again").click()
    page.wait_for_selector("#unsubscribe-done")
    assert "will not be emailed again" in page.locator("h2").inner_text()
    page.screenshot(path=ARTIFACTS / "7-unsubscribed.png", full_page=True)

    # Whoever fills in the form next sees an ordinary status page that simply ends.
    page.goto(stack.base_url + "/")
    visit.fill_form(email="ada@example.com")
    page.get_by_role("button", name="Generate My PDF").click()
    page.wait_for_url(re.compile(r"/s/[^/]+/$"))
    page.wait_for_selector('#status-message[data-status="closed"]', timeout=30_000)
    assert "no email will be sent" in page.locator("#status-message").inner_text()
    page.screenshot(path=ARTIFACTS / "8-status-closed.png", full_page=True)
    assert len(smtp_sink.received_for("ada@example.com")) == 1
    assert visit.violations == []
    visit.context.close()
