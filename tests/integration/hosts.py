"""Separate "machines" on one: each with its own copy of the application and its own data folder."""

import shutil
from pathlib import Path

from tests.integration.stack import REPO

# What a deployment ships: the code and the Procfile, no tests, caches or local data.
APP_FILES = ("core", "summaries", "manage.py", "Procfile")


def app_checkout(root: Path) -> Path:
    """Copy the application into root/app, as a machine of its own would have it."""
    app = root / "app"
    app.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "tests")
    for name in APP_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, app / name, ignore=ignore)
        else:
            shutil.copy2(source, app / name)
    return app
