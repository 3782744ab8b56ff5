"""WeasyPrint's glyph arrays are made without cffi parsing a new C type for each length."""

import random

import pytest
from cffi.cparser import Parser
from weasyprint.text.ffi import ffi

from summaries.services.rendering import render_summary_pdf
from summaries.tests.factories import build_submission


@pytest.fixture
def parsed_types(monkeypatch) -> list[str]:
    """Every C type name cffi parses from now on."""
    parsed = []
    parse_type = Parser.parse_type

    def recording(self, cdecl):
        parsed.append(cdecl)
        return parse_type(self, cdecl)

    monkeypatch.setattr(Parser, "parse_type", recording)
    return parsed


def test_an_array_of_a_new_length_is_made_without_parsing_a_type(parsed_types):
    ffi.new("hb_codepoint_t[]", [0])
    parsed_types.clear()
    glyphs = list(range(0, 15_838, 2))
    array = ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs)
    assert parsed_types == []
    assert list(array) == glyphs
    assert ffi.sizeof(array) == len(glyphs) * ffi.sizeof("hb_codepoint_t")


def test_an_array_longer_than_its_items_keeps_its_length_and_zeros():
    array = ffi.new("hb_codepoint_t[5]", [7, 8])
    assert list(array) == [7, 8, 0, 0, 0]


def test_rendering_new_answers_parses_no_c_type(parsed_types):
    render_summary_pdf(build_submission())
    parsed_types.clear()
    # Letters in an order and number no earlier render used: new glyph counts in each font.
    letters = random.Random().sample("abcdefghijklmnopqrstuvwxyzÆØÅßþðŁ", 20)
    render_summary_pdf(build_submission(about=" ".join(letters), hobby="".join(letters[:7])))
    assert parsed_types == []
