"""Text in the summary PDF reads at 4.5:1 or more on every colour it can sit on, the person's own included."""

import re

import pytest

from summaries.models import Color
from summaries.services.pdf_colours import (
    MINIMUM_TEXT_CONTRAST,
    PALETTES,
    contrast_ratio,
    palette_for,
    readable_text_on,
)
from summaries.services.rendering import STYLESHEET, summary_html
from summaries.tests.factories import build_submission

WHITE_PAGE = "#ffffff"


def test_the_contrast_ratio_is_wcags():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#777777") == contrast_ratio("#777777", "#ffffff")


def test_every_favourite_colour_has_a_palette():
    assert set(PALETTES) == set(Color.values)


@pytest.mark.parametrize("colour", Color.values)
def test_the_masthead_text_is_readable_on_the_persons_colour(colour):
    palette = palette_for(colour)

    assert contrast_ratio(palette.masthead_text, palette.colour) >= MINIMUM_TEXT_CONTRAST


def test_white_and_yellow_get_dark_text_and_black_and_purple_light():
    assert palette_for(Color.WHITE).masthead_text == palette_for(Color.YELLOW).masthead_text == "#000000"
    assert palette_for(Color.BLACK).masthead_text == palette_for(Color.PURPLE).masthead_text == "#ffffff"


@pytest.mark.parametrize("level", range(0, 256, 5))
def test_black_or_white_always_reaches_the_minimum_on_any_grey(level):
    grey = f"#{level:02x}{level:02x}{level:02x}"
    assert contrast_ratio(readable_text_on(grey), grey) >= MINIMUM_TEXT_CONTRAST


@pytest.mark.parametrize("colour", Color.values)
def test_headings_in_the_accent_colour_are_readable_on_the_page_and_on_the_answers_tint(colour):
    palette = palette_for(colour)

    assert contrast_ratio(palette.accent, WHITE_PAGE) >= MINIMUM_TEXT_CONTRAST
    assert contrast_ratio(palette.accent, palette.tint) >= MINIMUM_TEXT_CONTRAST


def _fixed_text_colours() -> set[str]:
    # Every "color:" in the PDF stylesheet that is not one of the palette's variables.
    return set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", STYLESHEET.read_text()))


@pytest.mark.parametrize("colour", Color.values)
def test_the_stylesheets_fixed_text_colours_are_readable_on_the_page_and_every_tint(colour):
    fixed = _fixed_text_colours()
    assert fixed, "the stylesheet names no fixed text colour: the pattern no longer matches it"
    for text in fixed:
        assert contrast_ratio(text, WHITE_PAGE) >= MINIMUM_TEXT_CONTRAST, text
        assert contrast_ratio(text, palette_for(colour).tint) >= MINIMUM_TEXT_CONTRAST, text


@pytest.mark.parametrize("colour", Color.values)
def test_the_template_gives_the_masthead_the_persons_colour_and_its_readable_text(colour):
    palette = palette_for(colour)
    html = summary_html(build_submission(color=colour))

    assert f"--colour: {palette.colour}; --colour-text: {palette.masthead_text};" in html
    stylesheet = STYLESHEET.read_text()
    assert re.search(r"\.masthead \{[^}]*background: var\(--colour\);[^}]*color: var\(--colour-text\);", stylesheet)
