import pytest
from django.core import mail
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from summaries.services.emailing import build_summary_email
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.EMAIL_BACKEND = "summaries.outbox.backend.OutboxEmailBackend"
    return settings.OUTBOX_DIR


@pytest.fixture
def debug_urls(settings):
    """The outbox pages exist only when DEBUG is on; the URLconf is read again with it on."""
    import importlib

    import core.urls

    settings.DEBUG = True
    importlib.reload(core.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(core.urls)
    clear_url_caches()


def _send_one():
    submission = make_submission()
    build_summary_email(submission, pdf=b"%PDF-1.7 captured").send()


def test_captured_emails_are_written_as_whole_files(outbox):
    _send_one()
    [captured] = list(outbox.iterdir())
    assert captured.suffix == ".eml"
    assert b"Your Personal Summary" in captured.read_bytes()


def test_the_outbox_lists_and_opens_emails_and_their_pdf(outbox, debug_urls, client):
    _send_one()
    listing = client.get(reverse("outbox:list"))
    assert "Your Personal Summary" in listing.text
    [name] = [p.name for p in outbox.iterdir()]
    detail = client.get(reverse("outbox:detail", args=[name]))
    assert "Ada Lovelace" in detail.text
    pdf = client.get(reverse("outbox:attachment", args=[name, 0]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == b"%PDF-1.7 captured"


def test_the_outbox_refuses_names_outside_it(outbox, debug_urls, client):
    assert client.get("/dev/outbox/..%2F..%2Fetc%2Fpasswd/").status_code == 404


@override_settings(DEBUG=False)
def test_the_outbox_does_not_exist_in_production(client):
    assert client.get("/dev/outbox/").status_code == 404
    assert mail.outbox == []


def test_the_list_shows_the_newest_email_first_with_its_pdf_link(outbox, debug_urls, client):
    for address in ("first@example.com", "second@example.com"):
        build_summary_email(make_submission(email=address), pdf=b"%PDF-1.7").send()
    first, second = sorted(p.name for p in outbox.iterdir())

    page = client.get(reverse("outbox:list")).text

    assert page.index("second@example.com") < page.index("first@example.com")
    assert f'href="/dev/outbox/{second}/attachments/0/">summary.pdf</a>' in page
    assert f'href="/dev/outbox/{first}/">Your Personal Summary</a>' in page


def test_an_email_opens_with_its_pdf_one_click_away_in_the_browser(outbox, debug_urls, client):
    _send_one()
    [name] = [p.name for p in outbox.iterdir()]

    detail = client.get(reverse("outbox:detail", args=[name])).text
    pdf = client.get(reverse("outbox:attachment", args=[name, 0]))

    assert f'<a class="button" href="/dev/outbox/{name}/attachments/0/">Open summary.pdf</a>' in detail
    # inline: the browser's own viewer opens it rather than a download.
    assert pdf["Content-Disposition"] == 'inline; filename="summary.pdf"'


def test_the_html_version_is_shown_sandboxed(outbox, debug_urls, client):
    _send_one()
    [name] = [p.name for p in outbox.iterdir()]

    response = client.get(reverse("outbox:html", args=[name]))

    assert 'Hello <span dir="ltr">Ada Lovelace</span>,' in response.text
    assert response["Content-Security-Policy"].startswith("sandbox;")
