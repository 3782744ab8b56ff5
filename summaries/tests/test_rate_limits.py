"""Abuse limits: per client address and per recipient, counted in the database, with a clear 429."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.caches import caches_from_url, rate_limits_count_in_cache
from core.env import env_rate
from summaries.models import RateLimitCount, Submission
from summaries.security import rate_limits
from summaries.security.client_ip import client_ip, rate_limit_key
from summaries.security.rate_limits import check_submission, current_window, hit
from summaries.services.retention import delete_expired_submissions
from tests.integration.services import fresh_postgres_database, require_redis

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def submit(client, answers, ip="203.0.113.7", **extra):
    return client.post("/", answers, REMOTE_ADDR=ip, **extra)


@pytest.fixture
def stopped_clock(monkeypatch) -> float:
    """The limits' clock, stopped: a window ending between two submits would start the count again."""
    now = time.time()
    monkeypatch.setattr(rate_limits, "time", SimpleNamespace(time=lambda: now))
    return now


def test_one_recipient_gets_at_most_its_limit_then_a_429_saying_when_to_come_back(
    client, settings, answers, stopped_clock
):
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


def test_one_client_address_gets_at_most_its_limit(client, settings, answers, stopped_clock):
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
    assert hit("t", "x", rate=rate, now=1000.0) is None
    exceeded = hit("t", "x", rate=rate, now=1010.0)
    assert exceeded is not None and exceeded.retry_after == 1020 - 1010
    assert hit("t", "x", rate=rate, now=1021.0) is None


def test_a_limit_of_n_allows_n_then_refuses_until_the_window_ends():
    rate = (3, 600)  # the window of now=1000 runs from 600 to 1200
    assert [hit("t", "x", rate=rate, now=1000.0 + n) for n in range(3)] == [None, None, None]
    exceeded = hit("t", "x", rate=rate, now=1100.0)
    assert exceeded is not None and exceeded.scope == "t" and exceeded.retry_after == 100


def test_a_refused_submit_saves_nothing_but_still_counts(client, settings, answers, stopped_clock):
    settings.RATE_LIMIT_PER_RECIPIENT = (1, 3600)
    assert [submit(client, answers).status_code for _ in range(2)] == [302, 429]
    assert Submission.objects.count() == 1
    assert list(RateLimitCount.objects.values_list("count", flat=True)) == [2]


def test_counts_are_kept_under_hashed_keys_with_no_address_in_them(settings):
    settings.RATE_LIMIT_PER_IP = (5, 60)
    settings.RATE_LIMIT_PER_RECIPIENT = (5, 60)
    check_submission(ip_key="198.51.100.7", recipient="Ada@Example.com")
    rows = list(RateLimitCount.objects.values_list("key", "count"))
    assert len(rows) == 2 and {count for _, count in rows} == {1}
    assert not any(secret in repr(rows).lower() for secret in ["ada", "example.com", "198.51.100.7"])


def test_one_statement_counts_both_limits_of_a_submit(settings):
    settings.RATE_LIMIT_PER_IP = (5, 60)
    settings.RATE_LIMIT_PER_RECIPIENT = (5, 60)
    with CaptureQueriesContext(connection) as queries:
        check_submission(ip_key="198.51.100.7", recipient="ada@example.com")
    assert len(queries) == 1
    assert sorted(RateLimitCount.objects.values_list("count", flat=True)) == [1, 1]


def test_only_the_limits_that_are_on_are_counted(settings):
    settings.RATE_LIMIT_PER_IP = None
    settings.RATE_LIMIT_PER_RECIPIENT = (5, 60)
    check_submission(ip_key="198.51.100.7", recipient="ada@example.com")
    assert RateLimitCount.objects.count() == 1
    settings.RATE_LIMIT_PER_RECIPIENT = None
    with CaptureQueriesContext(connection) as queries:
        assert check_submission(ip_key="198.51.100.7", recipient="ada@example.com") is None
    assert len(queries) == 0


def test_the_hourly_retention_job_deletes_expired_counts_and_keeps_live_ones(settings):
    settings.RETENTION_DAYS = 0  # keeping answers forever does not keep counts forever
    now = time.time()  # one instant for the hit and the key it is looked up by
    hit("ip", "198.51.100.1", rate=(5, 60), now=now - 3600)
    hit("ip", "198.51.100.2", rate=(5, 3600), now=now)
    delete_expired_submissions()
    assert list(RateLimitCount.objects.values_list("key", flat=True)) == [
        current_window("ip", "198.51.100.2", rate=(5, 3600), now=now).key
    ]


def test_with_a_redis_cache_url_the_counts_are_kept_in_redis(settings, tmp_path):
    settings.CACHES = caches_from_url(require_redis().rsplit("/", 1)[0] + "/7", tmp_path)
    settings.RATE_LIMITS_COUNT_IN_CACHE = True
    identity = f"test-{uuid.uuid4().hex}"  # the shared Redis may hold counts from other runs
    now = time.time()  # one instant: three hits in one window, and the key they were counted under
    assert [hit("recipient", identity, rate=(2, 3600), now=now) is None for _ in range(3)] == [True, True, False]
    key = current_window("recipient", identity, rate=(2, 3600), now=now).key
    assert cache.get(key) == 3
    cache.delete(key)
    assert not RateLimitCount.objects.exists()


SIMULTANEOUS_SUBMITS = """
import threading
from django.db import connection
from summaries.security.rate_limits import check_submission
start, accepted = threading.Barrier(12), []
def submit():
    connection.ensure_connection()
    start.wait()
    accepted.append(check_submission(ip_key="198.51.100.1", recipient="ada@example.com") is None)
    connection.close()
threads = [threading.Thread(target=submit) for _ in range(12)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(sum(accepted))
"""


def manage(*args: str, env: dict) -> str:
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.integration  # runs manage.py processes against a real PostgreSQL
def test_simultaneous_submits_never_overshoot_a_limit_on_postgresql():
    with fresh_postgres_database() as url:
        env = {"DATABASE_URL": url, "RATE_LIMIT_PER_IP": "100/h", "RATE_LIMIT_PER_RECIPIENT": "5/h"}
        manage("migrate", "-v0", env=env)
        assert manage("shell", "-v0", "-c", SIMULTANEOUS_SUBMITS, env=env).strip() == "5"


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


def test_the_counts_are_in_the_database_unless_cache_url_names_a_cache(tmp_path):
    redis = caches_from_url("redis://127.0.0.1:6379/3", tmp_path)["default"]
    assert redis == {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/3"}
    files = caches_from_url("file:///srv/cache", tmp_path)["default"]
    assert files["BACKEND"].endswith("FileBasedCache") and files["LOCATION"] == "/srv/cache"
    for url in ["", "db://"]:
        assert caches_from_url(url, tmp_path)["default"]["BACKEND"].endswith("LocMemCache")
        assert not rate_limits_count_in_cache(url)
    assert all(map(rate_limits_count_in_cache, ["redis://x:6379/1", "rediss://x", "file:///srv/cache", "locmem://"]))
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        caches_from_url("memcached://x", tmp_path)


def test_by_default_the_counts_are_shared_by_every_process_through_the_database(settings):
    """Every gunicorn worker must see the same counts: the test run uses the default too."""
    assert settings.RATE_LIMITS_COUNT_IN_CACHE is False


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
