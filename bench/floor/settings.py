"""The product's settings, plus one URL for the bare submit view. Used only by bench/."""

from core.settings import *  # noqa: F403 - the very same settings, so both views pay the same middleware

ROOT_URLCONF = "bench.floor.urls"
