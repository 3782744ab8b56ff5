"""Timing a job's steps inside one fresh process, run by the render and throughput benchmarks.

    python -m bench.render_probe compare N        product render vs stock WeasyPrint (same PDF variant) and
                                                  vs our render untagged, interleaved
    python -m bench.render_probe first-jobs MODE  the first 10 renders after warm-up MODE (signal|none)
    python -m bench.render_probe loop N           N product renders once a line arrives on stdin
    python -m bench.render_probe languages N C..  N rounds of the product render in each case C (code, or code+ja/ar)

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
from weasyprint import CSS, HTML  # noqa: E402

from summaries.models import Submission  # noqa: E402
from summaries.services import rendering  # noqa: E402
from summaries.services.pdf_fetcher import PDF_ASSETS_DIR  # noqa: E402
from summaries.services.pdf_standards import PDF_VARIANT  # noqa: E402
from summaries.services.rendering import STYLESHEET, render_summary_pdf, summary_html  # noqa: E402
from tests.integration.stack import VALID_ANSWERS  # noqa: E402


def _submission(index: int) -> Submission:
    # With its date, as a stored submission has: the PDF shows it (and WeasyPrint warns without it).
    return Submission(**{**VALID_ANSWERS, "name": f"Ada Lovelace {index}"}, created_at=timezone.now())


def _as_a_worker_process() -> None:
    """What a Celery worker child does before its first job (summaries/worker_process.py)."""
    from summaries.worker_process import prepare_worker_process

    prepare_worker_process()


def _timed(render) -> float:
    started = time.perf_counter()
    render()
    return time.perf_counter() - started


def _stock_render(html: str) -> bytes:
    # The same PDF variant as ours, so that both do the same tagging and archiving work.
    document = HTML(string=html, base_url=PDF_ASSETS_DIR.as_uri() + "/")
    return document.write_pdf(stylesheets=[CSS(filename=STYLESHEET)], pdf_variant=PDF_VARIANT)


def _untagged_render(submission: Submission) -> bytes:
    """Our render path as it is, but written as WeasyPrint's plain, untagged PDF."""
    renderer = rendering._renderer()
    return renderer.render(summary_html(submission), stylesheets=[renderer.summary_stylesheet])


def compare(count: int) -> dict:
    """The three render the same answers in this process, taking turns at going first."""
    _as_a_worker_process()
    product, stock, untagged = [], [], []
    for index in range(count):
        submission = _submission(index)
        html = summary_html(submission)
        calls = [
            (product, lambda s=submission: render_summary_pdf(s)),
            # The same document and stylesheet, as a stock call renders them: each parsed, each time.
            (stock, lambda h=html: _stock_render(h)),
            (untagged, lambda s=submission: _untagged_render(s)),
        ]
        shift = index % len(calls)
        for times, render in calls[shift:] + calls[:shift]:
            times.append(_timed(render))
    return {"product": product, "stock": stock, "untagged": untagged}


def first_jobs(mode: str) -> dict:
    """Times and minor page faults of the first 10 jobs; faults do not depend on the machine's load."""
    if mode == "signal":
        _as_a_worker_process()
    times, faults = [], []
    for index in range(10):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        times.append(_timed(lambda i=index: render_summary_pdf(_submission(i))))
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    return {"times": times, "faults": faults}


def loop(count: int) -> dict:
    """Warm up, say so, and start rendering when told to (a line on stdin): all loops start together."""
    _as_a_worker_process()
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.time()
    for index in range(count):
        render_summary_pdf(_submission(index))
    return {"started": started, "finished": time.time(), "count": count}


# Answers in the language's own script, for telling a language's cost from its script's fonts.
ANSWERS_IN = {
    "ja": {
        "name": "山田花子",
        "about": "まだ存在しない機械のためのプログラムを書いています。",
        "hobby": "数学",
        "saying": "継続は力なり。",
        "dream_job": "解析者",
    },
    "ar": {
        "name": "ليلى أحمد",
        "about": "أكتب برامج لآلات لم تُصنع بعد.",
        "hobby": "الرياضيات",
        "saying": "العلم نور.",
        "dream_job": "محللة",
    },
}


def languages(count: int, cases: list[str]) -> dict:
    """The product render with each case's language active, as the pipeline activates it; a case
    is a language code, or CODE+ANSWERS with answers in the script of ANSWERS (ja, ar). The order rotates
    every round, so no case always goes first."""
    from summaries.i18n.languages import in_language

    _as_a_worker_process()
    times = {case: [] for case in cases}
    for index in range(count):
        rotated = cases[index % len(cases) :] + cases[: index % len(cases)]
        for case in rotated:
            code, _, answers = case.partition("+")
            submission = _submission(index)
            for name, value in ANSWERS_IN.get(answers, {}).items():
                setattr(submission, name, value)
            submission.language = code
            with in_language(code):
                times[case].append(_timed(lambda s=submission: render_summary_pdf(s)))
    return times


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "compare":
        result = compare(int(args[0]))
    elif command == "languages":
        result = languages(int(args[0]), args[1:])
    elif command == "first-jobs":
        result = first_jobs(args[0])
    else:
        result = loop(int(args[0]))
    print(json.dumps(result))
