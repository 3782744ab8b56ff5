"""Abuse limits: per client address and per recipient, in the shared cache, with a clear 429."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from core.caches import caches_from_url
from core.env import env_rate
from summaries.models import Submission
from summaries.security.client_ip import client_ip, rate_limit_key
from summaries.security.rate_limits import hit

pytestmark = pytest.mark.django_db


def submit(client, answers, ip="203.0.113.7", **extra):
    return client.post("/", answers, REMOTE_ADDR=ip, **extra)


def test_one_recipient_gets_at_most_its_limit_then_a_429_saying_when_to_come_back(client, settings, answers):
    settings.RATE_LIMIT_PER_RECIPIENT = (2, 3600)
    assert [submit(client, answers, ip=f"198.51.100.{n}").status_code for n in range(2)] == [302, 302]
    refused = submit(client, {**answers, "email": "ADA@example.com"}, ip="198.51.100.99")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert "This email address has been sent as many summaries as we allow" in refused.text
    assert "try again in" in refused.text
    assert Submission.objects.count() == 2
    # Another recipient is not affected.
    assert submit(client, {**answers, "email": "grace@example.com"}).status_code == 302


def test_one_client_address_gets_at_most_its_limit(client, settings, answers):
    settings.RATE_LIMIT_PER_IP = (3, 600)
    codes = [submit(client, {**answers, "email": f"p{n}@example.com"}).status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    assert "from your network" in submit(client, answers).text
    assert Submission.objects.count() == 3
    assert submit(client, answers, ip="203.0.113.8").status_code == 302


def test_invalid_submissions_do_not_use_up_the_limit(client, settings, answers):
    settings.RATE_LIMIT_PER_IP = (1, 600)
    assert submit(client, {**answers, "color": "Orange"}).status_code == 400
    assert submit(client, answers).status_code == 302


def test_a_limit_of_zero_is_off(client, settings, answers):
    settings.RATE_LIMIT_PER_IP = None
    settings.RATE_LIMIT_PER_RECIPIENT = None
    assert {submit(client, answers).status_code for _ in range(30)} == {302}


def test_the_count_starts_again_in_the_next_window():
    rate = (1, 60)
    assert hit("t", "x", rate, now=1000.0) is None
    exceeded = hit("t", "x", rate, now=1010.0)
    assert exceeded is not None and exceeded.retry_after == 1020 - 1010
    assert hit("t", "x", rate, now=1021.0) is None


def test_cache_keys_hold_no_address():
    from django.db import connection

    from core.caches import DATABASE_CACHE_TABLE

    hit("recipient", "ada@example.com", (5, 60), now=0.0)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {DATABASE_CACHE_TABLE}")
        rows = cursor.fetchall()
    assert rows
    assert "ada@example.com" not in repr(rows)


@pytest.mark.parametrize(
    "value, expected",
    [("5/h", (5, 3600)), ("20/10m", (20, 600)), ("100/d", (100, 86400)), ("1/s", (1, 1)), ("0", None), ("off", None)],
)
def test_rates_are_read_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("RATE_LIMIT_PER_IP", value)
    assert env_rate("RATE_LIMIT_PER_IP", "20/h") == expected


@pytest.mark.parametrize("value", ["5", "5/x", "-1/h", "five/h", "5/0h", "/h", "0/h"])
def test_a_malformed_rate_stops_start_up_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("RATE_LIMIT_PER_RECIPIENT", value)
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_PER_RECIPIENT"):
        env_rate("RATE_LIMIT_PER_RECIPIENT", "3/h")


def test_the_cache_is_redis_when_configured_and_the_database_otherwise(tmp_path):
    redis = caches_from_url("redis://127.0.0.1:6379/3", tmp_path)["default"]
    assert redis == {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/3"}
    default = caches_from_url("", tmp_path)["default"]
    assert default["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    files = caches_from_url("file:///srv/cache", tmp_path)["default"]
    assert files["BACKEND"].endswith("FileBasedCache") and files["LOCATION"] == "/srv/cache"
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        caches_from_url("memcached://x", tmp_path)


def test_the_default_cache_is_shared_by_every_process_through_the_database(settings):
    """Every gunicorn worker must see the same counts: the test run uses the default too."""
    from core.caches import DATABASE_CACHE_TABLE

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings.CACHES["default"]["LOCATION"] == DATABASE_CACHE_TABLE


def test_expired_counts_make_room_before_live_ones_are_culled():
    from datetime import timedelta

    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from core.caches import DATABASE_CACHE_TABLE

    for n in range(12):
        hit("ip", f"203.0.113.{n}", (1, 60))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {DATABASE_CACHE_TABLE} SET expires = %s", [timezone.now() - timedelta(hours=1)])
    hit("recipient", "live@example.com", (1, 3600))
    full_size, cache._max_entries = cache._max_entries, 5
    try:
        hit("ip", "198.51.100.1", (1, 60))  # a write with the table over its size: the cull runs
    finally:
        cache._max_entries = full_size
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DATABASE_CACHE_TABLE}")
        assert cursor.fetchone()[0] == 2
    assert hit("recipient", "live@example.com", (1, 3600)) is not None


def request_from(remote: str, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_forwarded_headers_are_ignored_unless_a_setting_trusts_one(settings):
    settings.CLIENT_IP_HEADER = ""
    assert client_ip(request_from("10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "10.0.0.1"


def test_behind_a_trusted_proxy_the_address_it_appended_counts(settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    # A client can send any X-Forwarded-For; the proxy appends the address it saw.
    spoofed = request_from("10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20")
    assert client_ip(spoofed) == "198.51.100.20"
    assert client_ip(request_from("10.0.0.1", HTTP_X_FORWARDED_FOR="not an address")) == "10.0.0.1"
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(request_from("10.0.0.1", HTTP_X_REAL_IP="2001:db8::1")) == "2001:db8::1"


def test_ipv6_clients_are_counted_per_64_network():
    assert rate_limit_key("2001:db8:1:2:aaaa::1") == rate_limit_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert rate_limit_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert rate_limit_key("192.0.2.1") == "192.0.2.1"
