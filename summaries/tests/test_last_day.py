"""The overview's last 24 hours: counted from real rows, drawn as inline SVG the CSP allows."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from summaries.day_chart import counts_chart, nice_ceiling, waits_chart
from summaries.models import Submission, SubmissionStatus
from summaries.services.last_day import last_day_by_hour, percentile
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
