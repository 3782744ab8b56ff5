"""Counting what happens, in the process where it happens (prometheus-client's multiprocess mode).

Every web and worker process of a machine writes its counts to its own files in one folder
(PROMETHEUS_MULTIPROC_DIR); the web's /metrics adds them up when scraped, and Prometheus adds up
the machines. Counting is a write to a memory-mapped file: no database write, no lock shared
between processes. With no METRICS_TOKEN nothing is counted and prometheus-client is never imported.

What the database already holds (how many rows are in each status, the oldest waiting one, the
live workers) is read at scrape time instead: see metrics_scrape.py.
"""

import os
import smtplib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from summaries.models import SubmissionStatus

# Seconds: a render takes tens of milliseconds, a slow mail server tens of seconds.
DURATION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
REFUSAL_REASONS = ("invalid", "rate_limit", "honeypot", "suppressed")
REPLY_CLASSES = ("2xx", "4xx", "5xx", "timeout")
RETRY_STEPS = ("render", "send")
_OFF = nullcontext()


@cache
def metrics_enabled() -> bool:
    # Read once per process: every submit and job asks, and a settings lookup costs microseconds.
    return bool(settings.METRICS_TOKEN)


@receiver(setting_changed, dispatch_uid="summaries.observability.metrics.forget_switch")
def _forget_switch(*, setting: str, **_signal) -> None:
    if setting == "METRICS_TOKEN":
        metrics_enabled.cache_clear()


# The web serves requests from several threads (Django's ASGI handler): two first uses at once
# must not both register the counters, which prometheus-client refuses as duplicates.
_making = threading.Lock()


def instruments() -> SimpleNamespace:
    """The process's counters and histograms, made on first use (after the folder is known)."""
    with _making:
        return _instruments()


@cache
def _instruments() -> SimpleNamespace:
    folder = settings.PROMETHEUS_MULTIPROC_DIR
    folder.mkdir(parents=True, exist_ok=True)
    # prometheus-client chooses between in-memory and file-backed values when first imported.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    from prometheus_client import Counter, Histogram, values

    if not getattr(values.ValueClass, "_multiprocess", False):
        raise ImproperlyConfigured(
            "prometheus_client was imported before PROMETHEUS_MULTIPROC_DIR was set: "
            "its counts would stay in one process."
        )

    made = SimpleNamespace(
        accepted=Counter("aboutme_submissions_accepted", "Submissions stored, ready for a worker."),
        refused=Counter("aboutme_submissions_refused", "Submissions refused, by reason.", ["reason"]),
        state_changes=Counter("aboutme_state_changes", "State changes of submissions, by new status.", ["status"]),
        retries=Counter("aboutme_retries", "Temporary failures that scheduled another try, by step.", ["step"]),
        smtp_replies=Counter("aboutme_smtp_replies", "Mail server answers to a send, by class.", ["reply_class"]),
        render_seconds=Histogram("aboutme_render_seconds", "Time to render one PDF.", buckets=DURATION_BUCKETS),
        send_seconds=Histogram("aboutme_send_seconds", "Time to send one email.", buckets=DURATION_BUCKETS),
    )
    # Every label value exported from the start, at 0: a rate over a series that appears only at
    # its first event misses that event, and an alert cannot tell "none yet" from "not exported".
    for counter, label_values in (
        (made.refused, REFUSAL_REASONS),
        (made.state_changes, SubmissionStatus.values),
        (made.retries, RETRY_STEPS),
        (made.smtp_replies, REPLY_CLASSES),
    ):
        for value in label_values:
            counter.labels(value)
    return made


def _count(name: str, *, label: str | None = None) -> None:
    if not metrics_enabled():
        return
    counter = getattr(instruments(), name)
    (counter.labels(label) if label is not None else counter).inc()


def count_accepted() -> None:
    _count("accepted")


def count_refused(reason: str) -> None:
    _count("refused", label=reason)


def count_state_change(status: str) -> None:
    _count("state_changes", label=status)


def count_retry(step: str) -> None:
    _count("retries", label=step)


def reply_class(error: BaseException | None) -> str:
    """The class of the mail server's answer to a send: the error it raised, or None for accepted."""
    if error is None:
        return "2xx"
    cause = error.__cause__ if error.__cause__ is not None else error
    if isinstance(cause, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in cause.recipients.values()] or [0]
        return f"{max(codes) // 100}xx"
    if isinstance(cause, smtplib.SMTPResponseException) and 200 <= cause.smtp_code < 600:
        return f"{cause.smtp_code // 100}xx"
    # No answer at all: a timeout, a refused or dropped connection, a TLS failure.
    return "timeout"


def refusal_reason(form) -> str:
    """Why a bound form was refused: the honeypot filled in (a bot), or answers that do not validate."""
    return "honeypot" if form.has_error(NON_FIELD_ERRORS, code="honeypot") else "invalid"


def timed_render():
    """Observes the render's duration when it produced a PDF."""
    return _timed_render() if metrics_enabled() else _OFF


@contextmanager
def _timed_render() -> Iterator[None]:
    started = time.perf_counter()
    yield
    instruments().render_seconds.observe(time.perf_counter() - started)


def timed_send():
    """Observes the send's duration and the class of the mail server's answer, whatever it was."""
    return _timed_send() if metrics_enabled() else _OFF


@contextmanager
def _timed_send() -> Iterator[None]:
    started, error = time.perf_counter(), None
    try:
        yield
    except BaseException as exc:
        error = exc
        raise
    finally:
        instruments().smtp_replies.labels(reply_class(error)).inc()
        instruments().send_seconds.observe(time.perf_counter() - started)
