"""A recursive call made through call_with_stack_room never maps frame-stack chunks over and over.

Page faults stand in for the chunks: each chunk CPython maps is fresh memory, faulted in when its
first frame is written, whatever the machine's speed. The same recursion is started from every
depth across a 16 KiB chunk, because only some starting depths sit near a chunk's end.
"""

import resource
import sys

import pytest

from summaries.services.rendering import html_to_pdf
from summaries.services.stack_room import call_with_stack_room

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


@pytest.mark.skipif(
    sys.version_info >= (3, 13), reason="Python 3.13 and later reuse a chunk, so plain calls do not show it"
)
def test_without_it_some_starting_depth_maps_a_chunk_for_every_dip():
    assert _worst_faults(_dip_repeatedly) >= DIPS


def test_with_it_no_starting_depth_maps_a_chunk_for_every_dip():
    assert _worst_faults(lambda: call_with_stack_room(_dip_repeatedly)) < DIPS / 10


def test_it_returns_what_the_call_returns_and_raises_what_it_raises():
    assert call_with_stack_room(divmod, 7, 2) == (3, 1)
    with pytest.raises(ZeroDivisionError):
        call_with_stack_room(divmod, 1, 0)


@pytest.mark.django_db
def test_a_render_started_at_any_depth_stays_in_one_chunk():
    # Measured: the worst starting depth costs a render 150 to 260 faults of its own (its heap),
    # and 3,000 when the render's calls are made without the room.
    html = "<p>" + "<span><em>nested</em></span>" * 50 + "</p>"
    html_to_pdf(html)
    worst = max(_faults(lambda depth=depth: _at_depth(depth, lambda: html_to_pdf(html))) for depth in range(0, 300, 7))
    assert worst < 1000
