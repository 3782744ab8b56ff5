"""One-click stop: the headers and link in every email, and the page behind the link."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from summaries.models import Suppression, SuppressionReason
from summaries.services.confirmation import build_confirmation_email
from summaries.services.emailing import build_summary_email
from summaries.services.suppression import address_hash, is_suppressed
from summaries.services.unsubscribe import SALT, unsubscribe_token
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 fake"


@pytest.fixture
def site(settings):
    settings.PUBLIC_BASE_URL = "https://aboutme.example.org/"
    return settings


def _emails():
    summary_of = make_submission()
    confirmation_of = make_submission(confirmation_token="c0nf1rm")
    return {
        "summary": build_summary_email(summary_of, pdf=PDF).message(),
        "confirmation": build_confirmation_email(confirmation_of).message(),
    }


@pytest.mark.parametrize("kind", ["summary", "confirmation"])
def test_every_email_carries_the_one_click_and_automated_headers(site, kind):
    message = _emails()[kind]
    url = f"https://aboutme.example.org/unsubscribe/{unsubscribe_token('ada@example.com')}/"
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["Message-ID"]


@pytest.mark.parametrize("kind", ["summary", "confirmation"])
def test_every_body_shows_the_link_in_words(site, kind):
    message = _emails()[kind]
    url = message["List-Unsubscribe"].strip("<>")
    bodies = [
        part.get_payload(decode=True).decode() for part in message.walk() if part.get_content_maintype() == "text"
    ]
    assert bodies
    for body in bodies:
        assert "Never email this address again" in body
        assert url in body


def test_the_token_names_no_address():
    token = unsubscribe_token("ada.lovelace@example.com")
    assert "ada" not in token.lower() and "example" not in token.lower()


def _path(address: str = "ada@example.com") -> str:
    return f"/unsubscribe/{unsubscribe_token(address)}/"


def test_following_the_link_only_shows_a_button(client):
    response = client.get(_path())
    assert response.status_code == 200
    assert 'method="post"' in response.text and "Never email this address again" in response.text
    assert not Suppression.objects.exists()


def test_a_one_click_post_without_cookies_or_csrf_token_suppresses_and_the_page_says_so():
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(_path(), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "This address will not be emailed again" in response.text
    # No session is started for a mail client (the language switcher's CSRF cookie is not one).
    assert "sessionid" not in response.cookies
    assert is_suppressed("ada@example.com")
    assert Suppression.objects.get().reason == SuppressionReason.UNSUBSCRIBED
    # Opening the link afterwards says so too.
    assert "This address will not be emailed again" in mail_client.get(_path()).text


def test_unsubscribing_twice_is_harmless(client):
    first, second = client.post(_path()), client.post(_path())
    assert (first.status_code, second.status_code) == (200, 200)
    assert Suppression.objects.count() == 1


def test_the_link_taken_from_an_email_works(site, client):
    url = _emails()["summary"]["List-Unsubscribe"].strip("<>")
    assert client.post(urlsplit(url).path).status_code == 200
    assert is_suppressed("ada@example.com")


def _tampered() -> list[str]:
    token = unsubscribe_token("ada@example.com")
    hashed, _, signature = token.partition(":")
    other = address_hash("bob@example.com")
    return [
        f"{other}:{signature}",  # someone else's address under this link's signature
        f"{hashed}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        hashed,  # no signature at all
        signing.Signer(key="not our key", salt=SALT).sign(other),
        signing.Signer(salt="another.salt").sign(other),
    ]


@pytest.mark.parametrize("index", range(5))
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_tampered_token_gets_a_clear_400_and_changes_nothing(client, method, index):
    response = getattr(client, method)(f"/unsubscribe/{_tampered()[index]}/")
    assert response.status_code == 400
    assert "This link does not work" in response.text
    assert re.search(r"nothing was done", response.text)
    assert not Suppression.objects.exists()
