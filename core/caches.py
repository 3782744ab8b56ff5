"""CACHES from one CACHE_URL, and whether the rate limits count there or in the database.

Django's cache holds the rate-limit counts only when CACHE_URL names one. Unset (or `db://`),
the counts are rows in the product's own database (summaries.security.rate_limits), which every
process on every machine already shares, and the default cache is a per-process memory cache.
Apart from the counts, the only thing cached is the admin overview's finished hours of the last
day (summaries/services/last_day.py): figures that no longer change, so each process may as
well keep its own copy.
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
