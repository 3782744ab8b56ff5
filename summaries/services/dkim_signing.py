"""DKIM: each email signed at send time, when DKIM_DOMAIN, DKIM_SELECTOR and the key are set.

The signature is made in message(), which Django's backends call as they send, over the bytes
they then write. Relaxed canonicalisation for headers and body, so that re-folding a header
on the way (which the email package and mail servers both do) does not break it.
"""

import re

import dkim
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives

SIGNED_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
)
FOLD = re.compile(rb"\r?\n[ \t]+")


def dkim_signature(raw: bytes) -> str:
    """The DKIM-Signature header's value for a message's bytes, on one line."""
    header = dkim.sign(
        raw,
        settings.DKIM_SELECTOR.encode(),
        settings.DKIM_DOMAIN.encode(),
        settings.DKIM_PRIVATE_KEY,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[name.encode() for name in SIGNED_HEADERS],
    )
    # Django refuses a header value with a line break in it; under relaxed canonicalisation a
    # fold and a single space are the same, so the signature still holds.
    return FOLD.sub(b" ", header).decode("ascii").partition(":")[2].strip()


class DkimSigned:
    """Mixed into an EmailMessage class: its message() comes out signed when DKIM is set up."""

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)
        if settings.DKIM_PRIVATE_KEY:
            message["DKIM-Signature"] = dkim_signature(message.as_bytes(linesep="\r\n"))
        return message


class SignedEmailMessage(DkimSigned, EmailMessage):
    pass


class SignedEmailMultiAlternatives(DkimSigned, EmailMultiAlternatives):
    pass
