"""Every response carries a Content-Security-Policy that forbids inline code; pages have none."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from summaries.models import Submission

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Rendered into PDFs and emails, never served as a page: CSP does not apply to them.
NOT_PAGES = {"summary_pdf.html", "email_body.html"}


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
def pages(client, answers, settings):
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
        "404": client.get("/no/such/page/"),
        "400": client.generic("POST", "/", b"x", content_type="multipart/form-data"),
        "413": client.post("/", "x" * (settings.MAX_REQUEST_BODY_BYTES + 1), content_type="text/plain"),
        "429": client.post("/", answers),
        "admin login": client.get("/admin/login/"),
    }
    client.force_login(get_user_model().objects.create_superuser("boss", password="a-long-password-2"))
    responses["admin list"] = client.get("/admin/summaries/submission/")
    responses["admin change"] = client.get(f"/admin/summaries/submission/{submission.pk}/change/")
    return responses


def test_every_response_has_a_policy_without_unsafe_inline(pages):
    assert {name: r.status_code for name, r in pages.items()}["429"] == 429
    for name, response in pages.items():
        policy = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, name
        assert "style-src 'self'" in policy and "object-src 'none'" in policy, name
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name


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
