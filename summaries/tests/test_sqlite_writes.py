"""On SQLite the web's threads take turns to write (summaries/services/sqlite_writes.py)."""

import threading

from summaries.services import sqlite_writes
from summaries.services.sqlite_writes import turn_to_write


def _second_writer_enters_while_the_first_writes() -> bool:
    first_inside, first_may_leave, second_inside = threading.Event(), threading.Event(), threading.Event()

    def first():
        with turn_to_write():
            first_inside.set()
            first_may_leave.wait(5)

    def second():
        first_inside.wait(5)
        with turn_to_write():
            second_inside.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    entered_early = second_inside.wait(0.5)
    first_may_leave.set()
    for thread in threads:
        thread.join(5)
    assert second_inside.is_set(), "the second writer never got its turn"
    return entered_early


def test_on_sqlite_a_second_writer_waits_for_the_first():
    assert not _second_writer_enters_while_the_first_writes()


def test_on_a_database_that_locks_rows_writers_do_not_wait(monkeypatch):
    class RowLockingDatabase:
        vendor = "postgresql"

    monkeypatch.setattr(sqlite_writes, "connection", RowLockingDatabase())
    assert _second_writer_enters_while_the_first_writes()
