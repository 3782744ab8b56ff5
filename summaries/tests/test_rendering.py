"""The summary PDF: every answer, in any script a person may write in, and the same bytes for the same answers."""

import io
import unicodedata
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from summaries.services.rendering import render_summary_pdf, summary_html
from summaries.tests.factories import build_submission, make_submission
from tests.pdf_glyphs import drawn_text

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
    assert "Dream job" not in html
    assert 'class="saying"' not in html


NAMES = {
    "accents": "Zoë Ångström-Núñez Çelik Şahin Őry",
    "cyrillic": "Фёдор Михайлович Достоевский",
    "greek": "Αριστοτέλης Ωνάσης",
    "chinese": "王小明 张伟",
    "japanese": "山田 はなこ カタカナ",
    "korean": "김민준 이서연",
    "arabic": "محمد بن موسى الخوارزمي",
    "hebrew": "דוד בן־גוריון",
    "emoji": "Ada 👩🏽‍💻 🎉 ❤️ 🇫🇷 🚀",
}

# Characters that join or modify their neighbours and are drawn as part of them.
JOINERS = {"\u200d", "\ufe0f"}


def _visible(text: str) -> set[str]:
    return {c for c in text if not c.isspace() and c not in JOINERS and unicodedata.category(c) != "Mn"}


@pytest.mark.parametrize("script", NAMES)
def test_a_name_in_any_script_is_drawn_with_no_missing_glyph(script):
    name = NAMES[script]
    drawn = drawn_text(render_summary_pdf(build_submission(name=name, saying=name)))

    assert drawn.missing == ""
    assert _visible(name) <= set(drawn.drawn)


def test_every_script_is_drawn_from_the_fonts_the_install_brings():
    about = " ".join(NAMES.values())
    drawn = drawn_text(render_summary_pdf(build_submission(about=about)))

    assert drawn.missing == ""
    families = {font.split("-")[1] for font in drawn.fonts}
    assert {"Serif", "Naskh", "Color"} <= families
    assert any(font.startswith("Noto-Serif-CJK") for font in drawn.fonts)
    assert any(font.startswith("Noto-Serif-Hebrew") for font in drawn.fonts)
    assert any(font.startswith("Noto-Color-Emoji") for font in drawn.fonts)


def test_the_glyph_check_sees_a_character_no_font_has():
    # A private-use code point: no installed font draws it, so the PDF holds a missing-glyph box.
    drawn = drawn_text(render_summary_pdf(build_submission(hobby="Knitting \ue000")))

    assert drawn.missing == "\ue000"


def test_the_same_answers_give_the_same_pdf_bytes_and_no_date_but_the_submissions():
    submission = build_submission(name="Ada 🎉 王小明 محمد")
    first = render_summary_pdf(submission)
    # Nothing random in it (ids, font subset names): the same answers give the same bytes.
    assert render_summary_pdf(submission) == first
    # And nothing from the clock. A render never calls time.time(), so moving that clock would prove
    # nothing: the dates are read instead. The metadata and the footer give the submission's date,
    # never the day of the render.
    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata.creation_date == metadata.modification_date == submission.created_at
    text = _text(first)
    assert "14 March 2026" in text
    for today in {datetime.now().date(), datetime.now(UTC).date()} - {submission.created_at.date()}:
        assert f"{today.day} {today:%B %Y}" not in text


def test_the_pdf_is_dated_and_titled_from_thebuild_submission():
    metadata = PdfReader(io.BytesIO(render_summary_pdf(build_submission(name="Zoë")))).metadata

    assert metadata.creation_date == datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
    assert metadata.title == "Personal Summary: Zoë"


def test_right_to_left_answers_are_laid_out_right_to_left():
    html = summary_html(build_submission(name="דוד בן־גוריון", about="Plain English.", saying="مرحبا 123"))

    assert '<h1 dir="rtl">' in html
    assert '<p class="value" dir="ltr">Plain English.</p>' in html
    assert '<blockquote class="saying" dir="rtl">' in html


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_digits_are_drawn_as_text_not_as_emoji_pictures():
    # Digits are emoji characters too: with the emoji font named in the CSS, Pango drew each
    # one as a colour bitmap. Only the template's heart may be a picture.
    with_digits = _images(render_summary_pdf(build_submission(about="Call 555 0123 at 9:45 on 2024-06-01")))
    without = _images(render_summary_pdf(build_submission(about="Call me in the morning")))
    assert with_digits == without == 1
