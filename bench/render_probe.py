"""Timing a job's steps inside one fresh process, run by the render and throughput benchmarks.

    python -m bench.render_probe compare N        product render vs stock WeasyPrint, interleaved
    python -m bench.render_probe first-jobs MODE  the first 10 renders after warm-up MODE (signal|none)
    python -m bench.render_probe loop N           N product renders once a line arrives on stdin
    python -m bench.render_probe email N          the summary email written out as bytes: ours vs the
                                                  email package's generator, interleaved

Each prints one JSON line. The process is configured like a worker (the Stack's environment).
"""

import json
import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402
from weasyprint import HTML  # noqa: E402

from summaries.models import Submission  # noqa: E402
from summaries.services.pdf_fetcher import PDF_ASSETS_DIR  # noqa: E402
from summaries.services.rendering import render_summary_pdf, summary_html  # noqa: E402
from tests.integration.stack import VALID_ANSWERS  # noqa: E402


def _submission(index: int) -> Submission:
    # With its date, as a stored submission has: the PDF shows it (and WeasyPrint warns without it).
    return Submission(**{**VALID_ANSWERS, "name": f"Ada Lovelace {index}"}, created_at=timezone.now())


def _timed(render) -> float:
    started = time.perf_counter()
    render()
    return time.perf_counter() - started


def compare(count: int) -> dict:
    """Both paths render the same HTML in this process, alternating which goes first."""
    from celery.signals import worker_process_init

    worker_process_init.send(sender=None)
    product, stock = [], []
    for index in range(count):
        submission = _submission(index)
        html = summary_html(submission)
        pair = [
            (product, lambda s=submission: render_summary_pdf(s)),
            # The same document: its base URL lets the stock call load the template's stylesheet too.
            (stock, lambda h=html: HTML(string=h, base_url=PDF_ASSETS_DIR.as_uri() + "/").write_pdf()),
        ]
        for times, render in pair if index % 2 else reversed(pair):
            times.append(_timed(render))
    return {"product": product, "stock": stock}


def first_jobs(mode: str) -> dict:
    """Times and minor page faults of the first 10 jobs; faults do not depend on the machine's load."""
    from celery.signals import worker_process_init

    if mode == "signal":
        worker_process_init.send(sender=None)
    times, faults = [], []
    for index in range(10):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        times.append(_timed(lambda i=index: render_summary_pdf(_submission(i))))
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    return {"times": times, "faults": faults}


def email_bytes(count: int) -> dict:
    """The same summary email (with a real PDF) written out by each writer, alternating which goes first."""
    from email.generator import BytesGenerator
    from functools import partial
    from io import BytesIO

    from summaries.services.email_bytes import as_bytes
    from summaries.services.emailing import build_summary_email

    def stock(mime) -> bytes:
        out = BytesIO()
        BytesGenerator(out, mangle_from_=False).flatten(mime, linesep="\r\n")
        return out.getvalue()

    submission = _submission(0)
    submission.pk = 1
    pdf = render_summary_pdf(submission)
    quick_times, stock_times = [], []
    for index in range(count):
        # A new message for each: writing one out picks its MIME boundaries and keeps them.
        for_quick, for_stock = (build_summary_email(submission, pdf).message() for _ in range(2))
        pair = [(quick_times, partial(as_bytes, for_quick, linesep="\r\n")), (stock_times, partial(stock, for_stock))]
        for times, write in pair if index % 2 else reversed(pair):
            times.append(_timed(write))
    return {"quick": quick_times, "stock": stock_times}


def loop(count: int) -> dict:
    """Warm up, say so, and start rendering when told to (a line on stdin): all loops start together."""
    from celery.signals import worker_process_init

    worker_process_init.send(sender=None)
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.time()
    for index in range(count):
        render_summary_pdf(_submission(index))
    return {"started": started, "finished": time.time(), "count": count}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "compare":
        result = compare(int(args[0]))
    elif command == "first-jobs":
        result = first_jobs(args[0])
    elif command == "email":
        result = email_bytes(int(args[0]))
    else:
        result = loop(int(args[0]))
    print(json.dumps(result))
