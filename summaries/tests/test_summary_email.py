"""The summary email reads well as plain text and as HTML, and greets the person by name."""

from datetime import UTC, datetime

from summaries.models import Submission
from summaries.services.emailing import build_summary_email


def _submission(**answers) -> Submission:
    fields = {
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "about": "I write programs.",
        "hobby": "Mathematics & poetry",
        "color": "Purple",
        "saying": "",
        "dream_job": "",
        "created_at": datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC),
        **answers,
    }
    return Submission(pk=42, **fields)


def _bodies(submission: Submission) -> tuple[str, str]:
    message = build_summary_email(submission, b"%PDF-1.7").message()
    text = message.get_payload()[0].get_payload()[0].get_payload(decode=True).decode()
    html = message.get_payload()[0].get_payload()[1].get_payload(decode=True).decode()
    return text, html


def test_both_versions_greet_the_person_and_mention_the_attachment():
    text, html = _bodies(_submission())

    assert text.startswith("Hello Ada Lovelace,\n")
    assert 'Hello <span dir="ltr">Ada Lovelace</span>,' in html
    assert "summary.pdf" in text and "summary.pdf" in html


def test_plain_text_is_not_html_escaped_and_html_is():
    text, html = _bodies(_submission(name="Ada <Countess> & co"))

    assert "Hello Ada <Countess> & co," in text
    assert "Mathematics & poetry" in text
    assert "Ada &lt;Countess&gt; &amp; co" in html
    assert "<Countess>" not in html


def test_optional_answers_appear_only_when_given():
    without, _ = _bodies(_submission())
    with_them, html = _bodies(_submission(dream_job="Analyst", saying="More than mortal."))

    assert "Dream job" not in without and "Favourite saying" not in without
    assert "Dream job:         Analyst" in with_them
    assert 'Favourite saying:  "More than mortal."' in with_them
    assert "&ldquo;More than mortal.&rdquo;" in html


def test_a_right_to_left_name_is_marked_so_in_html():
    _, html = _bodies(_submission(name="דוד בן־גוריון"))

    assert '<span dir="rtl">דוד בן־גוריון</span>' in html


def test_plain_text_lines_stay_short_enough_to_read_anywhere():
    text, _ = _bodies(_submission())

    assert max(len(line) for line in text.splitlines()) <= 78
