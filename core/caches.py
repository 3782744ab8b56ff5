"""CACHES from one CACHE_URL, for the rate limits (the product caches nothing else).

The default must be shared by every process: `make run` and a production host run several
gunicorn workers, and a per-process memory cache would give each its own counts. The default
is a table in the product's own database (created by a migration): every process on every
machine already shares that database, no server is added, and when the table fills up its
expired entries are removed first (the file cache would cull at random, live counts included).
Redis is atomic and takes the writes off the database.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Created by summaries/migrations/0004_security_rate_limit_cache_table.py.
DATABASE_CACHE_TABLE = "summaries_rate_limit_cache"
# Room for the counts of this many client addresses and recipients before old ones are culled.
MAX_ENTRIES = 20_000


def caches_from_url(url: str, data_dir: Path) -> dict:
    scheme = urlsplit(url).scheme if url else "db"
    options = {"MAX_ENTRIES": MAX_ENTRIES}
    if scheme in {"redis", "rediss"}:
        default = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    elif scheme == "db":
        default = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": DATABASE_CACHE_TABLE}
        default["OPTIONS"] = options
    elif scheme == "file":
        location = urlsplit(url).path or str(data_dir / "cache")
        default = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": location}
        default["OPTIONS"] = options
    elif scheme == "locmem":
        default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    else:
        raise ImproperlyConfigured(
            f"CACHE_URL must be db://, redis://, rediss://, file:///path or locmem://, not {url!r}."
        )
    return {"default": default}
