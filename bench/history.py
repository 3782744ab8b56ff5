"""Past submissions for `bench --history N`: a database as a deployment has it after months.

    python -m bench.history fill N      fill the configured database (the Stack's environment)

N submissions spread over RETENTION_DAYS up to a minute ago, ids in the order they came in:
mostly sent, some failed (at rendering or after every try at sending), a few stuck waiting
for an address to be confirmed. Each has the history a worker writes and, while its PDF is
kept (PDF_RETENTION_DAYS), a real rendered PDF: one in Latin script for most, one with
Arabic, CJK and emoji for one in ten. The rows go in fast: PostgreSQL's COPY (the PDFs copied
inside the server), SQLite's executemany in large transactions. Prints one JSON line.
"""

import json
import os
import random
import secrets
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from summaries.models import StoredFile, Submission, SubmissionEvent  # noqa: E402

CHUNK = 20_000
WORKERS = ["worker@host-a", "worker@host-b"]
FIRST = ["Ada", "Grace", "Alan", "Zoë", "Núñez", "Fatima", "Wei", "Yuki", "Olga", "Kwame", "Priya", "Lars", "Amara"]
LAST = ["Lovelace", "Hopper", "Turing", "Ångström", "Okafor", "Chen", "Tanaka", "Ivanova", "Mensah", "Sharma"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "uni.example.edu"]
WORDS = (
    "I write programs for engines that do not exist yet and like long walks by the sea with a good "
    "book about mathematics music gardens trains mountains cooking painting friends family travel "
    "stories science history languages football chess photography bicycles coffee rain stars"
).split()
HOBBIES = ["Mathematics", "Chess", "Gardening", "Cycling", "Painting", "Music", "Cooking", "Hiking", "Reading"]
COLORS = ["Red", "Blue", "Green", "Yellow", "Purple", "Black", "White"]
JOBS = ["Analyst", "Astronaut", "Teacher", "Engineer", "Chef", "Pilot", ""]
# Arabic, Chinese and emoji: the fonts it draws from make this PDF about four times the Latin one.
MULTI_SCRIPT = {"name": "محمد 王小明 🎉"}


def sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high))).capitalize() + "."


def answers(rng: random.Random, index: int) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "email": f"{first.lower()}.{last.lower()}{index}@{rng.choice(DOMAINS)}",
        "name": f"{first} {last}",
        "about": " ".join(sentence(rng, 6, 20) for _ in range(rng.randint(1, 6))),
        "hobby": rng.choice(HOBBIES),
        "color": rng.choice(COLORS),
        "saying": sentence(rng, 3, 12) if rng.random() < 0.7 else "",
        "dream_job": rng.choice(JOBS),
    }


def rendered_pdfs() -> tuple[bytes, bytes]:
    """Two real summaries, rendered here as a worker renders them: Latin only, and many scripts."""
    from summaries.services.rendering import render_summary_pdf
    from summaries.worker_process import prepare_worker_process

    prepare_worker_process()
    rng = random.Random(1)
    latin = Submission(**answers(rng, 0), created_at=timezone.now())
    multi = Submission(**{**answers(rng, 1), **MULTI_SCRIPT}, created_at=timezone.now())
    return render_summary_pdf(latin), render_summary_pdf(multi)


def defaults(model) -> dict:
    """Every column's default, so that the rows are complete whatever fields the model has."""
    return {field.attname: field.get_default() for field in model._meta.concrete_fields if not field.primary_key}


def history(count: int, *, now: datetime, first_id: int, seed: int = 7) -> Iterator[tuple[dict, list[dict], int]]:
    """Each past submission's fields, its events, and which PDF it keeps (0 none, 1 Latin, 2 many scripts)."""
    rng = random.Random(seed)
    span = timedelta(days=settings.RETENTION_DAYS or 30) - timedelta(minutes=1)
    pdf_days = settings.PDF_RETENTION_DAYS
    pdf_cutoff = now - timedelta(days=pdf_days) if pdf_days else None
    starts = sorted(rng.random() for _ in range(count))
    for offset, share in enumerate(starts):
        pk = first_id + offset
        created = now - span + span * share
        fields = {"id": pk, **answers(rng, pk), "token": secrets.token_urlsafe(24), "created_at": created}
        worker = rng.choice(WORKERS)
        at = created + timedelta(milliseconds=rng.randint(30, 400))
        events = [("rendering", "attempt 1", at)]
        pdf_kind = 2 if rng.random() < 0.1 else 1
        luck = rng.random()
        if luck < 0.005:
            # Stuck: double opt-in, and the confirmation link was never followed.
            fields.update(status="unconfirmed", confirmation_token=secrets.token_urlsafe(24))
            events = [("confirm_sending", "attempt 1", at), ("unconfirmed", "", at)]
            pdf_kind = 0
        elif luck < 0.01:
            reason = "Rendering failed: ValueError Gave up after 8 attempts."
            fields.update(status="failed", attempts=8, last_error=reason)
            events += [("failed", reason, at)]
            pdf_kind = 0
        else:
            rendered = at + timedelta(milliseconds=rng.randint(40, 120))
            events += [("rendered", "", rendered), ("sending", "attempt 1", rendered)]
            fields.update(rendered_at=rendered, pdf=f"summaries/{pk}.pdf", attempts=1)
            done = rendered + timedelta(milliseconds=rng.randint(20, 300))
            if luck < 0.03:
                reason = "The mail server refused the address: 550 5.1.1 mailbox unavailable"
                fields.update(status="failed", last_error=reason)
                events += [("failed", reason, done)]
            else:
                fields.update(status="sent", sent_at=done)
                events += [("sent", "", done)]
        fields["updated_at"] = events[-1][2]
        if pdf_kind and pdf_cutoff and created < pdf_cutoff:
            # As the retention job leaves it: the PDF gone, the answers kept.
            fields.update(pdf="", pdf_removed_at=created + timedelta(days=pdf_days))
            pdf_kind = 0
        rows = [{"submission_id": pk, "status": s, "detail": d, "at": t, "worker": worker} for s, d, t in events]
        yield fields, rows, pdf_kind


