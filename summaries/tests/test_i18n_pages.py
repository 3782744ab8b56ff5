"""Every page in the person's language: the form, its errors, the status page, the 413, 429 and
503 pages and the honeypot's answer; the admin in English. Bad language input falls back to English."""

import re
import time
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import OperationalError
from django.test import Client

from summaries.models import Submission, SubmissionStatus
from summaries.security import rate_limits
from summaries.tests.factories import make_submission
from summaries.tests.languages import LANGUAGES, expected
from summaries.tests.staff_login import log_in_with_two_factors

pytestmark = pytest.mark.django_db


def _html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.text).group(0)


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_the_form_follows_accept_language(client, code):
    want = expected(code)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=want["accept_language"])
    assert _html_tag(response) == f'<html lang="{want["html_lang"]}" dir="{want["dir"]}">'
    assert f'<label for="id_name">{want["name_label"]}</label>' in response.text
    assert response["Content-Language"] == code
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_a_submission_keeps_the_language_it_was_filled_in(client, answers, code):
    response = client.post("/", answers, HTTP_ACCEPT_LANGUAGE=expected(code)["accept_language"])
    assert response.status_code == 302
    assert Submission.objects.get().language == code


def test_the_language_cookie_wins_over_accept_language(client, answers):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ja"
    client.post("/", answers, HTTP_ACCEPT_LANGUAGE="de")
    assert Submission.objects.get().language == "ja"


def test_validation_messages_and_the_error_summary_are_translated(client):
    response = client.post("/", {"email": "not an address", "color": "Red"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide." in response.text
    assert "Ce champ est obligatoire." in response.text  # Django's own catalog
    assert "Veuillez corriger ces 4 réponses" in response.text
    assert "<title>Erreur\u00a0: Parlez-nous de vous</title>" in response.text


def test_arabic_uses_all_its_plural_forms(client):
    response = client.post("/", {"email": "not an address", "color": "Red"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert "يُرجى تصحيح هذه الإجابات الـ4" in response.text


def test_the_honeypots_quiet_answer_is_translated(client, answers):
    response = client.post("/", {**answers, "website": "http://spam.example"}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert "Bitte lassen Sie das Feld „Leer lassen“ leer." in response.text
    # The field it names carries that very label.
    assert '<label for="id_website">Leer lassen</label>' in response.text
    assert not Submission.objects.exists()


def test_the_status_page_and_its_json_are_translated(client):
    submission = make_submission(status=SubmissionStatus.SENT)
    page = client.get(f"/s/{submission.token}/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "まとめをメールでお送りしました。" in page.text
    assert '<span class="step-label">送信済み</span>' in page.text
    payload = client.get(f"/s/{submission.token}/status.json", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert payload["message"].startswith("まとめをメールでお送りしました。")
    assert [step["label"] for step in payload["progress"]] == ["受付済み", "PDF 作成中", "メール送信中", "送信済み"]


def test_a_failed_submissions_reason_is_shown_in_the_readers_language_with_the_servers_own_words(client):
    stored = "The mail server refused the address: 550 5.1.1 No such user Gave up after 3 attempts."
    submission = make_submission(status=SubmissionStatus.FAILED, last_error=stored)
    payload = client.get(f"/s/{submission.token}/status.json", HTTP_ACCEPT_LANGUAGE="es").json()
    assert payload["reason"] == (
        "El servidor de correo rechazó la dirección: 550 5.1.1 No such user Nos rendimos tras 3 intentos."
    )
    submission.refresh_from_db()
    assert submission.last_error == stored, "the stored reason stays the operators' English"


def test_the_413_page_is_translated_and_its_switcher_gets_a_csrf_cookie(settings, answers):
    client = Client(enforce_csrf_checks=True)
    body = "about=" + "x" * (settings.MAX_REQUEST_BODY_BYTES + 1)
    response = client.post("/", body, content_type="application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 413
    assert _html_tag(response) == '<html lang="ar" dir="rtl">'
    assert "تجاوزت إجاباتك" in response.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    # The switcher on that page works: its token matches the cookie the page set.
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db(transaction=True)
def test_the_503_page_is_translated(client, answers, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Submission.objects, "create", unreachable)
    response = client.post("/", answers, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response.status_code == 503
    assert "Nosso banco de dados não está respondendo no momento." in response.text
    assert 'action="/i18n/setlang/"' in response.text


def test_the_429_page_is_translated_with_its_plural(client, settings, answers, monkeypatch):
    now = time.time()
    monkeypatch.setattr(rate_limits, "time", SimpleNamespace(time=lambda: now))
    settings.RATE_LIMIT_PER_RECIPIENT = (1, 3600)
    client.post("/", answers)
    refused = client.post("/", answers, HTTP_ACCEPT_LANGUAGE="de")
    assert refused.status_code == 429
    assert "An diese E-Mail-Adresse wurden vorerst so viele Zusammenfassungen geschickt" in refused.text
    assert re.search(r"Bitte versuchen Sie es in \d+ Minuten? erneut\.", refused.text)


def test_the_404_page_is_translated(client):
    response = client.get("/s/no-such-token/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 404
    assert "这里什么都没有" in response.text


def test_the_admin_stays_in_english(client):
    log_in_with_two_factors(client, User.objects.create_superuser("staff", "staff@example.com", "a-long-password-1"))
    response = client.get("/admin/summaries/submission/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert 'lang="en"' in response.text
    assert "Select submission to change" in response.text
    # And the public side, in the same session, still follows the browser.
    assert "Erzählen Sie uns von sich" in client.get("/", HTTP_ACCEPT_LANGUAGE="de").text


# --- Bad input: never a 500, never an open redirect, English when in doubt. ---------------------

BAD_CODES = ["xx", "it", "../../etc/passwd", "en_US\r\nSet-Cookie: x=1", "ar" * 300, "*", ""]


@pytest.mark.parametrize("cookie", BAD_CODES)
def test_an_unknown_or_malformed_language_cookie_falls_back_to_english(client, cookie):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get("/")
    assert response.status_code == 200
    assert _html_tag(response) == '<html lang="en" dir="ltr">'


@pytest.mark.parametrize(
    "header", ["xx-YY", "it", "*;q=abc", "ar;q=2", "de;q=-1", ";;;,,,", "ja" * 2000, "\u00e9\u00e8", "../../"]
)
def test_an_unknown_or_malformed_accept_language_falls_back_without_an_error(client, header):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert response["Content-Language"] in dict(django_settings.LANGUAGES)


@pytest.mark.parametrize("language", BAD_CODES)
def test_the_switcher_refuses_an_unknown_language_and_stays_in_english(client, language):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert _html_tag(client.get("/")) == '<html lang="en" dir="ltr">'


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "http:///evil"]
)
def test_the_switcher_never_redirects_off_site(client, next_url):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_the_switcher_returns_to_the_same_page(client):
    submission = make_submission()
    page = f"/s/{submission.token}/"
    response = client.post("/i18n/setlang/", {"language": "ar", "next": page})
    assert response["Location"] == page
    assert _html_tag(client.get(page)) == '<html lang="ar" dir="rtl">'


def test_the_switcher_names_every_language_in_itself_and_posts_with_a_csrf_token(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").text
    switcher = html[html.index('<form class="language-switcher"') :]
    assert 'method="post"' in switcher and 'name="csrfmiddlewaretoken"' in switcher
    for name in ("English", "Español", "Français", "Deutsch", "Português (Brasil)", "العربية", "简体中文", "日本語"):
        assert f">{name}</option>" in switcher
    assert '<option value="ja" lang="ja" selected>' in switcher
