"""Test-run settings, applied before Django reads its own (loaded as a plugin: -p tests.testenv)."""

import os
import tempfile

# Tests must not depend on a developer's .env: every value they rely on is set here.
os.environ["READ_DOTENV"] = "0"
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="summaries-test-"))
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="summaries-static-"))
# prometheus-client reads it when first imported, which a test module may do while being collected.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="summaries-metrics-"))
# Tests that post many times must not trip the abuse limits; the limit tests turn them on.
os.environ.setdefault("RATE_LIMIT_PER_IP", "0")
os.environ.setdefault("RATE_LIMIT_PER_RECIPIENT", "0")


import pytest  # noqa: E402 - the environment above must be set before anything imports Django


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Unit tests render templates without collectstatic, so no hashed-name manifest exists."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
