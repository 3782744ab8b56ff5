"""Per-client and per-recipient limits on accepted submissions, counted in Django's cache.

Fixed windows: the count for "5/h" resets on the hour boundary of its own window. Keys hold a
hash, never the address or email itself, so the cache holds no personal data. On Redis the
increment is atomic; on the file cache two simultaneous submits can both read the same count,
so a burst may overshoot a limit by a request or two (see docs/security.md).
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class LimitExceeded:
    scope: str
    retry_after: int


def hit(scope: str, identity: str, rate: tuple[int, int] | None, now: float | None = None) -> LimitExceeded | None:
    """Count one submission for `identity`; say when to come back if that was one too many."""
    if rate is None:
        return None
    allowed, period = rate
    now = time.time() if now is None else now
    window = int(now // period)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{identity}".encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{period}:{window}:{digest}"
    cache.add(key, 0, timeout=period + 60)
    try:
        count = cache.incr(key)
    except ValueError:
        # Evicted between add and incr: this is the first hit of a fresh window.
        cache.set(key, 1, timeout=period + 60)
        count = 1
    if count <= allowed:
        return None
    return LimitExceeded(scope, retry_after=max(int((window + 1) * period - now), 1))


def check_submission(ip_key: str, recipient: str) -> LimitExceeded | None:
    """Both limits for one submit; the first one exceeded is the answer."""
    return hit("ip", ip_key, settings.RATE_LIMIT_PER_IP) or hit(
        "recipient", recipient.strip().lower(), settings.RATE_LIMIT_PER_RECIPIENT
    )
