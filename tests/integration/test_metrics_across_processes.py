"""/metrics over real processes: gunicorn with two web processes and a worker with two children."""

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.stack import wait_until

pytestmark = pytest.mark.integration

TOKEN = "integration-metrics-token"
SUBMISSIONS = 12


def scrape(stack, token: str | None = TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(stack.base_url + "/metrics", headers=headers, timeout=10)


def samples(stack) -> dict[tuple[str, tuple], float]:
    response = scrape(stack)
    assert response.status_code == 200, response.text[:300]
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(scraped, name: str, **labels) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0)


def test_the_counters_equal_what_every_process_did(make_stack):
    # One recipient may submit once: the second submit to it is refused by the rate limit.
    stack = make_stack(extra_env={"METRICS_TOKEN": TOKEN, "RATE_LIMIT_PER_RECIPIENT": "1/h"})
    stack.prepare()
    stack.start_web(workers=2)
    stack.start_worker("worker1", concurrency=2)

    tokens = stack.submit_many("counted", SUBMISSIONS)
    assert stack.submit(email="counted-0@example.com").status_code == 429
    assert stack.submit(email="not an address").status_code == 400
    assert stack.submit(email="not-either").status_code == 400
    assert stack.submit(email="bot@example.com", website="http://spam.example").status_code == 400
    for token in tokens.values():
        stack.wait_for_status(token, "sent", timeout=120)

    def all_sent_counted():
        scraped = samples(stack)
        return scraped if value(scraped, "aboutme_state_changes_total", status="sent") == SUBMISSIONS else None

    # A row's status reads "sent" as its change commits; the count follows a moment later.
    scraped = wait_until(all_sent_counted, 30, "every sent submission counted")
    assert value(scraped, "aboutme_submissions_accepted_total") == SUBMISSIONS
    assert value(scraped, "aboutme_submissions_refused_total", reason="rate_limit") == 1
    assert value(scraped, "aboutme_submissions_refused_total", reason="invalid") == 2
    assert value(scraped, "aboutme_submissions_refused_total", reason="honeypot") == 1
    for status in ("rendering", "rendered", "sending", "sent"):
        assert value(scraped, "aboutme_state_changes_total", status=status) == SUBMISSIONS
    assert value(scraped, "aboutme_render_seconds_count") == SUBMISSIONS
    assert value(scraped, "aboutme_send_seconds_count") == SUBMISSIONS
    assert value(scraped, "aboutme_smtp_replies_total", reply_class="2xx") == SUBMISSIONS
    assert value(scraped, "aboutme_retries_total", step="send") == 0
    assert value(scraped, "aboutme_live_workers") == 1
    assert value(scraped, "aboutme_oldest_waiting_seconds") == 0
    assert value(scraped, "aboutme_submissions", status="received") == 0

    # The counts were written by several processes (both web processes answer scrapes alike).
    writers = {path.stem.rpartition("_")[2] for path in (stack.data_dir / "metrics").glob("*.db")}
    assert len(writers) >= 2, writers
    assert all(samples(stack) == scraped for _ in range(4))


def test_the_endpoint_refuses_a_scrape_without_the_token(make_stack):
    stack = make_stack(extra_env={"METRICS_TOKEN": TOKEN})
    stack.prepare()
    stack.start_web(workers=1)
    assert scrape(stack, token=None).status_code == 401
    assert scrape(stack, token="guess").status_code == 401
    assert "aboutme_submissions_accepted_total" in scrape(stack).text
