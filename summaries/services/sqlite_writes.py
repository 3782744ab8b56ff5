"""On SQLite, the threads of one process take turns to write, instead of racing for the file's lock.

SQLite has one write lock for the whole database, and a writer that finds it taken polls it,
sleeping longer after each try (its busy handler: 1 ms at first, then up to 100 ms). The web
serves each request in a thread of its own, so with 32 clients 32 threads poll at once: the
newest, polling every millisecond, keep beating the ones that have waited longest, and those
wait over a second. A Python lock makes the threads of one process queue instead, each woken by
the kernel when the one before is done; only the processes (the web's, the worker's) still meet
at SQLite's lock, as they did when each web process served one request at a time. PostgreSQL
locks rows, not the database: there every thread goes straight on.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_one_writer = threading.Lock()


@contextmanager
def turn_to_write() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with _one_writer:
        yield
