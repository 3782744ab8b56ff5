"""System checks: what `manage.py check` (and migrate, runserver) says about this deployment."""

import sqlite3

from django.conf import settings
from django.core.checks import Error, register
from django.db import connections

# services/claims.py claims a row and reads it back in one UPDATE ... RETURNING, which SQLite
# has since 3.35 (2021). PostgreSQL has had it for much longer.
SQLITE_WITH_RETURNING = (3, 35, 0)


@register()
def check_sqlite_has_returning(app_configs=None, version=sqlite3.sqlite_version_info, **_kwargs) -> list[Error]:
    uses_sqlite = any(connections[alias].vendor == "sqlite" for alias in settings.DATABASES)
    if not uses_sqlite or tuple(version) >= SQLITE_WITH_RETURNING:
        return []
    found = ".".join(map(str, version))
    return [
        Error(
            f"SQLite {found} is too old: 3.35 or newer is needed (UPDATE ... RETURNING).",
            hint="Use a Python built against a newer SQLite, or set DATABASE_URL to PostgreSQL.",
            id="summaries.E001",
        )
    ]
