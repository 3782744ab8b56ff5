"""The SQL of the claims and of taking rows to publish (UPDATE ... RETURNING, services/row_updates.py)
on each database the product runs on.

The unit tests run on SQLite only; here the same steps run in a process configured for SQLite,
then for PostgreSQL, and report what they saw.
"""

import json
from contextlib import nullcontext

import pytest

from tests.integration.services import fresh_postgres_database

pytestmark = pytest.mark.integration

STEPS = """
import json
from datetime import timedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from summaries.models import StoredFile, Submission, SubmissionStatus as S
from summaries.services.claims import Claim, claim, finish, hand_over
from summaries.storage import DatabaseStorage
from summaries.tests.factories import make_submission

seen = {}
now = timezone.now()
row = make_submission()
with CaptureQueriesContext(connection) as claiming:
    first = claim(row.pk, waiting=S.RECEIVED, leased=S.RENDERING)
seen["claimed"] = [first.submission.status, first.submission.attempts, first.submission.name,
                   first.submission.lease_until > now, first.submission.lease_until.tzinfo is not None]
seen["claimed_twice"] = claim(row.pk, waiting=S.RECEIVED, leased=S.RENDERING) is not None
with CaptureQueriesContext(connection) as handing_over:
    sending = hand_over(first, S.RENDERED, "", leased=S.SENDING, pdf="summaries/x.pdf", rendered_at=now,
                        along_with=DatabaseStorage().save_statement("summaries/x.pdf", b"%PDF-1.7 x"))
seen["handed_over"] = [sending.submission.status, sending.submission.attempts, sending.submission.pdf.name,
                       sending.submission.rendered_at == now, sending.owner != first.owner,
                       bytes(StoredFile.objects.get(name="summaries/x.pdf").content).decode()]
seen["stale_hand_over"] = hand_over(first, S.RENDERED, "", leased=S.SENDING) is not None
seen["stale_finish"] = finish(Claim(sending.submission, "someone else"), S.SENT)
with CaptureQueriesContext(connection) as finishing:
    seen["finished"] = finish(sending, S.SENT, sent_at=now)
seen["statements"] = [len(claiming), len(handing_over), len(finishing)]
done = Submission.objects.get(pk=row.pk)
seen["row"] = [done.status, done.lease_owner, done.lease_until, done.sent_at == now]
seen["events"] = list(done.events.values_list("status", "detail"))

later = make_submission(status=S.RECEIVED, next_attempt_at=now + timedelta(minutes=5))
seen["not_due"] = claim(later.pk, waiting=S.RECEIVED, leased=S.RENDERING) is not None
due = make_submission(status=S.RECEIVED, next_attempt_at=now - timedelta(seconds=1))
seen["due"] = claim(due.pk, waiting=S.RECEIVED, leased=S.RENDERING) is not None
held = make_submission(status=S.RENDERING, attempts=1, lease_owner="a", lease_until=now + timedelta(minutes=1))
seen["leased"] = claim(held.pk, waiting=S.RECEIVED, leased=S.RENDERING) is not None
lapsed = make_submission(status=S.RENDERING, attempts=1, lease_owner="a", lease_until=now - timedelta(seconds=1))
taken = claim(lapsed.pk, waiting=S.RECEIVED, leased=S.RENDERING)
seen["lapsed"] = [taken.submission.attempts, taken.owner != "a", lapsed.events.get().detail]

# A claim that does not wait for the disk: only its own commit (PostgreSQL), never the connection's next one.
quick = make_submission()
with CaptureQueriesContext(connection) as not_waiting:
    quick_claim = claim(quick.pk, waiting=S.RECEIVED, leased=S.RENDERING, durable=False)
asked_not_to_wait = [any("synchronous_commit" in query["sql"] for query in step.captured_queries)
                     for step in (claiming, handing_over, finishing, not_waiting)]
seen["not_waiting"] = [quick_claim.submission.status, asked_not_to_wait]
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        seen["not_waiting"].append(cursor.fetchone()[0])

from summaries.services.publishing import mark_enqueued
new = make_submission(enqueued_at=None)
lost = make_submission(enqueued_at=now - timedelta(hours=1))
moved_on = make_submission(enqueued_at=None)
read = [(new.pk, None), (lost.pk, Submission.objects.get(pk=lost.pk).enqueued_at), (moved_on.pk, None)]
Submission.objects.filter(pk=moved_on.pk).update(enqueued_at=now)
seen["taken_to_publish"] = mark_enqueued(read) == [new.pk, lost.pk]
print(json.dumps(seen))
"""


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_each_step_changes_the_row_only_under_its_condition(make_stack, database):
    with fresh_postgres_database() if database == "postgres" else nullcontext() as database_url:
        stack = make_stack(database_url=database_url)
        stack.manage("migrate", "--noinput", "-v0")
        seen = json.loads(stack.manage("shell", "-c", STEPS).strip().splitlines()[-1])

    assert seen["claimed"] == ["rendering", 1, "Ada Lovelace", True, True]
    assert seen["claimed_twice"] is False
    assert seen["handed_over"] == ["sending", 1, "summaries/x.pdf", True, True, "%PDF-1.7 x"]
    assert seen["stale_hand_over"] is False
    assert seen["stale_finish"] is False
    assert seen["finished"] is True
    assert seen["row"] == ["sent", "", None, True]
    assert seen["events"] == [["rendering", "attempt 1"], ["rendered", ""], ["sending", "attempt 1"], ["sent", ""]]
    # Each change and its events, and the PDF kept with the hand-over: one statement on PostgreSQL;
    # on SQLite an UPDATE and an INSERT (and the PDF's upsert), and the transaction's BEGIN and COMMIT.
    assert seen["statements"] == ([1, 1, 1] if database == "postgres" else [4, 5, 4])
    assert seen["not_due"] is False
    assert seen["due"] is True
    assert seen["leased"] is False
    assert seen["lapsed"] == [2, True, "attempt 2"]
    assert seen["taken_to_publish"] is True
    # Only the claim asked not to wait leaves the disk out, and only for its own transaction.
    if database == "postgres":
        assert seen["not_waiting"] == ["rendering", [False, False, False, True], "on"]
    else:
        assert seen["not_waiting"] == ["rendering", [False, False, False, False]]


