"""One-click stop (RFC 8058): the link in every email that puts its address on the suppression list.

The link holds the address's suppression hash signed with Django's signing (its own salt), not
the address: a token read from a log or a proxy names nobody, and cannot be made up for an
address without SECRET_KEY. It never expires, so a link in an old email still works, and it
still works after the retention purge has deleted the submission.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from summaries.models import Suppression, SuppressionReason
from summaries.services.suppression import address_hash, suppress_hash

SALT = "summaries.unsubscribe"

# The body a mail client posts for a one-click unsubscribe (RFC 8058, section 3.1).
ONE_CLICK_POST = "List-Unsubscribe=One-Click"


def unsubscribe_token(address: str) -> str:
    return signing.Signer(salt=SALT).sign(address_hash(address))


def unsubscribe_url(address: str) -> str:
    token = unsubscribe_token(address)
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("summaries:unsubscribe", args=[token])


def hash_in_token(token: str) -> str:
    """The suppression hash a token carries; raises signing.BadSignature for a forged or altered one."""
    return signing.Signer(salt=SALT).unsign(token)


def is_unsubscribed(hashed: str) -> bool:
    return Suppression.objects.filter(address_hash=hashed, lifted_at__isnull=True).exists()


def unsubscribe(hashed: str) -> bool:
    """Suppress the address behind a checked token; False when it already was (which is harmless)."""
    return suppress_hash(hashed, reason=SuppressionReason.UNSUBSCRIBED)
