"""Settings that would break a guarantee stop every process at start-up, with the reason."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Each test starts a Python process that loads the settings. Not part of the fast suite: `make test` runs them.
pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "core.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_lease_shorter_than_the_hard_time_limit_plus_margin_is_refused():
    result = start_django(SUBMISSION_LEASE_SECONDS="64", TASK_TIME_LIMIT_SECONDS="60")
    assert result.returncode != 0
    assert "SUBMISSION_LEASE_SECONDS (64) must be at least TASK_TIME_LIMIT_SECONDS (60) + 5" in result.stderr


def test_a_soft_time_limit_not_below_the_hard_one_is_refused():
    result = start_django(TASK_SOFT_TIME_LIMIT_SECONDS="60", TASK_TIME_LIMIT_SECONDS="60")
    assert result.returncode != 0
    assert "TASK_SOFT_TIME_LIMIT_SECONDS (60) must be below TASK_TIME_LIMIT_SECONDS (60)" in result.stderr


def test_a_lease_covering_the_time_limit_with_margin_starts():
    result = start_django(SUBMISSION_LEASE_SECONDS="65", TASK_TIME_LIMIT_SECONDS="60")
    assert result.returncode == 0, result.stderr
