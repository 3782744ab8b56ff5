"""CACHES from one CACHE_URL, and whether the rate limits count there or in the database.

The product caches nothing: Django's cache holds only the rate-limit counts, and only when
CACHE_URL names one. Unset (or `db://`), the counts are rows in the product's own database
(summaries.security.rate_limits), which every process on every machine already shares. The
default cache is then a per-process memory cache that nothing reads or writes, so it can never
give two gunicorn workers different answers.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Room for the counts of this many client addresses and recipients before old ones are culled.
MAX_ENTRIES = 20_000
DATABASE_SCHEMES = {"", "db"}


def rate_limits_count_in_cache(url: str) -> bool:
    return urlsplit(url).scheme not in DATABASE_SCHEMES


def caches_from_url(url: str, data_dir: Path) -> dict:
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss"}:
        default = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    elif scheme == "file":
        location = urlsplit(url).path or str(data_dir / "cache")
        default = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": location,
            "OPTIONS": {"MAX_ENTRIES": MAX_ENTRIES},
        }
    elif scheme in DATABASE_SCHEMES | {"locmem"}:
        default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    else:
        raise ImproperlyConfigured(
            f"CACHE_URL must be empty, db://, redis://, rediss://, file:///path or locmem://, not {url!r}."
        )
    return {"default": default}
