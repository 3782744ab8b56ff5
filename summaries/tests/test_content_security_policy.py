"""Every response carries a Content-Security-Policy that forbids inline code; pages have none.

The header is django-csp's (csp.middleware.CSPMiddleware, configured in core/settings.py): these
tests read it off the real pages, error pages included, as a browser would.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client

from summaries.models import Submission
from summaries.tests.staff_login import log_in_with_two_factors

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Rendered into PDFs and emails, never served as a page: CSP does not apply to them.
NOT_PAGES = {"summary_pdf.html", "email_body.html"}

# Only this site's own files; no plugins, no <base>, no framing, forms post only here.
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Any of these in a script or style source list would let some inline code run.
LETS_INLINE_CODE_RUN = ("'unsafe-", "'nonce-", "'sha256-", "'sha384-", "'sha512-")


def directives(header: str) -> dict[str, list[str]]:
    """A policy header as a browser reads it: directive name -> its sources (the order of directives is free)."""
    parsed = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        assert name not in parsed, f"{name} twice"
        parsed[name] = sources
    return parsed


class InlineCode(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not attributes.get("src"):
            self.found.append("inline <script>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def pages(client, answers, settings, monkeypatch):
    """Every kind of page and response the site serves, by name."""
    submission = Submission.objects.create(**answers)
    submission.pdf.save(f"summaries/{submission.pk}.pdf", ContentFile(b"%PDF-1.7"), save=True)
    settings.RATE_LIMIT_PER_RECIPIENT = (1, 3600)
    client.post("/", answers)
    responses = {
        "form": client.get("/"),
        "form with errors": client.post("/", {**answers, "email": "nope"}),
        "status": client.get(f"/s/{submission.token}/"),
        "status json": client.get(f"/s/{submission.token}/status.json"),
        "pdf": client.get(f"/s/{submission.token}/summary.pdf"),
        "healthz": client.get("/healthz"),
        "404": client.get("/no/such/page/"),
        "400": client.generic("POST", "/", b"x", content_type="multipart/form-data"),
        "403 csrf": Client(enforce_csrf_checks=True).post("/", answers),
        "413": client.post("/", "x" * (settings.MAX_REQUEST_BODY_BYTES + 1), content_type="text/plain"),
        "429": client.post("/", answers),
        "admin login": client.get("/admin/login/"),
    }
    with monkeypatch.context() as patch:

        def unreachable(*args, **kwargs):
            raise OperationalError("connection refused")

        patch.setattr("summaries.views.accept_submission", unreachable)
        responses["503"] = client.post("/", {**answers, "email": "another.recipient@example.com"})
    with monkeypatch.context() as patch:

        def broken(*args, **kwargs):
            raise RuntimeError("a bug")

        patch.setattr("summaries.views.status_payload", broken)
        responses["500"] = Client(raise_request_exception=False).get(f"/s/{submission.token}/")
    staff = get_user_model().objects.create_superuser("boss", password="a-long-password-2")
    password_only = Client()
    password_only.post("/admin/login/", {"username": "boss", "password": "a-long-password-2"})
    responses["admin two-factor enrol"] = password_only.get("/admin/two-factor/enrol/")
    responses["admin two-factor check"] = password_only.post("/admin/two-factor/enrol/", {"code": "x"})
    settings.AXES_FAILURE_LIMIT = 1
    Client().post("/admin/login/", {"username": "boss", "password": "wrong"})
    responses["admin locked out"] = Client().post("/admin/login/", {"username": "boss", "password": "wrong"})
    log_in_with_two_factors(client, staff)
    responses["admin list"] = client.get("/admin/summaries/submission/")
    responses["admin change"] = client.get(f"/admin/summaries/submission/{submission.pk}/change/")
    return responses


def test_the_pages_include_every_error_the_site_answers_with(pages):
    """The control for the tests below: each error page really is that error."""
    statuses = {name: response.status_code for name, response in pages.items()}
    assert {name: statuses[name] for name in ("400", "404", "413", "429", "500", "503")} == {
        "400": 400,
        "404": 404,
        "413": 413,
        "429": 429,
        "500": 500,
        "503": 503,
    }
    assert statuses["403 csrf"] == 403 and statuses["form with errors"] == 400
    assert statuses["admin locked out"] == 429 and statuses["admin two-factor enrol"] == 200


def test_every_response_has_exactly_the_policy(pages):
    for name, response in pages.items():
        assert directives(response.get("Content-Security-Policy", "")) == POLICY, name
        assert "Content-Security-Policy-Report-Only" not in response, name


def test_the_policy_would_block_any_inline_script_or_style(pages):
    """No inline source, nonce or hash for scripts or styles, and no -attr/-elem directive to widen them."""
    for name, response in pages.items():
        policy = directives(response["Content-Security-Policy"])
        for directive, sources in policy.items():
            assert not any(source.startswith(LETS_INLINE_CODE_RUN) for source in sources), (name, directive)
        assert not [d for d in policy if d.startswith(("script-src-", "style-src-"))], name


def test_every_response_turns_off_the_browser_features_no_page_uses(pages):
    for name, response in pages.items():
        policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert policy[feature] == "()", (name, feature)


def test_a_response_that_sets_its_own_policy_keeps_it(rf):
    """A view may send a stricter policy (the development outbox sandboxes emails): it is not overwritten."""

    def sandboxed_view(request):
        response = HttpResponse("<p>an email</p>")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    response = CSPMiddleware(sandboxed_view)(rf.get("/"))

    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_with_debug_on_pages_keep_the_policy_but_404_is_left_to_djangos_debug_page(client, settings):
    settings.DEBUG = True

    assert directives(client.get("/")["Content-Security-Policy"]) == POLICY
    assert "Content-Security-Policy" not in client.get("/no/such/page/")


def test_no_page_the_site_serves_has_inline_script_or_style_admin_included(pages):
    for name, response in pages.items():
        if response["Content-Type"].split(";")[0] != "text/html":
            continue
        assert inline_code(response.content.decode()) == [], name


@pytest.mark.parametrize(
    "template",
    sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html") if p.name not in NOT_PAGES),
)
def test_no_page_template_has_inline_script_or_style(template):
    assert inline_code((TEMPLATES / template).read_text()) == []


def test_the_checker_finds_inline_code():
    """The control: the parser used above does recognise what it must refuse."""
    found = inline_code('<style>p{}</style><script>x()</script><p style="x" onclick="y"><a href="javascript:z">')
    assert len(found) == 5
