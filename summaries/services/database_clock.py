"""The database's clock: every lease and every "is it due?" is judged by it, never by a host's own.

Workers on several machines share one database; their own clocks may disagree by minutes
(NTP not running, a VM resumed). A lease written as "my clock + 90 s" by a host running five
minutes ahead would hold a dead worker's job for six and a half minutes, and a host running
behind would see live leases as expired and take jobs over. So leases, retry times and the
sweep's ages are written and compared with the database's current time, in the same statement.

On PostgreSQL that is the server's STATEMENT_TIMESTAMP(). SQLite has no server: its time is that
of the process running the statement, which is fine because an SQLite database serves one
machine only (docs/embedded.md). Django's Now() writes the same expressions for the ORM.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper
from django.db.models.functions import Now
from django.utils.dateparse import parse_datetime


@dataclass(frozen=True)
class DatabaseTime:
    """A time the database computes in the statement that writes or compares it: SQL and its parameters."""

    sql: str
    params: tuple = ()


def now_sql() -> str:
    """The database's current time, as SQL for a raw statement (in the column's own format)."""
    if connection.vendor == "postgresql":
        return "STATEMENT_TIMESTAMP()"
    # As Django's Now() on SQLite: the text format Django stores datetimes in, milliseconds included.
    return "STRFTIME('%%Y-%%m-%%d %%H:%%M:%%f', 'NOW')"


def database_time(*, plus_seconds: float = 0) -> DatabaseTime:
    """The database's current time, plus `plus_seconds`."""
    if not plus_seconds:
        return DatabaseTime(now_sql())
    if connection.vendor == "postgresql":
        return DatabaseTime("STATEMENT_TIMESTAMP() + %s * INTERVAL '1 second'", (plus_seconds,))
    return DatabaseTime("STRFTIME('%%Y-%%m-%%d %%H:%%M:%%f', 'NOW', %s)", (f"{plus_seconds:+f} seconds",))


def ago(seconds: float) -> ExpressionWrapper:
    """The database's current time minus `seconds`, for the ORM."""
    return ExpressionWrapper(Now() - timedelta(seconds=seconds), output_field=DateTimeField())


def database_now() -> datetime:
    """Ask the database what time it is (one round trip: for the rare paths that must show it)."""
    with connection.cursor() as cursor:
        # With a (empty) parameter list, so that the %% in the SQL is read as one %.
        cursor.execute(f"SELECT {now_sql()}", [])
        value = cursor.fetchone()[0]
    # PostgreSQL answers a datetime; SQLite its text, in UTC.
    return value if isinstance(value, datetime) else parse_datetime(value).replace(tzinfo=UTC)
