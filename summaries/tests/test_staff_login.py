"""The admin login: failed attempts lock out (per username and per address), and staff need a second factor."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
CHANGELIST = "/admin/summaries/submission/"
PASSWORD = "a-long-password-2"


@pytest.fixture
def staff():
    return get_user_model().objects.create_superuser("boss", password=PASSWORD)


def _log_in(client, username="boss", password=PASSWORD, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password, "next": CHANGELIST}, REMOTE_ADDR=address)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_the_limit_locks_out_a_username_from_every_address(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for attempt in range(3):
        _log_in(client, password="wrong", address=f"198.51.100.{attempt}")

    refused = _log_in(client, address="192.0.2.99")

    assert refused.status_code == 429
    assert "Too many failed logins" in refused.text
    assert int(refused["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "_auth_user_id" not in client.session


def test_the_limit_locks_out_an_address_whatever_the_username(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for name in ["ada", "grace", "linus"]:
        _log_in(client, username=name, password="wrong")

    assert _log_in(client).status_code == 429
    # From elsewhere, the same right password still works.
    assert _log_in(client, address="192.0.2.99").status_code == 302


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert _log_in(client, password="wrong").status_code == 200

    assert _log_in(client).status_code == 302


def test_an_ipv6_network_counts_as_one_address(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _log_in(client, username="a", password="wrong", address="2001:db8:1:2::1")
    _log_in(client, username="b", password="wrong", address="2001:db8:1:2::2")

    assert _log_in(client, address="2001:db8:1:2::ffff").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    for name in ["a", "b"]:
        client.post(
            LOGIN, {"username": name, "password": "x"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.5"
        )

    same_client = client.post(
        LOGIN, {"username": "boss", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.5"
    )
    other_client = client.post(
        LOGIN, {"username": "boss", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.6"
    )

    assert other_client.status_code == 302
    assert same_client.status_code == 429


def test_a_password_alone_opens_nothing_of_the_admin(client, staff):
    _log_in(client)

    for path in ["/admin/", CHANGELIST, "/admin/auth/user/", "/admin/summaries/submission/overview/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/two-factor/"), path


@pytest.fixture
def no_throttle(settings):
    """django-otp makes each wrong code wait longer before the next try; these tests try at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_the_first_login_enrols_an_app_from_a_qr_code_then_gives_recovery_codes(client, staff, no_throttle):
    _log_in(client)
    page = client.get("/admin/two-factor/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/admin/two-factor/enrol/")
    assert "<svg" in page.text and "<path" in page.text
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed

    wrong = client.post("/admin/two-factor/enrol/", {"code": "000000", "next": CHANGELIST})
    assert wrong.status_code == 400 and client.get(CHANGELIST).status_code == 302

    done = client.post("/admin/two-factor/enrol/", {"code": _code(device), "next": CHANGELIST})

    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.text)
    assert len(codes) == 10
    assert client.get(CHANGELIST).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_enrolled_staff_member_gives_a_code_and_cannot_enrol_a_second_app(client, staff, no_throttle):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    _log_in(client)

    assert client.get("/admin/two-factor/enrol/")["Location"].startswith("/admin/two-factor/?")
    assert client.post("/admin/two-factor/", {"code": "123456"}).status_code == 400
    accepted = client.post("/admin/two-factor/", {"code": _code(device), "next": CHANGELIST})

    assert accepted.status_code == 302 and accepted["Location"] == CHANGELIST
    assert client.get(CHANGELIST).status_code == 200


def test_a_wrong_code_makes_the_next_one_wait(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    _log_in(client)
    client.post("/admin/two-factor/", {"code": "123456"})

    # Even the right code is refused right after a wrong one: guessing all million takes forever.
    assert client.post("/admin/two-factor/", {"code": _code(device)}).status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_recovery_code_logs_in_once(client, staff):
    from summaries.staff.devices import replace_recovery_codes

    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    code = replace_recovery_codes(staff)[0]
    _log_in(client)
    assert client.post("/admin/two-factor/", {"code": code.upper()}).status_code == 302
    client.post("/admin/logout/")

    _log_in(client)
    assert client.post("/admin/two-factor/", {"code": code}).status_code == 400


def test_the_second_step_goes_only_to_a_local_next_address(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    _log_in(client)

    response = client.post("/admin/two-factor/", {"code": _code(device), "next": "https://evil.example/"})

    assert response["Location"] == "/admin/"


def test_the_two_factor_pages_need_a_password_login_first(client):
    for path in ["/admin/two-factor/", "/admin/two-factor/enrol/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), path


def test_without_admin_require_2fa_the_password_is_enough(client, staff, settings):
    settings.ADMIN_REQUIRE_2FA = False
    _log_in(client)

    assert client.get(CHANGELIST).status_code == 200


def test_the_reset_command_removes_the_app_and_the_recovery_codes(staff, capsys):
    from summaries.staff.devices import replace_recovery_codes

    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    replace_recovery_codes(staff)

    call_command("reset_two_factor", "boss")

    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    assert "Removed 2" in capsys.readouterr().out


def test_the_reset_command_names_an_unknown_user():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nobody"):
        call_command("reset_two_factor", "nobody")


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [("203.0.113.7", "203.0.113.7"), ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"), ("", "0.0.0.0")],
)
def test_a_login_is_counted_against_an_address_a_database_ip_field_accepts(remote, counted_as):
    # PostgreSQL's inet column, through GenericIPAddressField, refuses a network or "unknown".
    from django.test import RequestFactory

    from summaries.staff.lockout import login_address

    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    assert login_address(request) == counted_as
