"""Running Django in a fresh Python process, with only the variables a test gives it.

For what a test run cannot show from inside: what a process imports, what a setting does from its
first line, what `manage.py` reports. Nothing is inherited from the test run or a `.env` file.
"""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def clean_environment(data_dir: Path, **variables: str) -> dict[str, str]:
    """The settings' own defaults, a data folder of the test's own, and `variables` on top."""
    base = {"PATH": "/usr/bin:/bin", "HOME": str(data_dir), "READ_DOTENV": "0", "DATA_DIR": str(data_dir)}
    return {**base, **variables}


def run_manage(data_dir: Path, *arguments: str, **variables: str) -> subprocess.CompletedProcess:
    """`manage.py arguments...`; the caller checks its return code."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPO,
        env=clean_environment(data_dir, **variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_python(data_dir: Path, code: str, **variables: str) -> subprocess.CompletedProcess:
    """`python -c code` in the project's folder; the caller checks its return code."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=clean_environment(data_dir, **variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


# Settings for a probe that serves requests through Django's test client, with nothing to limit it.
TEST_CLIENT_VARIABLES = {
    "DJANGO_SETTINGS_MODULE": "core.settings",
    "SECRET_KEY": "probe",
    "ALLOWED_HOSTS": "testserver",
    "HTTPS": "0",
    "RATE_LIMIT_PER_IP": "0",
    "RATE_LIMIT_PER_RECIPIENT": "0",
}
