"""What the product needs of its database, checked when the settings load."""

import sqlite3

from django.core.exceptions import ImproperlyConfigured

# summaries/services/claims.py changes a row and reads it back in one UPDATE ... RETURNING,
# which SQLite has since 3.35 (2021). PostgreSQL has had it for much longer.
SQLITE_WITH_RETURNING = (3, 35, 0)


def require_sqlite_with_returning(version: tuple[int, int, int] = sqlite3.sqlite_version_info) -> None:
    if tuple(version) < SQLITE_WITH_RETURNING:
        found = ".".join(map(str, version))
        raise ImproperlyConfigured(
            f"SQLite {found} is too old: 3.35 or newer is needed (UPDATE ... RETURNING). "
            "Use a Python built against a newer SQLite, or set DATABASE_URL to PostgreSQL."
        )
