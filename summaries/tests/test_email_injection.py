"""Nothing typed becomes markup in the HTML email or a header of any email."""

import pytest
from django.core.mail import BadHeaderError
from django.utils import timezone

from summaries.models import Submission
from summaries.services.emailing import build_summary_email

PDF = b"%PDF-1.7 test"


def submission(**answers) -> Submission:
    values = {
        "email": "ada@example.com",
        "name": "Ada",
        "about": "x",
        "hobby": "y",
        "color": "Red",
        "dream_job": "z",
        **answers,
    }
    return Submission(pk=1, created_at=timezone.now(), **values)


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_markup_in_answers_is_escaped_in_the_html_email():
    message = build_summary_email(
        submission(
            name="<script>alert(1)</script>", hobby='<a href="https://evil.example">win</a>', dream_job='"><img src=x>'
        ),
        pdf=PDF,
    )
    html = html_part(message)
    # The email's own one link is the unsubscribe link; the answer's is escaped.
    assert "<script>" not in html and '<a href="https://evil' not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;win&lt;/a&gt;" in html


@pytest.mark.parametrize("field", ["name", "about", "hobby", "saying", "dream_job"])
def test_a_line_break_in_an_answer_adds_no_header_and_no_recipient(field):
    injected = "Ada\r\nBcc: victim@example.com\r\nSubject: Cheap pills\r\n\r\nbody"
    message = build_summary_email(submission(**{field: injected}), pdf=PDF)
    parsed = message.message()
    assert parsed["Bcc"] is None
    assert parsed.get_all("Subject") == ["Your Personal Summary"]
    assert message.recipients() == ["ada@example.com"]


@pytest.mark.parametrize("address", ["ada@example.com\r\nBcc: victim@example.com", "ada@example.com\nX-Injected: 1"])
def test_an_address_with_a_line_break_can_never_become_a_header(address):
    # The form refuses these (test_form_input.py); should one ever reach here, Django refuses too.
    with pytest.raises(BadHeaderError):
        build_summary_email(submission(email=address), pdf=PDF).message()
