"""Every periodic query, page and purge reads through an index on PostgreSQL, with a big history.

A fresh database gets a few hundred thousand past submissions (generate_series, then ANALYZE),
enough that the planner would rather read a whole table than an index that fits badly. Then the
relay tick, the sweep, a heartbeat, /healthz, a status page, the admin's list (plain, by status,
searched), its overview (before and after it keeps its finished hours) and a retention run each
run once, every statement they send is caught, and each is run again under EXPLAIN ANALYZE (in a
transaction rolled back): no node may scan a whole table, and none may read more than a tenth of
the rows (the overview's, more than two hours of them).
"""

import json
import re

import pytest

from tests.integration.services import fresh_postgres_database

pytestmark = pytest.mark.integration

HISTORY = 200_000

OPERATIONS = """
import json
import re
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from summaries.models import ACTIVE_STATUSES, Submission, SubmissionEvent, SubmissionStatus as S
from summaries.services import retention
from summaries.services.health import health_report
from summaries.services.heartbeats import record_heartbeat
from summaries.services.relay import publish_new_submissions
from summaries.services.sweep import sweep_stalled_submissions
from summaries.tests.factories import make_submission

HISTORY = %(history)d
now = timezone.now()
retention.pause_between_batches = lambda: None

# The history: a copy of one row the ORM wrote (so every column has a value), spread over 30 days;
# the last 7 days keep their PDF; one in a hundred failed; one in 400 already past retention.
template = make_submission(status=S.SENT)
table = connection.ops.quote_name(Submission._meta.db_table)
overrides = {
    "email": "'person' || i || '@example.com'",
    "token": "md5(i::text)",
    "status": "CASE WHEN i %%%% 100 = 0 THEN 'failed' ELSE 'sent' END",
    "created_at": "at",
    "updated_at": "at",
    "sent_at": "at",
    "pdf": "CASE WHEN at > now() - interval '7 days' THEN 'summaries/h' || i || '.pdf' ELSE '' END",
}
columns = [f.column for f in Submission._meta.concrete_fields if not f.primary_key]
select = ", ".join(overrides.get(column, connection.ops.quote_name(column)) for column in columns)
with connection.cursor() as cursor:
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)})"
        f" SELECT {select} FROM {table},"
        " LATERAL generate_series(1, %%s) AS i,"
        " LATERAL (SELECT now() - interval '30 days 1 hour' + (i::float / %%s) * interval '30 days') AS t(at)"
        " WHERE id = %%s",
        [HISTORY, HISTORY, template.pk],
    )
    cursor.execute(
        "INSERT INTO summaries_submissionevent (submission_id, at, status, detail, worker)"
        " SELECT id, created_at, status, '', 'worker@host' FROM summaries_submission"
    )
    cursor.execute(
        "INSERT INTO summaries_storedfile (name, content, size, created_at)"
        " SELECT pdf, '\\\\x255044462d'::bytea, 5, created_at FROM summaries_submission WHERE pdf <> ''"
    )
# A few in the pipeline: new, retrying later, held by a worker whose lease ran out, sending.
make_submission(status=S.RECEIVED)
make_submission(status=S.RENDERED, next_attempt_at=now + timedelta(minutes=5))
make_submission(status=S.RENDERING, lease_owner="gone", lease_until=now - timedelta(minutes=1))
make_submission(status=S.SENDING, lease_owner="busy", lease_until=now + timedelta(minutes=1))
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")

user = get_user_model().objects.create(username="operator", is_staff=True, is_superuser=True)
client = Client(HTTP_HOST="127.0.0.1")
from summaries.tests.staff_login import log_in_with_two_factors
log_in_with_two_factors(client, user)
token, email = Submission.objects.filter(pk=template.pk + HISTORY // 2).values_list("token", "email").get()

def get(path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, (path, params, response.status_code)

operations = {
    "relay tick": publish_new_submissions,
    "sweep": sweep_stalled_submissions,
    "heartbeat": lambda: record_heartbeat("w@host", pid=1, started_at=now),
    "healthz": health_report,
    "status page": lambda: get(f"/s/{token}/"),
    "status json": lambda: get(f"/s/{token}/status.json"),
    "admin list": lambda: get("/admin/summaries/submission/"),
    "admin list by status": lambda: get("/admin/summaries/submission/", status__exact="failed"),
    "admin list received today": lambda: get("/admin/summaries/submission/", created_at__gte=str(now.date())),
    "admin search": lambda: get("/admin/summaries/submission/", q=email.upper()),
    "overview": lambda: get("/admin/summaries/submission/overview/"),
    "overview, its finished hours kept": lambda: get("/admin/summaries/submission/overview/"),
    "retention run": retention.delete_expired_submissions,
}
statements = {}
for name, operation in operations.items():
    with CaptureQueriesContext(connection) as caught:
        operation()
    statements[name] = [q["sql"] for q in caught if q["sql"].split()[0].upper() in ("SELECT", "UPDATE", "DELETE")]

def nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)

plans = {}
for name, sqls in statements.items():
    plans[name] = []
    for sql in sqls:
        if "summaries_" not in sql:
            continue
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                (plan,) = cursor.fetchone()[0]
            transaction.set_rollback(True)
        scans = []
        for node in nodes(plan["Plan"]):
            target = node.get("Relation Name") or node.get("Index Name")
            if target is None:
                continue
            read = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
                    + node.get("Rows Removed by Index Recheck", 0)) * node["Actual Loops"]
            scans.append([node["Node Type"], target, read, node.get("Index Name")])
        plans[name].append({"sql": sql[:300], "scans": scans})
print(json.dumps({"rows": Submission.objects.count(), "plans": plans}))
"""

