"""A scrape stays cheap on PostgreSQL with a million submissions: no query reads the table through.

The same querysets /metrics runs (summaries/observability/metrics_scrape.py), explained with
EXPLAIN ANALYZE over a million finished rows (one in forty failed, as a month of history has
them) and a few waiting ones: no node scans the whole table, and none touches more than a few
thousand rows.
"""

import json

import psycopg
import pytest

from tests.integration.services import fresh_postgres_database

pytestmark = pytest.mark.integration

ROWS = 1_000_000
MOST_ROWS_A_NODE_MAY_TOUCH = 5_000

SEED = """
INSERT INTO summaries_submission
    (email, name, about, hobby, color, saying, dream_job, token, status, attempts, last_error,
     lease_owner, pdf, created_at, updated_at, rendered_at, sent_at, trace_context)
SELECT 'someone@example.com', 'Someone', 'About', 'Hobby', 'Red', '', '', 'sent-' || g,
       CASE WHEN g %% 40 = 0 THEN 'failed' ELSE 'sent' END, 1, '',
       '', 'summaries/' || g || '.pdf', now() - g * interval '1 second', now(), now(),
       now() - g * interval '1 second' + interval '2 seconds', ''
FROM generate_series(1, %(rows)s) AS g;
---
INSERT INTO summaries_submission
    (email, name, about, hobby, color, saying, dream_job, token, status, attempts, last_error,
     lease_owner, pdf, created_at, updated_at, trace_context)
SELECT 'someone@example.com', 'Someone', 'About', 'Hobby', 'Red', '', '', 'waiting-' || g,
       (ARRAY['received', 'rendered', 'failed', 'sending'])[1 + g %% 4], 0, '', '', '',
       now() - g * interval '1 minute', now(), ''
FROM generate_series(1, 40) AS g;
---
INSERT INTO summaries_workerheartbeat (hostname, pid, started_at, beat_at)
SELECT 'worker' || g || '@host', g, now(), now() FROM generate_series(1, 3) AS g;
---
ANALYZE;
"""

EXPLAIN_ALL = """
import json
from django.db import connection
from django.utils import timezone
from summaries.observability.metrics_scrape import scrape_queries

plans = {}
with connection.cursor() as cursor:
    for name, queryset in scrape_queries(timezone.now()).items():
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plans[name] = cursor.fetchone()[0]
print(json.dumps(plans))
"""


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def test_every_scrape_query_reads_only_a_few_rows_of_a_million(make_stack):
    with fresh_postgres_database() as database_url:
        stack = make_stack(database_url=database_url)
        stack.manage("migrate", "--noinput", "-v0")
        with psycopg.connect(database_url, autocommit=True) as connection:
            for statement in SEED.split("---"):
                connection.execute(statement, {"rows": ROWS})
        plans = json.loads(stack.manage("shell", "-c", EXPLAIN_ALL).strip().splitlines()[-1])

    assert set(plans) == {
        "aboutme_submissions",
        "aboutme_oldest_waiting_seconds",
        "aboutme_relay_lag_seconds",
        "aboutme_live_workers",
    }
    for name, [explained] in plans.items():
        for node in nodes(explained["Plan"]):
            touched = node["Actual Rows"] * node["Actual Loops"] + node.get("Rows Removed by Filter", 0)
            assert not (node["Node Type"] == "Seq Scan" and node["Relation Name"] == "summaries_submission"), name
            assert touched <= MOST_ROWS_A_NODE_MAY_TOUCH, (name, node["Node Type"], touched, explained)
