"""The overview's last 24 hours: counted from real rows, drawn as inline SVG the CSP allows."""

import random
import re
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from summaries.day_chart import counts_chart, nice_ceiling, waits_chart
from summaries.models import Submission, SubmissionStatus
from summaries.services.last_day import SETTLED_AFTER, last_day_by_hour, percentile
from summaries.tests.factories import make_submission
from summaries.tests.staff_login import log_in_with_two_factors

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 5, 4, 15, 40, tzinfo=UTC)
OVERVIEW = "/admin/summaries/submission/overview/"


def submitted(*, at: datetime, status: str = SubmissionStatus.RECEIVED, wait: float | None = None) -> Submission:
    submission = make_submission(status=status)
    fields = {"created_at": at, "updated_at": at}
    if wait is not None:
        fields["sent_at"] = at + timedelta(seconds=wait)
    Submission.objects.filter(pk=submission.pk).update(**fields)
    return submission


def test_each_hour_counts_what_was_received_sent_and_failed_and_how_long_people_waited():
    this_hour, two_hours_ago = NOW.replace(minute=5), NOW.replace(minute=10) - timedelta(hours=2)
    for wait in (1, 2, 3, 4, 100):
        submitted(at=this_hour, status=SubmissionStatus.SENT, wait=wait)
    submitted(at=two_hours_ago, status=SubmissionStatus.FAILED)
    submitted(at=two_hours_ago)
    submitted(at=NOW - timedelta(hours=25), status=SubmissionStatus.SENT, wait=1)  # the day before

    last_day = last_day_by_hour(now=NOW)

    assert len(last_day.hours) == 24
    assert last_day.hours[0].start == datetime(2026, 5, 3, 16, tzinfo=UTC)
    current, earlier = last_day.hours[-1], last_day.hours[-3]
    assert (current.received, current.sent, current.failed) == (5, 5, 0)
    assert (current.median_wait, current.p95_wait) == (3, 100)
    assert (earlier.received, earlier.sent, earlier.failed) == (2, 0, 1)
    assert earlier.median_wait is None
    assert (last_day.totals.received, last_day.totals.sent, last_day.totals.failed) == (7, 5, 1)


# Each hour read from its rows is three statements: its received, its failed, its sent with their waits.
ONE_HOUR_READ = 3


def test_a_finished_hour_is_read_once_then_kept_as_it_was(django_assert_num_queries):
    three_hours_ago = NOW - timedelta(hours=3)
    submitted(at=three_hours_ago, status=SubmissionStatus.SENT, wait=2)
    first_view = last_day_by_hour(now=NOW)
    # Written into that finished hour afterwards (as a late commit would be): the hour keeps its reading.
    submitted(at=three_hours_ago, status=SubmissionStatus.FAILED)

    with django_assert_num_queries(ONE_HOUR_READ):
        second_view = last_day_by_hour(now=NOW)

    assert second_view.hours[-4] == first_view.hours[-4]
    assert (second_view.hours[-4].received, second_view.hours[-4].failed) == (1, 0)


def test_the_current_hour_is_read_on_every_view():
    last_day_by_hour(now=NOW)
    submitted(at=NOW - timedelta(minutes=2), status=SubmissionStatus.SENT, wait=30)
    submitted(at=NOW - timedelta(minutes=1), status=SubmissionStatus.FAILED)

    current = last_day_by_hour(now=NOW).hours[-1]

    assert (current.received, current.sent, current.failed) == (2, 1, 1)
    assert (current.median_wait, current.p95_wait) == (30, 30)


def test_the_hour_before_is_read_live_until_it_is_settled_then_once_more(django_assert_num_queries):
    just_after = NOW.replace(minute=1)
    last_day_by_hour(now=just_after)
    submitted(at=just_after - timedelta(minutes=2), status=SubmissionStatus.FAILED)

    with django_assert_num_queries(2 * ONE_HOUR_READ):
        assert last_day_by_hour(now=just_after).hours[-2].failed == 1
    settled = just_after.replace(minute=0) + SETTLED_AFTER
    with django_assert_num_queries(2 * ONE_HOUR_READ):
        assert last_day_by_hour(now=settled).hours[-2].failed == 1
    with django_assert_num_queries(ONE_HOUR_READ):
        assert last_day_by_hour(now=settled + timedelta(minutes=1)).hours[-2].failed == 1


