"""Which characters a PDF really draws, read from the PDF itself.

WeasyPrint writes text with two-byte glyph codes. A code its font has no glyph for is mapped by
the font's Encoding CMap to CID 0, the .notdef "missing glyph" box; the ToUnicode CMap says which
characters every code stands for. Walking the content streams with both tells drawn characters
from boxes, whatever a text extractor would make of them.
"""

import io
import re
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ByteStringObject, ContentStream, NameObject

_CID_CHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+(\d+)")
_BF_CHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+<([0-9a-fA-F]+)>")
_BF_RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s+<([0-9a-fA-F]+)>\s+<([0-9a-fA-F]+)>")
_SECTION = rb"begin%s(.*?)end%s"


@dataclass
class DrawnText:
    drawn: str = ""
    missing: str = ""
    fonts: set[str] = field(default_factory=set)


@dataclass
class _Font:
    name: str
    code_to_cid: dict[int, int] | None  # None: Identity-H, every code is its own CID
    to_unicode: dict[int, str]

    def cid(self, code: int) -> int:
        if self.code_to_cid is None:
            return code
        return self.code_to_cid.get(code, 0)


def _sections(data: bytes, kind: bytes) -> list[bytes]:
    return re.findall(_SECTION % (kind, kind), data, re.S)


def _utf16(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode()).decode("utf-16-be")


def _to_unicode(cmap: bytes) -> dict[int, str]:
    mapping = {}
    for section in _sections(cmap, b"bfrange"):
        for first, last, start in _BF_RANGE.findall(section):
            base = _utf16(start)
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                mapping[code] = base[:-1] + chr(ord(base[-1]) + offset)
    for section in _sections(cmap, b"bfchar"):
        for code, text in _BF_CHAR.findall(section):
            mapping[int(code, 16)] = _utf16(text)
    return mapping


def _font(font_dict) -> _Font:
    encoding = font_dict["/Encoding"]
    if isinstance(encoding, NameObject):
        assert encoding == "/Identity-H", f"unexpected encoding {encoding}"
        code_to_cid = None
    else:
        data = encoding.get_object().get_data()
        pairs = [pair for section in _sections(data, b"cidchar") for pair in _CID_CHAR.findall(section)]
        code_to_cid = {int(code, 16): int(cid) for code, cid in pairs}
    to_unicode = _to_unicode(font_dict["/ToUnicode"].get_object().get_data()) if "/ToUnicode" in font_dict else {}
    # Drop the six-letter subset tag: "ABCDEF+Noto-Serif" is "Noto-Serif".
    name = str(font_dict["/BaseFont"]).lstrip("/").split("+", 1)[-1]
    return _Font(name, code_to_cid, to_unicode)


def _raw(string) -> bytes:
    # pypdf guesses whether a string is text; glyph codes are bytes either way.
    return bytes(string) if isinstance(string, ByteStringObject) else string.original_bytes


def _walk(reader, content, resources, result: DrawnText) -> None:
    resources = resources.get_object() if resources is not None else {}
    fonts = {key: _font(value.get_object()) for key, value in resources.get("/Font", {}).items()}
    xobjects = resources.get("/XObject", {})
    current = None
    for operands, operator in ContentStream(content, reader).operations:
        if operator == b"Tf":
            current = fonts[operands[0]]
            result.fonts.add(current.name)
        elif operator in (b"Tj", b"TJ"):
            strings = operands[0] if operator == b"TJ" else [operands[0]]
            for string in strings:
                if isinstance(string, (int, float)):
                    continue  # a TJ kerning adjustment
                raw = _raw(string)
                for index in range(0, len(raw), 2):
                    code = int.from_bytes(raw[index : index + 2], "big")
                    text = current.to_unicode.get(code, "\ufffd")
                    if current.cid(code) == 0:
                        result.missing += text
                    else:
                        result.drawn += text
        elif operator == b"Do":
            xobject = xobjects[operands[0]].get_object()
            if xobject.get("/Subtype") == "/Form":
                _walk(reader, xobject, xobject.get("/Resources"), result)


def drawn_text(pdf: bytes) -> DrawnText:
    reader = PdfReader(io.BytesIO(pdf))
    result = DrawnText()
    for page in reader.pages:
        _walk(reader, page.get_contents(), page.get("/Resources"), result)
    return result
