"""CACHES from one CACHE_URL, for the rate limits (the product caches nothing else).

The default must be shared by every process on the machine: `make run` and a production
host run several gunicorn workers, and a per-process memory cache would give each its own
counts. Files under DATA_DIR need no server and are shared by every local process;
several machines share counts only through Redis.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def caches_from_url(url: str, data_dir: Path) -> dict:
    scheme = urlsplit(url).scheme if url else "file"
    if scheme in {"redis", "rediss"}:
        default = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    elif scheme == "file":
        location = urlsplit(url).path if url else ""
        default = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": location or str(data_dir / "cache"),
        }
    elif scheme == "locmem":
        default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    else:
        raise ImproperlyConfigured(f"CACHE_URL must start with redis://, rediss://, file:// or locmem://, not {url!r}.")
    return {"default": default}
