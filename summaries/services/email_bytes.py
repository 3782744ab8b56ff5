"""Writing an email out as bytes, byte for byte as the email package does, with less work.

Every backend that sends or keeps a message (Django's SMTP backend, the outbox) turns it into
bytes with `message().as_bytes()`, which runs the email package's BytesGenerator: for a summary
email, more CPU than building the message, all of it in the worker between two renders. The
generator writes the ~480 lines of the base64 PDF one call at a time, and checks each new MIME
boundary against the message by compiling a new regular expression for it. QuickBytesGenerator
writes a part's text in one call and checks a boundary with a substring search: about 0.4x of
the generator's time (the render benchmark's "summary email to bytes" row, bench/RESULTS.md),
and the very same bytes (summaries/tests/test_email_bytes.py).
"""

import random
import sys
from email.generator import BytesGenerator
from functools import partial
from io import BytesIO

# The email package's own boundary form: 15 "=", a random number of sys.maxsize's width, "==".
_TOKEN_WIDTH = len(repr(sys.maxsize - 1))


class QuickBytesGenerator(BytesGenerator):
    def _write_lines(self, lines):
        # The generator's version splits the text at every line ending (NLCRE: CRLF, CR or LF)
        # and writes each line and each ending separately. Making every ending LF, then LF the
        # generator's line ending, gives the same text in one write (faster than NLCRE.sub).
        if lines:
            self.write(lines.replace("\r\n", "\n").replace("\r", "\n").replace("\n", self._NL))

    @classmethod
    def _make_boundary(cls, text=None):
        token = random.randrange(sys.maxsize)
        boundary = ("=" * 15) + f"{token:0{_TOKEN_WIDTH}d}" + "=="
        if text is None:
            return boundary
        # The generator rejects a boundary only when a line of the text is "--boundary" or
        # "--boundary--"; rejecting it wherever "--boundary" occurs is stricter, never looser.
        candidate, counter = boundary, 0
        while _encoded_like(text, "--" + candidate) in text:
            candidate = f"{boundary}.{counter}"
            counter += 1
        return candidate


def _encoded_like(text, needle: str):
    return needle.encode("ascii") if isinstance(text, bytes) else needle


def as_bytes(mime, unixfrom=False, linesep="\n") -> bytes:
    """What `mime.as_bytes()` returns for Django's MIME messages, written by QuickBytesGenerator."""
    out = BytesIO()
    QuickBytesGenerator(out, mangle_from_=False).flatten(mime, unixfrom=unixfrom, linesep=linesep)
    return out.getvalue()


class QuicklyWritten:
    """Mixed into an EmailMessage class: the MIME message it builds writes itself out quickly."""

    def message(self, *args, **kwargs):
        mime = super().message(*args, **kwargs)
        mime.as_bytes = partial(as_bytes, mime)
        return mime
