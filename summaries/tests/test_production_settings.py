"""Production settings, checked in a fresh process with only the variables an operator sets."""

import secrets

import pytest

from summaries.tests.fresh_process import run_manage

# Each test starts a Python process with production settings. Not part of the fast suite: `make test` runs them.
pytestmark = pytest.mark.integration

PRODUCTION = {"DEBUG": "false", "ALLOWED_HOSTS": "aboutme.example.com"}


def test_check_deploy_reports_nothing_for_a_production_configuration(tmp_path):
    result = run_manage(
        tmp_path, "check", "--deploy", "--fail-level", "DEBUG", SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_does_complain_about_plain_http(tmp_path):
    """The control: the check above can fail, and does when HTTPS is turned off."""
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        HTTPS="0",
        **PRODUCTION,
    )
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr + result.stdout


def test_a_missing_secret_key_stops_start_up_naming_it(tmp_path):
    result = run_manage(tmp_path, "check", **PRODUCTION)
    assert result.returncode != 0
    assert "The environment variable SECRET_KEY must be set." in result.stderr


def test_abuse_limits_are_on_by_default(tmp_path):
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.RATE_LIMIT_PER_IP, s.RATE_LIMIT_PER_RECIPIENT)",
        SECRET_KEY="x" * 60,
        **PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-1] == "(20, 3600) (3, 3600)", result.stderr


def test_production_cookies_and_transport_are_secure(tmp_path):
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000)",
        SECRET_KEY="x" * 60,
        **PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["True"] * 5, result.stderr


def test_the_old_keys_come_from_secret_key_fallbacks(tmp_path):
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECRET_KEY_FALLBACKS="old-key-one, old-key-two",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['old-key-one', 'old-key-two']"
