"""The disk filling up under the embedded defaults: SQLite, the broker's message files, the outbox.

The stack's data folder is a small tmpfs the test mounts itself, and the mail goes to the
outbox on it (no EMAIL_HOST), so every write the embedded defaults make meets the full disk.
A submit that cannot be saved gets the clear 503 page and leaves no row; one that could be saved
is delivered once space is back; the workers retry by themselves, and no half-written file is
left behind.
"""

import email
import os
import signal
import sqlite3
import time
from email import policy

import pytest

from tests.faults.conftest import ensure_running
from tests.faults.scoreboard import Scenario, Submitted
from tests.faults.small_filesystem import SmallFilesystem
from tests.integration.smtp_sink import Accepted
from tests.integration.stack import wait_until

pytestmark = pytest.mark.faults

SUBMITS_WHILE_FULL = 6


class Outbox:
    """The outbox folder read as the scoreboard reads the SMTP sink: what was "accepted", and when."""

    def __init__(self, folder):
        self.folder = folder

    def accepted_for(self, addresses: set[str]) -> list[Accepted]:
        monotonic_offset = time.time() - time.monotonic()
        found = []
        for path in sorted(self.folder.glob("*.eml"), key=lambda p: p.stat().st_mtime):
            raw = path.read_bytes()
            recipient = email.message_from_bytes(raw, policy=policy.default)["To"]
            if recipient in addresses:
                found.append(Accepted(raw, (recipient,), path.stat().st_mtime - monotonic_offset))
        return found


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    # Room for the database, its WAL and a few dozen PDFs; little enough to fill in a moment.
    filesystem = SmallFilesystem(tmp_path_factory.mktemp("tmpfs") / "data", "24m").mount()
    yield filesystem
    filesystem.unmount()


@pytest.fixture(scope="module")
def files_disk(tmp_path_factory):
    filesystem = SmallFilesystem(tmp_path_factory.mktemp("tmpfs") / "data", "4m").mount()
    yield filesystem
    filesystem.unmount()


@pytest.fixture(scope="module")
def files_stack(make_fault_stack, files_disk, tmp_path_factory):
    """The broker's files, the outbox and beat's schedule on the small disk; SQLite on a roomy one."""
    database = tmp_path_factory.mktemp("database") / "db.sqlite3"
    stack = make_fault_stack(
        database_url=f"sqlite:///{database}", extra_env={"DATA_DIR": str(files_disk.mount_point), "EMAIL_HOST": ""}
    )
    stack.database_file = database
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def stack(make_fault_stack, disk):
    data = disk.mount_point
    stack = make_fault_stack(
        database_url=f"sqlite:///{data / 'db.sqlite3'}", extra_env={"DATA_DIR": str(data), "EMAIL_HOST": ""}
    )
    yield stack
    stack.stop()


def count(database, sql: str, *params) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        return connection.execute(sql, params).fetchone()[0]


def rows_for(database, address_prefix: str) -> int:
    return count(database, "SELECT count(*) FROM summaries_submission WHERE email LIKE ?", f"{address_prefix}%")


def half_written_files(data) -> list[str]:
    """Files a failed write left behind: in the broker's queue, or in the outbox."""
    return [p.name for p in [*(data / "broker" / "queue").glob("*.partial"), *(data / "outbox").glob("*.partial")]]


def test_a_full_disk_refuses_submits_clearly_and_loses_nothing_once_space_is_back(stack, sink, disk):
    ensure_running(stack)
    outbox = Outbox(disk.mount_point / "outbox")
    run = Scenario("disk full (SQLite, broker files, outbox)", "filesystem", stack, outbox)
    worker = stack.processes["worker1"]
    # Saved before the disk fills, waiting for a worker that is frozen: once thawed, it meets the
    # full disk at every step (publishing, rendering, keeping the PDF, writing the email).
    worker.signal(signal.SIGSTOP)
    run.submit(4)
    disk.fill()
    log_before = len(worker.log_text())
    worker.signal(signal.SIGCONT)

    refused = 0
    for number in range(SUBMITS_WHILE_FULL):
        address, started = f"{run.tag}-full-{number}@example.com", time.monotonic()
        response = stack.submit(email=address)
        run.submit_seconds.append(response.elapsed.total_seconds())
        assert response.status_code in (302, 503), (response.status_code, response.text[:300])
        if response.status_code == 503:
            assert "Nothing was saved" in response.text
            assert response.headers["Retry-After"]
            refused += 1
        else:
            # Saved after all (SQLite reuses the space of its write-ahead log): it must arrive.
            run.submissions.append(Submitted(stack.accepted_token(response), address, started))
    assert refused, "no submit met the full disk"
    wait_until(lambda: "OperationalError" in worker.log_text()[log_before:], 60, "the worker to meet the full disk")

    disk.free()
    run.assert_all_delivered_once(run.settle(timeout=180))
    assert rows_for(disk.mount_point / "db.sqlite3", f"{run.tag}-") == len(run.submissions)
    assert all(process.alive() for process in stack.processes.values())
    assert not half_written_files(disk.mount_point)


def test_broker_files_and_emails_that_do_not_fit_are_written_again_once_space_is_back(files_stack, files_disk):
    stack, data = files_stack, files_disk.mount_point
    ensure_running(stack)
    run = Scenario("disk full (broker files, outbox)", "filesystem", stack, Outbox(data / "outbox"))
    worker = stack.processes["worker1"]
    [child] = worker.children()
    # The jobs are published and one is handed to the pool process, frozen: thawed on a full
    # disk, it renders, keeps the PDF in the database, and cannot write the email.
    os.kill(child, signal.SIGSTOP)
    run.submit(4)
    queue = data / "broker" / "queue"
    wait_until(lambda: len(list(queue.glob(f"*.{stack.queue}.msg"))) >= 3, 60, "the jobs published")
    files_disk.fill()
    log_before = len(worker.log_text())
    os.kill(child, signal.SIGCONT)

    no_space = "SELECT count(*) FROM summaries_submissionevent WHERE detail LIKE '%No space left on device%'"
    wait_until(lambda: count(stack.database_file, no_space) >= 2, 60, "emails refused by the full disk")

    def publish_refused() -> bool:
        # Each message a worker takes frees the space of its file: keep the disk full.
        files_disk.fill()
        return "publish failed" in worker.log_text()[log_before:]

    wait_until(publish_refused, 60, "a publish refused by the full disk")

    files_disk.free()
    run.assert_all_delivered_once(run.settle(timeout=180))
    assert all(process.alive() for process in stack.processes.values())
    assert not half_written_files(data)
