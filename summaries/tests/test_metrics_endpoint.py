"""GET /metrics: refused without its token, and counting what the web and the pipeline do."""

import smtplib

import pytest
from django.urls import reverse

from summaries.observability.metrics import reply_class
from summaries.services.emailing import DeliveryError, delivery_errors
from summaries.tasks import process_submission
from summaries.tests.factories import ANSWERS, make_submission

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "a-long-random-metrics-token"


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[tuple[str, tuple], float]:
    """Every sample of the endpoint's answer, keyed by name and labels."""
    response = client.get(reverse("summaries:metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    # Imported after the endpoint's first answer, which chose prometheus-client's multiprocess mode.
    from prometheus_client.parser import text_string_to_metric_families

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_with_no_token_set_there_is_no_metrics_address(client):
    assert client.get(reverse("summaries:metrics"), HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "])
def test_a_scrape_without_the_right_bearer_token_is_refused(client, metrics_on, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    response = client.get(reverse("summaries:metrics"), **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"aboutme_" not in response.content


def test_accepted_and_refused_submits_are_counted_by_reason(client, settings, metrics_on, published):
    settings.RATE_LIMIT_PER_RECIPIENT = (1, 3600)
    before = scrape(client)
    form = reverse("summaries:form")
    assert client.post(form, ANSWERS).status_code == 302
    assert client.post(form, ANSWERS).status_code == 429  # the same recipient again
    assert client.post(form, {**ANSWERS, "email": "nope"}).status_code == 400
    assert client.post(form, {**ANSWERS, "email": "b@example.com", "website": "http://spam"}).status_code == 400
    after = scrape(client)

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("aboutme_submissions_accepted_total") == 1
    assert grew("aboutme_submissions_refused_total", reason="rate_limit") == 1
    assert grew("aboutme_submissions_refused_total", reason="invalid") == 1
    assert grew("aboutme_submissions_refused_total", reason="honeypot") == 1
    assert after[("aboutme_submissions", (("status", "received"),))] == 1


def test_a_job_counts_its_state_changes_render_send_and_the_servers_answer(client, metrics_on):
    before = scrape(client)
    process_submission(make_submission().pk)
    after = scrape(client)

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    for status in ("rendering", "rendered", "sending", "sent"):
        assert grew("aboutme_state_changes_total", status=status) == 1
    assert grew("aboutme_render_seconds_count") == 1
    assert grew("aboutme_send_seconds_count") == 1
    assert grew("aboutme_smtp_replies_total", reply_class="2xx") == 1
    assert after[("aboutme_live_workers", ())] == 0
    assert after[("aboutme_oldest_waiting_seconds", ())] == 0


def _raised_by(error: BaseException) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught, delivery_errors():
        raise error
    return caught.value


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (None, "2xx"),
        (smtplib.SMTPDataError(451, b"try later"), "4xx"),
        (smtplib.SMTPDataError(554, b"no"), "5xx"),
        (smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"no such user")}), "5xx"),
        (TimeoutError("timed out"), "timeout"),
        (ConnectionRefusedError(), "timeout"),
    ],
)
def test_the_mail_servers_answer_is_classed(error, expected):
    assert reply_class(_raised_by(error) if error else None) == expected
