"""Telling a database that cannot take writes right now from a bug in the code.

Both the web (a clear 503 page instead of a 500) and the worker (keep trying to record a
delivery instead of giving up) need the same answer. A database that is down, restarting or
out of disk raises OperationalError or InterfaceError. A server that can only read, such as a
replica after a failover or a primary set to `default_transaction_read_only`, raises
PostgreSQL's "read-only SQL transaction" error, which the driver files under InternalError
with the errors of the code's own making, so it is recognised by its SQLSTATE.
"""

from django.db import DatabaseError, InterfaceError, OperationalError

# PostgreSQL's read_only_sql_transaction: "cannot execute INSERT in a read-only transaction".
READ_ONLY_SQLSTATE = "25006"


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database cannot serve this write now, and a later try may succeed."""
    if isinstance(exc, OperationalError | InterfaceError) or type(exc) is DatabaseError:
        return True
    return isinstance(exc, DatabaseError) and getattr(exc.__cause__, "sqlstate", None) == READ_ONLY_SQLSTATE