def test_the_days_waits_are_within_a_twentieth_of_a_second_and_each_hours_exact():
    rng = random.Random(4)
    waits = [round(rng.uniform(0.05, 40), 3) for _ in range(41)]
    for index, wait in enumerate(waits):
        # Over finished hours and the current one.
        submitted(at=NOW - timedelta(hours=index % 6, minutes=index % 40), status=SubmissionStatus.SENT, wait=wait)
    last_day_by_hour(now=NOW)

    last_day = last_day_by_hour(now=NOW)

    ordered = sorted(waits)
    assert last_day.totals.sent == len(waits)
    assert last_day.totals.median_wait == pytest.approx(statistics.median(ordered), abs=0.05 + 1e-9)
    assert last_day.totals.p95_wait == pytest.approx(percentile(ordered, 0.95), abs=0.05 + 1e-9)
    this_hour = sorted(wait for index, wait in enumerate(waits) if index % 6 == 0)
    assert last_day.hours[-1].median_wait == pytest.approx(statistics.median(this_hour))
    two_hours_ago = sorted(wait for index, wait in enumerate(waits) if index % 6 == 2)
    assert last_day.hours[-3].p95_wait == pytest.approx(percentile(two_hours_ago, 0.95))


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's planner; tests/integration/test_query_plans.py has PostgreSQL's"
)
def test_sqlite_counts_an_hours_failures_through_the_index_of_failed_rows():
    # With no statistics (the embedded database gathers none), SQLite would take the
    # (status, created_at, id) index for status = 'failed' and read every failure kept.
    with CaptureQueriesContext(connection) as caught:
        last_day_by_hour(now=NOW)
    with connection.cursor() as cursor:
        plans = {}
        for query in caught:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans[query["sql"]] = " ".join(str(row[-1]) for row in cursor.fetchall())

    failed = [plan for sql, plan in plans.items() if "'failed'" in sql]
    assert len(failed) == 24 and all("INDEX summaries_status_failed_at_idx (" in plan for plan in failed), failed
    assert all(plan.startswith("SEARCH") and " SCAN " not in f" {plan}" for plan in plans.values()), plans


def test_percentiles_are_nearest_rank():
    assert percentile([1.0], 0.95) == 1.0
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    assert percentile([float(n) for n in range(1, 21)], 0.95) == 19.0


def test_the_scale_is_a_round_number_at_least_the_highest_value():
    assert [nice_ceiling(v) for v in (1, 1.2, 2.5, 7.1, 99, 100, 101)] == [1, 1.5, 3, 10, 100, 100, 150]


def test_the_charts_put_one_bar_per_series_and_hour_and_one_point_per_hour_with_emails():
    submitted(at=NOW.replace(minute=1), status=SubmissionStatus.SENT, wait=5)
    hours = last_day_by_hour(now=NOW).hours
    counts, waits = counts_chart(hours), waits_chart(hours)
    assert len(counts.bars) == 24 * 3
    tallest = [bar for bar in counts.bars if bar["height"] > 0]
    assert [bar["title"] for bar in tallest] == ["15:00 Received: 1", "15:00 Sent: 1"]
    assert all(len(line["dots"]) == 1 for line in waits.lines)
    assert waits.y_labels[-1]["text"] == "5 s"


@pytest.fixture
def operator(client):
    log_in_with_two_factors(client, User.objects.create(username="operator", is_staff=True, is_superuser=True))
    return client


def test_the_overview_draws_the_last_day_from_real_rows_with_no_inline_style(operator):
    from django.utils import timezone

    now = timezone.now()
    for wait in (2, 4):
        submitted(at=now - timedelta(minutes=1), status=SubmissionStatus.SENT, wait=wait)
    submitted(at=now - timedelta(minutes=1), status=SubmissionStatus.FAILED)

    response = operator.get(OVERVIEW)
    page = response.content.decode()
    section = re.search(r'<div class="module" id="last-day">.*?</p>\s*</div>', page, re.S).group(0)

    assert section.count("<svg") == 2 and section.count("<polyline") == 2
    assert re.search(r"<title>\d\d:00 Sent: 2</title>", section)
    assert re.search(r"<title>\d\d:00 Failed: 1</title>", section)
    assert "Received 3, sent 2, failed 1." in section
    assert "median 3.0 s, 95th percentile 4.0 s" in section
    # The policy allows no inline style: colours are presentation attributes, not style="..." or <style>.
    assert "style" not in section.lower().replace("font-size", "")
    assert "<script" not in section
    policy = response["Content-Security-Policy"]
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy


def test_a_cache_that_is_down_costs_the_reading_not_the_page(monkeypatch, caplog):
    from summaries.services import last_day

    class Down:
        def get_many(self, keys):
            raise ConnectionError("cache down")

        def set_many(self, values, timeout):
            raise ConnectionError("cache down")

    submitted(at=NOW - timedelta(hours=3), status=SubmissionStatus.SENT, wait=2)
    monkeypatch.setattr(last_day, "cache", Down())

    day = last_day_by_hour(now=NOW)

    assert day.totals.sent == 1 and day.hours[-4].median_wait == 2
    assert "the cache cannot be read (ConnectionError)" in caplog.text
