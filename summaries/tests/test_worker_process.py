"""A Celery worker child prepares itself when it starts, and frees each job's memory after it."""

import gc
import time

import pytest
from celery.signals import task_postrun, worker_process_init

from summaries import worker_process
from summaries.models import Submission
from summaries.services import rendering
from summaries.tests.answers import ANSWERS


@pytest.fixture
def child_process(monkeypatch):
    """Play a fresh worker child in this process, leaving the test run as it was afterwards."""
    applied = []
    monkeypatch.setattr(worker_process.compat, "apply_in_worker_process", lambda: applied.append(True))
    monkeypatch.setattr(rendering, "_current", None)
    monkeypatch.setattr(worker_process, "_prepared", False)
    yield applied
    gc.unfreeze()


def test_worker_process_init_applies_the_workarounds_warms_up_and_freezes_what_it_loaded(child_process):
    worker_process_init.send(sender=None)
    assert child_process == [True]
    assert rendering._renderer().warmed_up
    assert gc.get_freeze_count() > 0
    assert worker_process._prepared


def test_the_renderer_is_warmed_up_once(child_process):
    assert worker_process.warm_up_renderer() is True
    assert worker_process.warm_up_renderer() is False


def test_a_failed_warm_up_leaves_the_worker_running(monkeypatch, caplog):
    def broken_renderer():
        raise OSError("no fonts")

    monkeypatch.setattr(rendering, "_renderer", broken_renderer)
    assert worker_process.warm_up_renderer() is False
    assert "render warm-up failed" in caplog.text


def test_after_each_job_a_prepared_child_frees_that_jobs_garbage(child_process):
    worker_process_init.send(sender=None)
    gc.disable()  # so that only the signal can collect what the render left behind
    try:
        rendering.render_summary_pdf(Submission(**ANSWERS))
        task_postrun.send(sender=None)
        assert gc.collect() == 0
        rendering.render_summary_pdf(Submission(**ANSWERS))
        assert gc.collect() > 0, "a render leaves objects in reference cycles: the signal has work to do"
    finally:
        gc.enable()


def test_a_process_that_was_not_prepared_is_not_collected_after_tasks(monkeypatch):
    collections = []
    monkeypatch.setattr(worker_process.gc, "collect", lambda *args: collections.append(args))
    monkeypatch.setattr(worker_process, "_prepared", False)
    task_postrun.send(sender=None)
    assert collections == []


@pytest.mark.django_db(transaction=True)
def test_celery_leaves_the_database_connection_to_djangos_rules_between_jobs(monkeypatch):
    from celery.fixups.django import DjangoWorkerFixup
    from django.db import connection, connections

    from core.celery import app

    Submission.objects.count()
    # A connection younger than DATABASE_CONN_MAX_AGE: the test run's own may be older by now.
    # On the wrapper itself, not the `connection` proxy, whose undo would delete the attribute.
    monkeypatch.setattr(connections["default"], "close_at", time.monotonic() + 60)
    closed = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))  # the test database is in memory
    # The test run's one connection may be older than DATABASE_CONN_MAX_AGE by now: not this test's point.
    connection.close_at = time.monotonic() + 60
    DjangoWorkerFixup(app).close_database()  # what Celery does before and after every task
    worker_process.check_database_connections()
    assert closed == [], "a job must not pay for a new database connection"


@pytest.mark.django_db(transaction=True)
def test_an_obsolete_database_connection_is_closed_before_the_next_job(monkeypatch):
    from django.db import connection, connections

    Submission.objects.count()
    monkeypatch.setattr(connections["default"], "close_at", time.monotonic() + 60)  # a young connection
    closed = []
    monkeypatch.setattr(connection, "close", lambda: closed.append(True))  # the test database is in memory
    connection.close_at = time.monotonic() + 60
    worker_process.check_database_connections()
    assert closed == []
    monkeypatch.setattr(connections["default"], "close_at", 0)  # older than DATABASE_CONN_MAX_AGE
    worker_process.check_database_connections()
    assert closed == [True]


def test_a_task_run_eagerly_leaves_the_callers_connection_alone(monkeypatch):
    from types import SimpleNamespace

    from django.db import connections

    monkeypatch.setattr(connections, "all", lambda **_: pytest.fail("looked at the caller's connections"))
    worker_process.check_database_connections(task=SimpleNamespace(request=SimpleNamespace(is_eager=True)))
