"""The whole flow over real processes: form posted over HTTP, worker renders, SMTP receives."""

import pytest
import requests

from tests.integration.pdf import attached_pdf, pdf_text
from tests.integration.services import fresh_postgres_database, require_rabbitmq, require_redis
from tests.integration.stack import VALID_ANSWERS, wait_until

pytestmark = pytest.mark.integration

BROKERS = {"redis": require_redis, "rabbitmq": require_rabbitmq}


def _assert_full_flow(stack, smtp_sink):
    token = stack.submit_ok(email="grace@example.com", name="Grace Hopper")
    final = stack.wait_for_status(token, "sent", timeout=90)

    [message] = wait_until(lambda: smtp_sink.received_for("grace@example.com"), 10, "the email")
    assert message["Subject"] == "Your Personal Summary"
    assert message["Message-ID"].startswith("<summary-")
    assert "Grace Hopper" in message.get_body(preferencelist=("plain",)).get_content()
    assert "Grace Hopper" in message.get_body(preferencelist=("html",)).get_content()
    text = pdf_text(attached_pdf(message))
    for answer in ("Grace Hopper", VALID_ANSWERS["hobby"], VALID_ANSWERS["color"], VALID_ANSWERS["dream_job"]):
        assert answer in text

    # The status page offers the same PDF for download.
    download = requests.get(stack.base_url + final["pdf_url"], timeout=10)
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.content == attached_pdf(message)


def test_a_submission_is_emailed_on_the_embedded_broker(make_stack, smtp_sink):
    stack = make_stack().start()
    _assert_full_flow(stack, smtp_sink)


@pytest.mark.parametrize("broker", ["redis", "rabbitmq"])
def test_a_submission_is_emailed_through_a_broker_with_postgresql(make_stack, smtp_sink, broker):
    broker_url = BROKERS[broker]()
    with fresh_postgres_database() as database_url:
        stack = make_stack(broker_url=broker_url, database_url=database_url).start()
        try:
            _assert_full_flow(stack, smtp_sink)
        finally:
            stack.stop()
