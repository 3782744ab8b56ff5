"""The summary PDF draws every script a person may write in, and the same answers give the same bytes."""

import io
import time
import unicodedata
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from summaries.models import Submission
from summaries.services.rendering import render_summary_pdf, summary_html
from tests.pdf_glyphs import drawn_text

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


def _submission(**answers) -> Submission:
    fields = {
        "email": "person@example.com",
        "name": "Ada Lovelace",
        "about": "I write programs for engines that do not exist yet.",
        "hobby": "Mathematics",
        "color": "Purple",
        "saying": "That brain of mine is something more than merely mortal.",
        "dream_job": "Analyst",
        "created_at": datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC),
        **answers,
    }
    return Submission(pk=42, **fields)


def _visible(text: str) -> set[str]:
    return {c for c in text if not c.isspace() and c not in JOINERS and unicodedata.category(c) != "Mn"}


@pytest.mark.parametrize("script", NAMES)
def test_a_name_in_any_script_is_drawn_with_no_missing_glyph(script):
    name = NAMES[script]
    drawn = drawn_text(render_summary_pdf(_submission(name=name, saying=name)))

    assert drawn.missing == ""
    assert _visible(name) <= set(drawn.drawn)


def test_every_script_is_drawn_from_the_fonts_the_install_brings():
    about = " ".join(NAMES.values())
    drawn = drawn_text(render_summary_pdf(_submission(about=about)))

    assert drawn.missing == ""
    families = {font.split("-")[1] for font in drawn.fonts}
    assert {"Serif", "Naskh", "Color"} <= families
    assert any(font.startswith("Noto-Serif-CJK") for font in drawn.fonts)
    assert any(font.startswith("Noto-Serif-Hebrew") for font in drawn.fonts)
    assert any(font.startswith("Noto-Color-Emoji") for font in drawn.fonts)


def test_the_glyph_check_sees_a_character_no_font_has():
    # A private-use code point: no installed font draws it, so the PDF holds a missing-glyph box.
    drawn = drawn_text(render_summary_pdf(_submission(hobby="Knitting \ue000")))

    assert drawn.missing == "\ue000"


def test_the_same_answers_give_the_same_pdf_bytes_at_any_time(monkeypatch):
    submission = _submission(name="Ada 🎉 王小明 محمد")
    first = render_summary_pdf(submission)
    # Later in the day: nothing in the PDF may depend on when it was rendered.
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 86_400 * 400)
    second = render_summary_pdf(submission)

    assert first == second


def test_the_pdf_is_dated_and_titled_from_the_submission():
    metadata = PdfReader(io.BytesIO(render_summary_pdf(_submission(name="Zoë")))).metadata

    assert metadata.creation_date == datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
    assert metadata.title == "Personal Summary: Zoë"


def test_right_to_left_answers_are_laid_out_right_to_left():
    html = summary_html(_submission(name="דוד בן־גוריון", about="Plain English.", saying="مرحبا 123"))

    assert '<h1 dir="rtl">' in html
    assert '<p class="value" dir="ltr">Plain English.</p>' in html
    assert '<blockquote class="saying" dir="rtl">' in html
