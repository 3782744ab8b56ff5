"""The development outbox: captured emails newest first, each opening with its PDF in the browser."""

import pytest
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import include, path

from summaries.outbox.backend import OutboxEmailBackend

# The outbox exists only with DEBUG on; these tests mount it themselves.
urlpatterns = [
    path("", include("summaries.urls")),
    path("dev/outbox/", include("summaries.outbox.urls")),
]


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    settings.OUTBOX_DIR = tmp_path / "outbox"
    return settings.OUTBOX_DIR


def _capture(to: str, subject: str) -> str:
    message = EmailMultiAlternatives(subject, f"Hello {to}", "About Me <no-reply@example.com>", [to])
    message.attach_alternative(f"<p>Hello <b>{to}</b></p>", "text/html")
    message.attach("summary.pdf", b"%PDF-1.7 " + to.encode(), "application/pdf")
    OutboxEmailBackend().send_messages([message])
    return sorted(p.name for p in settings.OUTBOX_DIR.glob("*.eml"))[-1]


def test_the_list_shows_the_newest_email_first_with_its_pdf_link(client):
    first = _capture("first@example.com", "First")
    second = _capture("second@example.com", "Second")

    page = client.get("/dev/outbox/").content.decode()

    assert page.index("second@example.com") < page.index("first@example.com")
    assert f'href="/dev/outbox/{second}/attachments/0/">summary.pdf</a>' in page
    assert f'href="/dev/outbox/{first}/">First</a>' in page


def test_an_email_opens_with_its_pdf_one_click_away(client):
    name = _capture("ada@example.com", "Your Personal Summary")

    page = client.get(f"/dev/outbox/{name}/").content.decode()

    assert f'<a class="button" href="/dev/outbox/{name}/attachments/0/">Open summary.pdf</a>' in page
    assert "Hello ada@example.com" in page


def test_the_pdf_opens_in_the_browser_rather_than_downloading(client):
    name = _capture("ada@example.com", "Your Personal Summary")

    response = client.get(f"/dev/outbox/{name}/attachments/0/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="summary.pdf"'
    assert response.content == b"%PDF-1.7 ada@example.com"


def test_the_html_version_is_shown_sandboxed(client):
    name = _capture("ada@example.com", "Your Personal Summary")

    response = client.get(f"/dev/outbox/{name}/html/")

    assert response.content.decode() == "<p>Hello <b>ada@example.com</b></p>"
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_names_outside_the_outbox_are_refused(client):
    assert client.get("/dev/outbox/..%2Fdb.sqlite3/").status_code == 404
    assert client.get("/dev/outbox/20260101T000000000000-deadbeef.eml/").status_code == 404
