"""Room on CPython's frame stack for a render that starts deep in Celery's stack.

Works around: CPython before 3.13 keeps each thread's Python frames in chunks of 16 KiB that it
maps when a call does not fit in the current chunk, and unmaps as soon as that call returns
(`push_chunk` and `_PyThreadState_PopFrame` in Python/pystate.c; CPython issue gh-142183). A
WeasyPrint render recurses down and up many times; when it starts near the end of a chunk, as it
does from inside a Celery worker's stack, every dip of the recursion maps a fresh chunk and unmaps
it again: hundreds of mmap and munmap pairs, and their page faults, in every job.

The fix here: the call goes through a frame that declares a large evaluation stack (an unused
allowance; nothing is stored in it). Such a frame cannot fit in a 16 KiB chunk, so CPython maps
one big enough, and the frames the call makes next share that chunk instead of crossing into new
ones. Pages of the chunk that are never written are never faulted in.

Applied: on Python before 3.13 (`needed()`), to every render; only worker processes render.
Delete this module when the project requires Python 3.13 or later.
"""

import sys
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")

# Slots of 8 bytes. CPython sizes a new chunk to the frame plus 1,000 slots of room, rounded up to
# a power of two: 15,400 slots ask for a little over 128 KiB and get 256 KiB, which leaves about
# 17,000 slots for the call's own frames (a summary render's deepest took about 2,100).
_ROOM_SLOTS = 15_400


def needed() -> bool:
    """True on the Python versions that unmap a frame-stack chunk as soon as it empties."""
    return sys.version_info < (3, 13)


def _call_with_room(function: Callable[..., Result], *args, **kwargs) -> Result:
    return function(*args, **kwargs)


def _call_directly(function: Callable[..., Result], *args, **kwargs) -> Result:
    return function(*args, **kwargs)


if needed():
    _call_with_room.__code__ = _call_with_room.__code__.replace(
        co_stacksize=_call_with_room.__code__.co_stacksize + _ROOM_SLOTS
    )
    call_with_stack_room = _call_with_room
else:
    call_with_stack_room = _call_directly
