"""The staff login in Debian's Chromium against the real web process: lockout, then two factors.

The TOTP codes are computed here from the secret the enrolment page shows, as an authenticator
app would compute them from the QR code.
"""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.integration.browser import ARTIFACTS, StrictPage

pytestmark = [pytest.mark.integration, pytest.mark.browser]

PASSWORD = "a-long-staff-password-7"
STEP_SECONDS = 30


def staff_stack(make_stack, **env):
    stack = make_stack(
        extra_env={
            "ADMIN_LOGIN_FAILURE_LIMIT": "3",
            "ADMIN_LOCKOUT_MINUTES": "15",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
            **env,
        }
    )
    stack.prepare()
    stack.manage("createsuperuser", "--noinput", "--username", "boss", "--email", "boss@example.com")
    stack.start_web()
    return stack


def code_from(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` steps later) for this secret."""
    totp = TOTP(b32decode(secret), step=STEP_SECONDS, digits=6)
    totp.time = time.time() + steps_ahead * STEP_SECONDS
    return f"{totp.token():06d}"


def log_in(page, stack, password: str) -> None:
    page.goto(stack.base_url + "/admin/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_wrong_passwords_lock_the_login_with_a_clear_page(make_stack, chromium):  # noqa: F811
    stack = staff_stack(make_stack)
    visit = StrictPage(chromium, stack)
    page = visit.page

    for _ in range(2):
        log_in(page, stack, "not-the-password")
        page.wait_for_selector(".errornote")
    log_in(page, stack, "still-not-it")
    page.wait_for_selector("#locked-out")
    page.screenshot(path=ARTIFACTS / "staff-1-locked-out.png", full_page=True)
    assert "15 minutes" in page.locator("#content-main").inner_text()

    # Locked: even the right password is refused now.
    log_in(page, stack, PASSWORD)
    page.wait_for_selector("#locked-out")
    assert "/two-factor/" not in page.url
    assert visit.violations == []
    visit.context.close()


def test_first_login_enrols_an_authenticator_then_every_login_needs_its_code(make_stack, chromium):  # noqa: F811
    stack = staff_stack(make_stack)
    visit = StrictPage(chromium, stack)
    page = visit.page

    log_in(page, stack, PASSWORD)
    page.wait_for_selector("#qr-code svg")
    assert "/admin/two-factor/enrol/" in page.url
    page.screenshot(path=ARTIFACTS / "staff-2-enrol.png", full_page=True)
    secret = page.locator("#totp-secret").inner_text()
    # The admin stays shut until the code is given.
    page.goto(stack.base_url + "/admin/summaries/submission/")
    assert "/admin/two-factor/" in page.url

    page.get_by_label("Code", exact=True).fill(code_from(secret))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_selector("#recovery-codes")
    recovery_codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(recovery_codes) == 10
    page.screenshot(path=ARTIFACTS / "staff-3-recovery-codes.png", full_page=True)
    page.get_by_role("link", name="Continue to the admin").click()
    page.wait_for_selector("#site-name")
    assert "/two-factor/" not in page.url

    # The next login: password, then the app's code (the next one: a code is good only once).
    page.get_by_role("button", name="Log out").click()
    log_in(page, stack, PASSWORD)
    page.wait_for_selector("#id_code")
    assert "/admin/two-factor/" in page.url and "enrol" not in page.url
    page.get_by_label("Code", exact=True).fill(code_from(secret, steps_ahead=1))
    page.get_by_role("button", name="Check the code").click()
    page.wait_for_selector("#site-name")
    page.goto(stack.base_url + "/admin/summaries/submission/")
    assert page.url.endswith("/admin/summaries/submission/")

    # And a recovery code, when the phone is lost.
    page.get_by_role("button", name="Log out").click()
    log_in(page, stack, PASSWORD)
    page.get_by_label("Code", exact=True).fill(recovery_codes[0])
    page.get_by_role("button", name="Check the code").click()
    page.wait_for_selector("#site-name")
    assert "/two-factor/" not in page.url
    assert visit.violations == []
    visit.context.close()
