"""Per-client and per-recipient limits on accepted submissions.

Fixed windows: the count for "5/h" resets on the hour boundary of its own window. Keys hold a
salted hash, never the address or email itself. By default the counts are RateLimitCount rows
and one INSERT ... ON CONFLICT DO UPDATE counts every limit of a submit: the database adds one
to each row atomically, so simultaneous submits can never overshoot a limit. With CACHE_URL set
they are counted in Django's cache instead (see docs/security.md).
"""

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from summaries.models import RateLimitCount

Rate = tuple[int, int]  # (allowed, period in seconds); None turns a limit off
# A count outlives its window by this much, so a web host whose clock is a little behind the
# host that runs the retention job never finds its live count deleted.
EXPIRY_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class LimitExceeded:
    scope: str
    retry_after: int


@dataclass(frozen=True)
class Window:
    """One limit's count for one identity in the fixed window `now` falls in."""

    scope: str
    key: str
    allowed: int
    ends_at: int  # seconds since the epoch


def current_window(scope: str, identity: str, *, rate: Rate, now: float) -> Window:
    allowed, period = rate
    window = int(now // period)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{identity}".encode()).hexdigest()[:32]
    return Window(scope, f"ratelimit:{scope}:{period}:{window}:{digest}", allowed, (window + 1) * period)


def count_in_database(windows: list[Window]) -> dict[str, int]:
    """Add one to every window's row in one statement; returns each key's new count."""
    quote = connection.ops.quote_name
    table, key, count, expires_at = map(quote, (RateLimitCount._meta.db_table, "key", "count", "expires_at"))
    rows = ", ".join(["(%s, 1, %s)"] * len(windows))
    sql = (
        f"INSERT INTO {table} ({key}, {count}, {expires_at}) VALUES {rows} "
        f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {key}, {count}"
    )
    params = []
    for window in windows:
        expiry = datetime.fromtimestamp(window.ends_at + EXPIRY_MARGIN_SECONDS, tz=UTC)
        params += [window.key, connection.ops.adapt_datetimefield_value(expiry)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def count_in_cache(windows: list[Window], now: float) -> dict[str, int]:
    """Add then increment, key by key: atomic on Redis, a read then a write in a file cache."""
    counts = {}
    for window in windows:
        timeout = window.ends_at - int(now) + EXPIRY_MARGIN_SECONDS
        cache.add(window.key, 0, timeout=timeout)
        try:
            counts[window.key] = cache.incr(window.key)
        except ValueError:
            # Evicted between add and incr: this is the first hit of a fresh window.
            cache.set(window.key, 1, timeout=timeout)
            counts[window.key] = 1
    return counts


def count_limits(limits: Iterable[tuple[str, str, Rate | None]], *, now: float | None = None) -> LimitExceeded | None:
    """Count one submission against each limit that is on; the first one exceeded is the answer."""
    now = time.time() if now is None else now
    windows = [
        current_window(scope, identity, rate=rate, now=now) for scope, identity, rate in limits if rate is not None
    ]
    if not windows:
        return None
    counts = count_in_cache(windows, now) if settings.RATE_LIMITS_COUNT_IN_CACHE else count_in_database(windows)
    for window in windows:
        if counts[window.key] > window.allowed:
            return LimitExceeded(window.scope, retry_after=max(int(window.ends_at - now), 1))
    return None


def hit(scope: str, identity: str, *, rate: Rate | None, now: float | None = None) -> LimitExceeded | None:
    """Count one submission for `identity`; say when to come back if that was one too many."""
    return count_limits([(scope, identity, rate)], now=now)


def check_submission(*, ip_key: str, recipient: str, now: float | None = None) -> LimitExceeded | None:
    """Both limits of one submit, counted together (a refused attempt counts against both)."""
    limits = [
        ("ip", ip_key, settings.RATE_LIMIT_PER_IP),
        ("recipient", recipient.strip().lower(), settings.RATE_LIMIT_PER_RECIPIENT),
    ]
    return count_limits(limits, now=now)
