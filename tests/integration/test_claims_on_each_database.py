"""The claims (UPDATE ... RETURNING, services/claims.py) and taking rows to publish (a row lock,
services/publishing.py) on each database the product runs on.

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
from django.core.files.base import ContentFile
from django.db import connection, transaction
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
with CaptureQueriesContext(connection) as handing_over, transaction.atomic():
    DatabaseStorage().save("summaries/x.pdf", ContentFile(b"%PDF-1.7 x"))
    sending = hand_over(first, done=S.RENDERED, then=S.SENDING, pdf="summaries/x.pdf", rendered_at=now)
seen["handed_over"] = [sending.submission.status, sending.submission.attempts, sending.submission.pdf.name,
                       sending.submission.rendered_at == now, sending.owner != first.owner,
                       bytes(StoredFile.objects.get(name="summaries/x.pdf").content).decode()]
seen["stale_hand_over"] = hand_over(first, done=S.RENDERED, then=S.SENDING) is not None
seen["stale_finish"] = finish(Claim(sending.submission, "someone else"), to=S.SENT)
with CaptureQueriesContext(connection) as finishing:
    seen["finished"] = finish(sending, to=S.SENT, sent_at=now)
seen["statements"] = [[query["sql"].split()[0] for query in step] for step in (claiming, handing_over, finishing)]
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

from summaries.services.publishing import take_for_publishing
from summaries.services.relay import unpublished_submissions
from summaries.services.sweep import stalled_submissions
Submission.objects.update(enqueued_at=now)
new = make_submission(enqueued_at=None)
lost = make_submission(enqueued_at=now - timedelta(hours=1))
seen["taken_to_publish"] = take_for_publishing(stalled_submissions(), limit=10) == [new.pk, lost.pk]
seen["taken_again"] = take_for_publishing(stalled_submissions(), limit=10)

# Erasing a row a worker holds: the worker's claim is no longer its own, and nothing is left.
from summaries.services.claims import still_claimed
from summaries.services.erasure import erase_submission
victim = make_submission(enqueued_at=now)
victims_worker = claim(victim.pk, waiting=S.RECEIVED, leased=S.RENDERING)
DatabaseStorage().save(f"summaries/{victim.pk}.pdf", ContentFile(b"%PDF-1.7 victim"))
seen["erase"] = [still_claimed(victims_worker), erase_submission(victim.pk), erase_submission(victim.pk),
                 still_claimed(victims_worker), finish(victims_worker, to=S.RENDERED)]
gone = Submission.objects.get(pk=victim.pk)
seen["erased_row"] = [gone.status, gone.email, gone.name, gone.color, gone.pdf.name, gone.confirmation_token,
                      gone.lease_owner, StoredFile.objects.filter(name=f"summaries/{victim.pk}.pdf").exists()]
seen["erased_events"] = list(gone.events.values_list("status", "detail"))

if connection.vendor == "postgresql":
    # A row another relay holds locked is skipped, not waited for.
    import threading
    held, waiting = make_submission(enqueued_at=None), make_submission(enqueued_at=None)
    holding, release = threading.Event(), threading.Event()

    def another_relay():
        from django.db import connection as its_connection
        with transaction.atomic():
            list(Submission.objects.select_for_update().filter(pk=held.pk))
            holding.set()
            release.wait(30)
        its_connection.close()

    thread = threading.Thread(target=another_relay)
    thread.start()
    holding.wait(30)
    seen["skips_locked"] = take_for_publishing(unpublished_submissions(), limit=10) == [waiting.pk]
    release.set()
    thread.join(30)
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
    # Each change and its events: one statement on PostgreSQL (a data-modifying WITH, its own
    # transaction); on SQLite an UPDATE and an INSERT in one transaction. The hand-over runs in
    # the transaction that keeps the PDF.
    if database == "postgres":
        assert seen["statements"] == [["WITH"], ["BEGIN", "INSERT", "WITH", "COMMIT"], ["WITH"]]
    else:
        assert seen["statements"] == [
            ["BEGIN", "UPDATE", "INSERT", "COMMIT"],
            ["BEGIN", "INSERT", "UPDATE", "INSERT", "COMMIT"],
            ["BEGIN", "UPDATE", "INSERT", "COMMIT"],
        ]
    assert seen["not_due"] is False
    assert seen["due"] is True
    assert seen["leased"] is False
    assert seen["lapsed"] == [2, True, "attempt 2"]
    assert seen["taken_to_publish"] is True
    assert seen["taken_again"] == []
    assert seen["erase"] == [True, True, False, False, False]
    assert seen["erased_row"] == ["erased", "", "", "", "", None, "", False]
    assert seen["erased_events"] == [["rendering", ""], ["erased", "erased at the person's request"]]
    if database == "postgres":
        assert seen["skips_locked"] is True


# A worker's first eight jobs' three changes on one connection, with a PDF holding every byte
# value; then what the connection has prepared, and the PDF as read back.
JOBS_THEN_PREPARED = """
import json
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from summaries.models import StoredFile, Submission, SubmissionStatus as S
from summaries.services.claims import claim, finish, hand_over
from summaries.storage import DatabaseStorage
from summaries.tests.factories import make_submission

pdf = bytes(range(256)) * 80
for _ in range(8):
    row = make_submission()
    first = claim(row.pk, waiting=S.RECEIVED, leased=S.RENDERING)
    with transaction.atomic():
        name = DatabaseStorage().save(f"summaries/{row.pk}.pdf", ContentFile(pdf))
        sending = hand_over(first, done=S.RENDERED, then=S.SENDING, pdf=name, rendered_at=timezone.now())
    finish(sending, to=S.SENT, sent_at=timezone.now())
with connection.cursor() as cursor:
    cursor.execute("SELECT statement FROM pg_prepared_statements")
    prepared = [statement for (statement,) in cursor.fetchall()]
print(json.dumps({
    "prepared": sorted({" ".join(statement.split()[:3]) for statement in prepared}),
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

    # The claim, the hand-over and the record of the send (each with its events); the PDF's upsert.
    expected = {'INSERT INTO "summaries_storedfile"', "WITH changed AS"}
    if prepared == "true":
        assert expected <= set(seen["prepared"])
    else:
        assert seen["prepared"] == []
    assert seen["pdf_read_back"] is True
    assert seen["statuses"] == ["sent"]