class Writer:
    """Rows of one model, in the order of its columns, written in chunks."""

    def __init__(self, model, *, with_id: bool):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.defaults = defaults(model)
        self.table = model._meta.db_table
        self.columns = [f.column for f in self.fields]

    def row(self, values: dict) -> tuple:
        merged = {**self.defaults, **values}
        return tuple(f.get_db_prep_save(merged.get(f.attname), connection) for f in self.fields)


def fill(count: int) -> dict:
    started = time.monotonic()
    latin, multi = rendered_pdfs()
    now = timezone.now()
    first_id = (Submission.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    submissions, events = Writer(Submission, with_id=True), Writer(SubmissionEvent, with_id=False)
    kept = {1: [], 2: []}
    rows = history(count, now=now, first_id=first_id)
    write = _copy if connection.vendor == "postgresql" else _executemany
    totals = {"submissions": 0, "events": 0}
    while True:
        chunk = [next(rows, None) for _ in range(CHUNK)]
        chunk = [item for item in chunk if item is not None]
        if not chunk:
            break
        with transaction.atomic():
            write(submissions, [submissions.row(fields) for fields, _, _ in chunk])
            write(events, [events.row(event) for _, history_rows, _ in chunk for event in history_rows])
        for fields, history_rows, kind in chunk:
            if kind:
                kept[kind].append((fields["pdf"], fields["created_at"]))
            totals["events"] += len(history_rows)
        totals["submissions"] += len(chunk)
    _store_pdfs(kept, {1: latin, 2: multi})
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Submission, SubmissionEvent, StoredFile]):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            # A month-old table has been vacuumed, analysed and checkpointed many times over;
            # without this the benchmarks that follow would time autovacuum and the writing out
            # of the load instead (hint bits, visibility map, gigabytes of dirty pages).
            cursor.execute("VACUUM (ANALYZE)")
            cursor.execute("CHECKPOINT")
        else:
            # SQLite is left as a deployment leaves it, with no statistics; only its WAL is
            # written back into the database file.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        **totals,
        "pdfs": len(kept[1]) + len(kept[2]),
        "bytes_on_disk": table_sizes(),
        "pdf_bytes": {"latin": len(latin), "many_scripts": len(multi)},
        "seconds": round(time.monotonic() - started, 1),
    }


def table_sizes() -> dict[str, int]:
    """Bytes each table takes with its indexes and TOAST (PostgreSQL), or the whole file (SQLite)."""
    if connection.vendor != "postgresql":
        return {"database file": os.path.getsize(settings.DATABASES["default"]["NAME"])}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class"
            " WHERE relkind = 'r' AND relname LIKE 'summaries%%' ORDER BY 2 DESC"
        )
        sizes = dict(cursor.fetchall())
        cursor.execute("SELECT pg_database_size(current_database())")
        sizes["database"] = cursor.fetchone()[0]
    return sizes


def _copy(writer: Writer, rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        columns = ", ".join(connection.ops.quote_name(c) for c in writer.columns)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(writer.table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _executemany(writer: Writer, rows: list[tuple]) -> None:
    columns = ", ".join(connection.ops.quote_name(c) for c in writer.columns)
    marks = ", ".join(["%s"] * len(writer.columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {connection.ops.quote_name(writer.table)} ({columns}) VALUES ({marks})", rows)


def _store_pdfs(kept: dict[int, list[tuple[str, datetime]]], pdfs: dict[int, bytes]) -> None:
    """Each kept PDF as its own stored file, as the storage writes it."""
    table = connection.ops.quote_name(StoredFile._meta.db_table)
    for kind, files in kept.items():
        for start in range(0, len(files), CHUNK):
            part = files[start : start + CHUNK]
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # The bytes go over once; the server makes each row's own copy.
                    cursor.execute(
                        f"INSERT INTO {table} (name, content, size, created_at)"
                        " SELECT name, %s, %s, created_at"
                        " FROM unnest(%s::text[], %s::timestamptz[]) AS f(name, created_at)",
                        [pdfs[kind], len(pdfs[kind]), [n for n, _ in part], [t for _, t in part]],
                    )
                else:
                    cursor.executemany(
                        f"INSERT INTO {table} (name, content, size, created_at) VALUES (%s, %s, %s, %s)",
                        [
                            (name, pdfs[kind], len(pdfs[kind]), connection.ops.adapt_datetimefield_value(at))
                            for name, at in part
                        ],
                    )


if __name__ == "__main__":
    command, count = sys.argv[1:3]
    if command != "fill":
        sys.exit(__doc__)
    print(json.dumps(fill(int(count))))
