import io

import pytest
from pypdf import PdfReader

from summaries.services.rendering import render_summary_pdf, summary_html
from summaries.tests.factories import make_submission

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    # Line breaks fall wherever the layout wrapped: compare words, not lines.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_pdf_holds_every_answer():
    submission = make_submission()
    text = _text(render_summary_pdf(submission))
    for answer in ("Ada Lovelace", "Mathematics", "Purple", "Analyst", "merely mortal"):
        assert answer in text


def test_answers_are_escaped_not_turned_into_markup():
    submission = make_submission(name="<b>Bold</b> & <i>x</i>")
    html = summary_html(submission)
    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;i&gt;" in html
    # The PDF shows the characters the person typed, tags and all.
    assert "<b>Bold</b> & <i>x</i>" in _text(render_summary_pdf(submission))


def test_optional_answers_left_blank_are_left_out():
    submission = make_submission(saying="", dream_job="")
    html = summary_html(submission)
    assert "Dream Job" not in html
    assert "Favorite Saying" not in html