BIG_TABLES = ("summaries_submission", "summaries_submissionevent", "summaries_storedfile")
# The overview reads its last day an hour at a time: no node may read more than two hours of history.
HOUR_OF_HISTORY = HISTORY // (30 * 24)


def test_every_operation_reads_through_an_index_on_a_big_history(make_stack):
    with fresh_postgres_database() as database_url:
        # Client-side binding, so that each caught statement carries its values and can be explained.
        stack = make_stack(database_url=database_url, extra_env={"DATABASE_PREPARED_STATEMENTS": "false"})
        stack.prepare()
        output = stack.manage("shell", "-c", OPERATIONS % {"history": HISTORY})
    seen = json.loads(output.strip().splitlines()[-1])

    assert seen["rows"] > HISTORY * 0.99
    for name, plans in seen["plans"].items():
        assert plans, f"{name} sent no statement to explain"
        for plan in plans:
            for node_type, target, read, _index in plan["scans"]:
                on_big_table = target.startswith(BIG_TABLES)
                assert not (node_type == "Seq Scan" and on_big_table), (name, plan)
                assert read <= HISTORY // 10, (name, node_type, target, read, plan["sql"])
                if name.startswith("overview"):
                    assert read <= 2 * HOUR_OF_HISTORY, (name, node_type, target, read, plan["sql"])
    # Each hour's failures through the index of failed rows by time. Named, because the entries an
    # index scan passes over without returning them (a search by its second column) are not in the plan.
    failed_counts = [plan for plan in seen["plans"]["overview"] if "updated_at" in plan["sql"]]
    assert len(failed_counts) == 24
    indexes = {index for plan in failed_counts for *_, index in plan["scans"]}
    assert indexes == {"summaries_failed_at_idx"}, failed_counts


REPEATED = """
import json
import re
from django.db import connection
from summaries.services.relay import publish_new_submissions
from summaries.services.sweep import sweep_stalled_submissions
from summaries.tests.factories import make_submission

make_submission(status="sent")
for _ in range(15):
    publish_new_submissions()
    sweep_stalled_submissions()
with connection.cursor() as cursor:
    cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
    prepared = [row for row in cursor.fetchall() if "enqueued_at" in row[0]]
print(json.dumps({"prepared": len(prepared), "generic_plans": sum(row[1] for row in prepared)}))
"""


def test_prepared_statements_are_never_run_with_a_generic_plan(make_stack):
    # A generic plan sees the relay's statuses as unknown parameters, guesses that every row
    # matches, and walks the whole history in created_at order (seconds on a million rows).
    with fresh_postgres_database() as database_url:
        stack = make_stack(database_url=database_url, extra_env={"DATABASE_PREPARED_STATEMENTS": "true"})
        stack.manage("migrate", "--noinput", "-v0")
        seen = json.loads(stack.manage("shell", "-c", REPEATED).strip().splitlines()[-1])

    assert seen["prepared"] >= 2
    assert seen["generic_plans"] == 0


HISTORY_INDEXES = {
    "0013_history": {
        "summaries_active_idx",
        "summaries_status_created_idx",
        "summaries_email_lower_idx",
        "summaries_pdf_kept_idx",
    },
    "0015_failed_indexes": {"summaries_failed_at_idx", "summaries_status_failed_at_idx"},
}


def test_indexes_added_to_a_grown_table_are_built_without_stopping_submits(make_stack):
    # A plain CREATE INDEX makes every insert wait until the index is built; CONCURRENTLY does not.
    import psycopg

    with fresh_postgres_database() as database_url:
        stack = make_stack(database_url=database_url)
        stack.prepare()
        statements = {migration: stack.manage("sqlmigrate", "summaries", migration) for migration in HISTORY_INDEXES}
        with psycopg.connect(database_url) as connection:
            invalid = connection.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")
            invalid = [name for (name,) in invalid]
    for migration, indexes in HISTORY_INDEXES.items():
        built_concurrently = set(re.findall(r'CREATE INDEX CONCURRENTLY "(\w+)"', statements[migration]))
        assert built_concurrently == indexes, statements[migration]
        assert "BEGIN;" not in statements[migration]
    assert invalid == []
