"""The workarounds in summaries/compat/: each still needed, and each still doing its job.

When an upstream fix lands, the test of the behaviour it relies on fails: delete the workaround.
"""

import inspect
import random
import resource

import pytest
from cffi import FFI
from cffi.cparser import Parser
from weasyprint.text.ffi import ffi

from summaries.compat import frame_stack, weasyprint_glyph_arrays
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


@pytest.fixture
def glyph_arrays_workaround(monkeypatch):
    monkeypatch.setattr(ffi, "new", ffi.new)  # undone after the test, whatever apply() set
    weasyprint_glyph_arrays.apply()


def _new_answers():
    # Letters in an order and number no earlier render used: new glyph counts in each font.
    letters = random.Random().sample("abcdefghijklmnopqrstuvwxyzÆØÅßþðŁ", 20)
    return build_submission(about=" ".join(letters), hobby="".join(letters[:7]))


def test_weasyprint_still_names_each_glyph_array_by_its_length(monkeypatch, parsed_types):
    # The upstream behaviour the workaround is for. When this fails, WeasyPrint has fixed it:
    # delete summaries/compat/weasyprint_glyph_arrays.py.
    assert weasyprint_glyph_arrays.needed()
    monkeypatch.setattr(ffi, "new", FFI.new.__get__(ffi))  # cffi's own, whatever an earlier test applied
    render_summary_pdf(build_submission())
    parsed_types.clear()
    render_summary_pdf(_new_answers())
    assert any(name.startswith("hb_codepoint_t[") for name in parsed_types)


def test_with_the_workaround_rendering_new_answers_parses_no_c_type(glyph_arrays_workaround, parsed_types):
    render_summary_pdf(build_submission())
    parsed_types.clear()
    render_summary_pdf(_new_answers())
    assert parsed_types == []


def test_an_array_of_a_new_length_is_the_same_array(glyph_arrays_workaround, parsed_types):
    ffi.new("hb_codepoint_t[]", [0])
    parsed_types.clear()
    glyphs = list(range(0, 15_838, 2))
    array = ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs)
    assert parsed_types == []
    assert list(array) == glyphs
    assert ffi.sizeof(array) == len(glyphs) * ffi.sizeof("hb_codepoint_t")


def test_an_array_longer_than_its_items_keeps_its_length_and_zeros(glyph_arrays_workaround):
    array = ffi.new("hb_codepoint_t[5]", [7, 8])
    assert list(array) == [7, 8, 0, 0, 0]


# Frame-stack chunks. Page faults stand in for them: each chunk CPython maps is fresh memory,
# faulted in when its first frame is written, however busy the machine is. The same recursion is
# started from every depth across a 16 KiB chunk, because only some depths sit near a chunk's end.
DIPS = 200


def _recurse(levels: int) -> int:
    return 0 if levels == 0 else 1 + _recurse(levels - 1)


def _dip_repeatedly() -> int:
    # Like a render's layout: down a few calls and back up, many times in a row.
    return sum(_recurse(12) for _ in range(DIPS))


def _at_depth(depth: int, call):
    return call() if depth == 0 else _at_depth(depth - 1, call)


def _faults(call) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    call()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _worst_faults(call) -> int:
    # A frame of _at_depth takes about 10 slots of 8 bytes, so 300 depths span more than a chunk.
    return max(_faults(lambda depth=depth: _at_depth(depth, call)) for depth in range(300))


@pytest.mark.skipif(not frame_stack.needed(), reason="this Python keeps a frame-stack chunk for reuse")
def test_this_python_still_maps_a_frame_stack_chunk_for_every_dip():
    # The upstream behaviour the workaround is for: when this fails on a Python that `needed()`
    # still names, CPython has changed it there; narrow `needed()` or delete the module.
    assert _worst_faults(_dip_repeatedly) >= DIPS


def test_with_room_no_starting_depth_maps_a_chunk_for_every_dip():
    assert _worst_faults(lambda: frame_stack.call_with_stack_room(_dip_repeatedly)) < DIPS / 10


def test_a_call_with_room_returns_what_the_call_returns_and_raises_what_it_raises():
    assert frame_stack.call_with_stack_room(divmod, 7, 2) == (3, 1)
    assert frame_stack.call_with_stack_room(int, "ff", base=16) == 255
    with pytest.raises(ZeroDivisionError):
        frame_stack.call_with_stack_room(divmod, 1, 0)


def test_kombu_still_decodes_and_delivers_inside_the_redis_read_we_guard():
    # summaries/compat/redis_stray_messages.py wraps this method: when kombu decodes elsewhere, or hands
    # an undecodable message to the consumer's decode-error handler, the workaround can go.
    from kombu.transport import redis as kombu_redis

    source = inspect.getsource(kombu_redis.Channel._brpop_read)
    assert "self.connection._deliver(loads(" in source
