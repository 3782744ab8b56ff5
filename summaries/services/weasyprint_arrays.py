"""Keeping WeasyPrint from parsing a new C type for every PDF it writes.

When WeasyPrint subsets a font for the PDF, it allocates its glyph lists with
`ffi.new(f'hb_codepoint_t[{len(glyphs)}]', glyphs)` (weasyprint/pdf/fonts.py): the length is part
of the type's name. cffi parses each type name it has not seen with pycparser, 4.5 ms each
here, and keeps every one for good. The lengths follow the text (one of them is the highest
glyph number the text uses, in every font used), so in a worker that renders different
people's answers most jobs meet a new one, paid in time and in memory that never comes back.

`T[]` with a list of n items makes the same array as `T[n]` with that list, so the names are
rewritten to the one open-array name, parsed once per process.
"""

import re

from cffi import FFI
from weasyprint.text.ffi import ffi

# "hb_codepoint_t[90]": a type name, then one fixed length.
_SIZED_ARRAY = re.compile(r"(?P<item>[A-Za-z_]\w*)\[(?P<length>\d+)\]")


def _new(cdecl, init=None):
    if isinstance(cdecl, str) and init is not None:
        sized = _SIZED_ARRAY.fullmatch(cdecl)
        if sized is not None and hasattr(init, "__len__") and len(init) == int(sized["length"]):
            cdecl = f"{sized['item']}[]"
    return FFI.new(ffi, cdecl, init)


def use_open_arrays() -> None:
    """Route WeasyPrint's allocations through _new; safe to call more than once."""
    ffi.new = _new
