"""The defences over real processes: gunicorn with several workers, a real worker and SMTP server."""

import re
import uuid

import pytest
import requests

from tests.integration.ports import free_port
from tests.integration.services import require_redis
from tests.integration.stack import wait_until

pytestmark = pytest.mark.integration


def web_only(make_stack, **env):
    stack = make_stack(extra_env=env).prepare()
    stack.start_web(workers=3)
    return stack


@pytest.mark.parametrize("cache", ["database", "redis"])
def test_the_recipient_limit_holds_across_web_workers(make_stack, cache):
    env = {"RATE_LIMIT_PER_RECIPIENT": "2/h"}
    if cache == "redis":
        env["CACHE_URL"] = require_redis()
    stack = web_only(make_stack, **env)
    # A fresh address per run: the shared Redis may hold counts from other runs.
    address = f"limit-{uuid.uuid4().hex[:10]}@example.com"
    # Each submit is a new session and connection, so the requests spread over the workers.
    codes = [stack.submit(email=address).status_code for _ in range(6)]
    assert codes == [302, 302, 429, 429, 429, 429]
    refused = stack.submit(email=address)
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "try again in" in refused.text


def test_the_real_server_answers_an_oversize_body_with_413_and_every_page_with_a_csp(make_stack):
    stack = web_only(make_stack)
    response = requests.post(stack.base_url + "/", data={"about": "x" * 100_000}, timeout=10)
    assert response.status_code == 413
    assert "Nothing was saved" in response.text
    for path in ["/", "/no-such-page/", "/admin/login/"]:
        policy = requests.get(stack.base_url + path, timeout=10).headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy


def test_double_opt_in_end_to_end(make_stack, smtp_sink):
    port = free_port()
    stack = make_stack(extra_env={"CONFIRM_EMAIL": "true", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"})
    stack.web_port = port
    stack.start()
    token = stack.submit_ok(email="optin@example.com", name="Spam Sender Name")
    stack.wait_for_status(token, "confirm", timeout=30)

    [confirmation] = wait_until(lambda: smtp_sink.received_for("optin@example.com"), 30, "the confirmation email")
    body = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert "Spam Sender Name" not in body and not list(confirmation.iter_attachments())
    link = re.search(rf"http://127\.0\.0\.1:{port}/confirm/[^/\s]+/", body).group(0)

    session = requests.Session()
    page = session.get(link, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    assert stack.status(token)["status"] == "confirm"  # opening the link confirms nothing
    pressed = session.post(link, data={"csrfmiddlewaretoken": csrf}, allow_redirects=False, timeout=10)
    assert pressed.status_code == 302

    stack.wait_for_status(token, "sent", timeout=90)
    messages = wait_until(lambda: len(smtp_sink.received_for("optin@example.com")) == 2 or None, 10, "the summary")
    assert messages
    subjects = [m["Subject"] for m in smtp_sink.received_for("optin@example.com")]
    assert subjects == ["Please confirm your email address", "Your Personal Summary"]
