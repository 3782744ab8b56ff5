"""The admin overview's chart of the last day, in Chromium, under the product's own policy."""

import pytest

from tests.integration.browser import ARTIFACTS, DESKTOP

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def test_the_overview_draws_the_last_day_with_no_policy_violation(make_stack, smtp_sink, chromium):  # noqa: F811
    stack = make_stack()
    stack.prepare()
    stack.manage("createsuperuser", "--noinput", "--username", "operator", "--email", "operator@example.com")
    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; u = User.objects.get(); "
        "u.set_password('a long operator password'); u.save()",
    )
    # The chart is the subject here; the second factor has its own tests (test_staff_browser.py).
    stack.start_web(workers=1, ADMIN_REQUIRE_2FA="false")
    stack.start_worker("worker1", concurrency=1)
    for token in stack.submit_many("charted", 3).values():
        stack.wait_for_status(token, "sent", timeout=120)

    page = chromium.new_context(viewport=DESKTOP).new_page()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.goto(f"{stack.base_url}/admin/login/?next=/admin/summaries/submission/overview/")
    page.get_by_label("Username").fill("operator")
    page.get_by_label("Password").fill("a long operator password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/overview/")

    chart = page.locator("#last-day-counts")
    assert chart.bounding_box()["width"] > 300
    assert page.locator("#last-day-counts rect title", has_text="Sent: 3").count() == 1
    assert page.locator("#last-day-waits polyline").count() == 2
    assert "Received 3, sent 3, failed 0." in page.locator("#last-day-totals").inner_text()
    page.screenshot(path=str(ARTIFACTS / "admin-last-day.png"), full_page=True)
    assert violations == []