# A worker's first eight jobs' three changes on one connection, with a PDF holding every byte
# value; then what the connection has prepared, and the PDF as read back.
JOBS_THEN_PREPARED = """
import json
from django.db import connection
from django.utils import timezone
from summaries.models import StoredFile, Submission, SubmissionStatus as S
from summaries.services.claims import claim, finish, hand_over
from summaries.storage import DatabaseStorage
from summaries.tests.factories import make_submission

pdf = bytes(range(256)) * 80
for _ in range(8):
    row = make_submission()
    first = claim(row.pk, waiting=S.RECEIVED, leased=S.RENDERING, durable=False)
    name = f"summaries/{row.pk}.pdf"
    sending = hand_over(first, S.RENDERED, "", leased=S.SENDING, pdf=name, rendered_at=timezone.now(),
                        along_with=DatabaseStorage().save_statement(name, pdf))
    finish(sending, S.SENT, sent_at=timezone.now())
with connection.cursor() as cursor:
    cursor.execute("SELECT statement FROM pg_prepared_statements")
    prepared = [statement for (statement,) in cursor.fetchall()]
print(json.dumps({
    "changes_prepared": sum("changed AS" in statement for statement in prepared),
    "pdf_read_back": bytes(StoredFile.objects.get(name=name).content) == pdf,
    "statuses": sorted(set(Submission.objects.values_list("status", flat=True))),
}))
"""


@pytest.mark.parametrize("prepared", ["true", "false"])
def test_a_workers_statements_are_prepared_once_on_postgresql_unless_turned_off(make_stack, prepared):
    with fresh_postgres_database() as database_url:
        stack = make_stack(database_url=database_url, extra_env={"DATABASE_PREPARED_STATEMENTS": prepared})
        stack.manage("migrate", "--noinput", "-v0")
        seen = json.loads(stack.manage("shell", "-c", JOBS_THEN_PREPARED).strip().splitlines()[-1])

    # The claim, the hand-over (with the PDF's upsert) and the record of the send.
    assert seen["changes_prepared"] == (3 if prepared == "true" else 0)
    assert seen["pdf_read_back"] is True
    assert seen["statuses"] == ["sent"]
