"""Reading the summary PDF back out of a received email."""

import io

from pypdf import PdfReader


def attached_pdf(message) -> bytes:
    for part in message.iter_attachments():
        if part.get_filename() == "summary.pdf":
            assert part.get_content_type() == "application/pdf"
            return part.get_content()
    raise AssertionError("the email has no summary.pdf attachment")


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Line breaks fall wherever the layout wrapped: compare words, not lines.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
