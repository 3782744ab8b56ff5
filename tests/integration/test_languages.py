"""Each language end to end, over real processes: the form in Chromium with that Accept-Language,
the submit, the worker's email at a real SMTP server, and its PDF read back with poppler.

One stack (gunicorn, a celery worker, beat) and one browser serve the whole module: a language
costs one submission, not a stack of its own. The worker's own language stays the default
(English); every email and PDF must come out in the language of its submission.
"""

import io
import re
import subprocess
import uuid

import pytest
import requests
from pypdf import PdfReader

from summaries.tests.languages import LANGUAGES, expected
from tests.integration.browser import ARTIFACTS
from tests.integration.pdf import attached_pdf
from tests.integration.smtp_sink import SmtpSink
from tests.integration.stack import VALID_ANSWERS, Stack, wait_until

pytestmark = pytest.mark.integration

# Unicode's directional formatting characters, which pdftotext puts around right-to-left lines.
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


@pytest.fixture(scope="module")
def sink():
    started = SmtpSink().start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, sink, request):
    started = Stack(root=tmp_path_factory.mktemp("languages"), smtp_port=sink.port)
    failures_before = request.session.testsfailed
    try:
        yield started.start()
    finally:
        started.stop()
        if request.session.testsfailed > failures_before:
            print(started.logs())


def _pdftotext(pdf: bytes, *options: str) -> str:
    result = subprocess.run(["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def _pdf_lang(pdf: bytes) -> str:
    return str(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"])


def _fill_and_send(page, *, email: str) -> None:
    """Fill the form by its fields' ids, so the same steps work whatever language the labels are in."""
    for field in ("name", "about", "hobby", "saying", "dream_job"):
        page.fill(f"#id_{field}", VALID_ANSWERS[field])
    page.fill("#id_email", email)
    page.select_option("#id_color", VALID_ANSWERS["color"])
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/s/[^/]+/$"))


def _email_to(sink: SmtpSink, address: str):
    [message] = wait_until(lambda: sink.received_for(address), 90, f"the email to {address}")
    return message


def _assert_email_in(message, want: dict) -> None:
    assert message["Subject"] == want["subject"]
    assert message["Content-Language"] == want["pdf_lang"]
    assert message.get_body(preferencelist=("plain",)).get_content().splitlines()[0] == want["greeting"]
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'<html lang="{want["pdf_lang"]}" dir="{want["dir"]}">' in html
    pdf = attached_pdf(message)
    assert _pdf_lang(pdf) == want["pdf_lang"]
    text = " ".join(_pdftotext(pdf).translate(BIDI_MARKS).split())
    assert want["about_heading"] in text
    assert want["purple"] in text


@pytest.mark.browser
@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_a_person_gets_form_email_and_pdf_in_their_browsers_language(stack, sink, module_chromium, code):
    want = expected(code)
    context = module_chromium.new_context(extra_http_headers={"Accept-Language": want["accept_language"]})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(stack.base_url + "/")
    assert page.get_attribute("html", "lang") == want["html_lang"]
    assert page.get_attribute("html", "dir") == want["dir"]
    assert page.inner_text("label[for=id_name]") == want["name_label"]
    # Laid out from the side the language starts on, and nothing (the off-screen honeypot, the
    # switcher) pushes the page wider than the screen in either direction.
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == want["dir"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=ARTIFACTS / f"form-{code}.png", full_page=True)

    address = f"{code}-{uuid.uuid4().hex[:6]}@example.com"
    _fill_and_send(page, email=address)
    _assert_email_in(_email_to(sink, address), want)
    context.close()


@pytest.mark.browser
def test_the_switcher_changes_the_language_without_javascript_and_the_email_follows(stack, sink, module_chromium):
    # The browser asks for German; the person picks Japanese; the worker's own default is English.
    context = module_chromium.new_context(java_script_enabled=False, extra_http_headers={"Accept-Language": "de-DE,de"})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(stack.base_url + "/")
    assert page.get_attribute("html", "lang") == "de"
    page.select_option("#language-switcher-language", "ja")
    with page.expect_navigation():
        page.click("form.language-switcher button[type=submit]")
    page.wait_for_selector('html[lang="ja"]', state="attached")
    assert page.url == stack.base_url + "/"
    assert page.inner_text("label[for=id_name]") == expected("ja")["name_label"]

    address = f"switched-{uuid.uuid4().hex[:6]}@example.com"
    _fill_and_send(page, email=address)
    # The status page stays in the chosen language too.
    assert page.get_attribute("html", "lang") == "ja"
    _assert_email_in(_email_to(sink, address), expected("ja"))
    context.close()


def _words(bbox_html: str) -> list[tuple[float, float, str]]:
    """(xMin, xMax, text) of each word pdftotext -bbox found, in the order it read them."""
    pattern = r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(float(x_min), float(x_max), text) for x_min, x_max, text in re.findall(pattern, bbox_html)]


def test_an_arabic_pdf_is_laid_out_from_the_right_and_reads_right_to_left(stack, sink):
    about = "أحب البرمجة والقراءة كثيرا"
    address = f"ar-layout-{uuid.uuid4().hex[:6]}@example.com"
    session = requests.Session()
    session.headers["Accept-Language"] = "ar"
    form = session.get(stack.base_url + "/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answers = {**VALID_ANSWERS, "email": address, "name": "ليلى أحمد", "about": about, "csrfmiddlewaretoken": token}
    assert session.post(stack.base_url + "/", data=answers, allow_redirects=False, timeout=30).status_code == 302
    pdf = attached_pdf(_email_to(sink, address))

    bbox = _pdftotext(pdf, "-bbox")
    page_width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    words = _words(bbox)
    # poppler gives each right-to-left word's glyphs in the order they are drawn, left to right.
    drawn = {text[::-1]: (x_min, x_max) for x_min, x_max, text in words}

    # The heading "About me" sits on the right, against the right margin.
    heading_start, heading_end = drawn["نبذة"], drawn["عني"]
    assert heading_start[1] > page_width * 0.8
    # Right to left: each next word of the heading and of the answer lies to the left of the one before.
    assert heading_start[0] > heading_end[1]
    xs = [drawn[word][0] for word in about.split()]
    assert xs == sorted(xs, reverse=True), xs
    # And read back in logical order, as a person reads it.
    assert about in _pdftotext(pdf).translate(BIDI_MARKS)


def test_an_english_pdf_keeps_its_heading_on_the_left(stack, sink):
    address = f"en-layout-{uuid.uuid4().hex[:6]}@example.com"
    stack.accepted_token(stack.submit(email=address))
    bbox = _pdftotext(attached_pdf(_email_to(sink, address)), "-bbox")
    page_width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    [(x_min, _x_max)] = [(x_min, x_max) for x_min, x_max, text in _words(bbox) if text == "ABOUT"]
    assert x_min < page_width * 0.2
