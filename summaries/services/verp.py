"""VERP envelope senders: each email's bounce address names its submission, with a keyed hash.

bounces+<submission id>-<tag>@BOUNCE_DOMAIN, the tag being the first 16 hex digits of an
HMAC-SHA256 of the id under SUPPRESSION_KEY (or one of its fallbacks, so that a bounce of an
email sent before a key change still counts). Without the key nobody can make an address that
the bounce receiver believes, so a forged bounce cannot mark a submission or suppress anyone.
"""

import hashlib
import hmac
import re

from django.conf import settings

LOCAL_PART = "bounces"
TAG_LENGTH = 16
VERP_ADDRESS = re.compile(rf"^{LOCAL_PART}\+(\d{{1,18}})-([0-9a-f]{{{TAG_LENGTH}}})@([^@\s]+)$", re.IGNORECASE)


def _tag(key: str, submission_id: int) -> str:
    return hmac.new(key.encode(), f"verp:{submission_id}".encode(), hashlib.sha256).hexdigest()[:TAG_LENGTH]


def verp_address(submission_id: int) -> str:
    return f"{LOCAL_PART}+{submission_id}-{_tag(settings.SUPPRESSION_KEY, submission_id)}@{settings.BOUNCE_DOMAIN}"


def envelope_sender(submission_id: int) -> str:
    """The address bounces go to: the submission's VERP address with BOUNCE_DOMAIN set, else the From address."""
    return verp_address(submission_id) if settings.BOUNCE_DOMAIN else settings.DEFAULT_FROM_EMAIL


def submission_of(address: str) -> int | None:
    """The submission a bounce address names, or None when it is not one of ours (or forged)."""
    match = VERP_ADDRESS.match(address.strip().strip("<>"))
    if match is None or match.group(3).lower() != settings.BOUNCE_DOMAIN.lower():
        return None
    submission_id, tag = int(match.group(1)), match.group(2).lower()
    keys = [settings.SUPPRESSION_KEY, *settings.SUPPRESSION_KEY_FALLBACKS]
    if any(hmac.compare_digest(_tag(key, submission_id), tag) for key in keys):
        return submission_id
    return None
