"""7. Languages: the submit and the render in English against the same in Arabic and Japanese,
side by side in one run, so that the ratio shows what activating a language costs.

Submit: blocks of 1-client posts with `Accept-Language: en` and with another language alternate
(order swapped each round), while a worker drains a backlog, as in the submit benchmark. Render:
one worker-like process renders the same answers with each language active in turn
(bench/render_probe.py languages); Arabic also lays the page out right to left and shapes its
headings with HarfBuzz's Arabic rules. Japanese headings bring the CJK font into a PDF that had
no CJK text, Arabic ones an Arabic font. The pairs whose answers are written in that script show
the language's own cost once its fonts are in, as they are for a person who writes in it.
"""

import uuid

from bench import loadgen
from bench.environment import Environment, run_probe
from bench.report import Row, median, percentile

OTHERS = ["ar", "ja"]
GOAL = "<= 1.1"


def _submit_rows(env: Environment, quick: bool) -> list[Row]:
    stack = env.stack
    stack.start_web()
    stack.start_worker("worker", concurrency=2)
    backlog = 40 if quick else 600
    env.queue_backlog(backlog, "backlog")
    rounds, per_block = (2, 10) if quick else (6, 50)
    # en-GB is English too: the noise of this run, against which to read the others.
    languages = ["en", "en-GB", *OTHERS]
    clients = {code: loadgen.Client(stack.web_port, language=code) for code in languages}
    # Not timed: each language once through every gunicorn worker.
    for code, client in clients.items():
        loadgen.run([client], 4, "/", lambda c, i, t=code: f"warm-{t}-{i}@example.com")
    latencies = {code: [] for code in languages}
    failures = []
    for round_index in range(rounds):
        order = languages if round_index % 2 == 0 else list(reversed(languages))
        for code in order:
            tag = uuid.uuid4().hex[:8]
            outcome = loadgen.run([clients[code]], per_block, "/", lambda c, i, t=tag: f"l{t}x{i}@example.com")
            latencies[code].extend(outcome.latencies)
            failures.extend(outcome.failures)
    note = f"{len(latencies['en'])} each, 1 client" + (f"; {len(failures)} failed" if failures else "")
    return [
        Row(
            "languages",
            f"submit p50, {code} vs en" + (" (noise)" if code == "en-GB" else ""),
            percentile(latencies[code], 50) * 1000,
            percentile(latencies["en"], 50) * 1000,
            goal="" if code == "en-GB" else GOAL,
            note=note,
        )
        for code in ["en-GB", *OTHERS]
    ]


# (case, baseline case, what the row says, goal): a case is a language, or CODE+ja / CODE+ar with
# answers written in Japanese or Arabic. With English answers, the translated headings are the
# PDF's only Arabic or Japanese text: that pair measures the script's fonts, as answers written
# in it bring them, so it has no goal.
RENDER_PAIRS = [
    # The same render twice, as two cases: the noise of this run, against which to read the rest.
    ("en+en", "en", "render median, en vs en (noise)", ""),
    ("ar", "en", "render median, ar vs en, English answers", ""),
    ("ja", "en", "render median, ja vs en, English answers", ""),
    ("ar+ar", "en+ar", "render median, ar vs en, Arabic answers", GOAL),
    ("ja+ja", "en+ja", "render median, ja vs en, Japanese answers", GOAL),
]


def _render_rows(env: Environment, quick: bool) -> list[Row]:
    cases = sorted({case for pair in RENDER_PAIRS for case in pair[:2]})
    times = run_probe(env.stack, "languages", "10" if quick else "30", *cases)
    return [
        Row(
            "languages",
            metric,
            median(times[case]) * 1000,
            median(times[baseline]) * 1000,
            goal=goal,
            note=f"{len(times[case])} renders each, rotating order",
        )
        for case, baseline, metric, goal in RENDER_PAIRS
    ]


def run(env: Environment, quick: bool) -> list[Row]:
    return _render_rows(env, quick) + _submit_rows(env, quick)
