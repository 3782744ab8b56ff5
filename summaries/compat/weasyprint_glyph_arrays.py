"""WeasyPrint parses a new C type for each glyph count it meets.

Works around: when WeasyPrint subsets a font for the PDF, it allocates its glyph lists with
`ffi.new(f'hb_codepoint_t[{len(glyphs)}]', glyphs)` (weasyprint/pdf/fonts.py). The length is part
of the type's name, so cffi parses every new length with pycparser (milliseconds each) and keeps
the parsed type for good. The lengths follow the text, so a worker rendering different people's
answers meets new ones job after job, paid in time and in memory that never comes back.

The fix here: `T[]` with a list of n items makes the same array as `T[n]` with that list, so
sized array names given with a list of that size are rewritten to the open-array name, which
cffi parses once per process.

Upstream, the one-line change is in weasyprint/pdf/fonts.py: `ffi.new('hb_codepoint_t[]', glyphs)`
in place of each `ffi.new(f'hb_codepoint_t[{len(glyphs)}]', glyphs)`.
Delete this module when the WeasyPrint in requirements.txt makes that change (`needed()` then
returns False, and summaries/tests/test_compat.py says so).
"""

import inspect
import re

from cffi import FFI
from weasyprint.pdf import fonts
from weasyprint.text.ffi import ffi

# "hb_codepoint_t[90]": a type name, then one fixed length.
_SIZED_ARRAY = re.compile(r"(?P<item>[A-Za-z_]\w*)\[(?P<length>\d+)\]")
# How the affected WeasyPrint versions spell the allocation.
_SIZED_BY_LENGTH = "hb_codepoint_t[{len("


def needed() -> bool:
    """True while WeasyPrint still names each glyph array by its length."""
    return _SIZED_BY_LENGTH in inspect.getsource(fonts)


def _new(cdecl, init=None):
    if isinstance(cdecl, str) and init is not None:
        sized = _SIZED_ARRAY.fullmatch(cdecl)
        if sized is not None and hasattr(init, "__len__") and len(init) == int(sized["length"]):
            cdecl = f"{sized['item']}[]"
    return FFI.new(ffi, cdecl, init)


def apply() -> None:
    """Route WeasyPrint's allocations through _new; safe to call more than once."""
    ffi.new = _new
