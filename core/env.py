"""Strict readers for settings that come from the environment.

A value that does not parse stops start-up with a message naming the variable, instead of
being guessed at: a typo in production should fail loudly, not fall back to a default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
REQUIRED = object()


def env_str(name: str, default=REQUIRED) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is REQUIRED:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (or 1/0), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


_RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_rate(name: str, default: str) -> tuple[int, int] | None:
    """A rate such as "5/h" or "100/10m" as (count, seconds); "0" turns the limit off (None)."""
    value = os.environ.get(name, "").strip().lower() or default
    if value in {"0", "off"}:
        return None
    count, _, period = value.partition("/")
    multiplier, unit = period[:-1] or "1", period[-1:]
    if not (count.isdigit() and int(count) > 0 and multiplier.isdigit() and int(multiplier) > 0):
        unit = ""
    if unit not in _RATE_PERIODS:
        raise ImproperlyConfigured(f"{name} must look like 5/h, 20/10m or 100/d (or 0 for no limit), not {value!r}.")
    return int(count), int(multiplier) * _RATE_PERIODS[unit]
