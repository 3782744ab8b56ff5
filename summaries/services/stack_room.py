"""Running a deeply recursive call (a WeasyPrint render) with room on Python's frame stack.

CPython keeps each thread's Python frames in chunks of 16 KiB that it maps when a call does not
fit in the current chunk and unmaps as soon as that call returns (`push_chunk` and
`_PyThreadState_PopFrame` in Python/pystate.c). A render recurses up and down many times; when the
stack it starts from sits near the end of a chunk, every dip of the recursion below that boundary
maps a fresh chunk and unmaps it again. In a Celery worker child that was the case: 392 mmap and
munmap pairs per job (`strace -c`), 270 to 410 page faults and 2.5 to 4.5 ms of system time per
render, against 5 to 10 faults in a plain process. CPython issue gh-142183; from 3.13 and 3.14's
spring 2026 releases, one chunk is kept for reuse.

The workaround here works on every version: the call goes through a frame that declares a large
evaluation stack (an unused allowance; nothing is stored in it). Such a frame cannot fit in a 16 KiB
chunk, so CPython maps one big enough, rounding up to a power of two, and the frames the
call makes next share that chunk's remaining space instead of crossing into new ones.
"""

from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")

# Slots of 8 bytes. CPython sizes a new chunk to the frame plus 1,000 slots of room, rounded up
# to a power of two from 16 KiB: 15,400 slots ask for a little over 128 KiB, so they get 256 KiB,
# which leaves about 17,000 slots (136 KiB) for the call's own frames. A summary render's frames
# took 2,100 slots at their deepest (counted with sys.setprofile). Pages of the chunk that are
# never written are never faulted in.
_ROOM_SLOTS = 15_400


def _call(function: Callable[..., Result], *args) -> Result:
    return function(*args)


_call.__code__ = _call.__code__.replace(co_stacksize=_call.__code__.co_stacksize + _ROOM_SLOTS)


def call_with_stack_room(function: Callable[..., Result], *args) -> Result:
    """function(*args), with its frames in a chunk of their own (see the module's docstring)."""
    return _call(function, *args)
