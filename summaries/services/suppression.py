"""The suppression list: addresses that are never emailed again.

An address is kept only as an HMAC-SHA256 of its normalised form, under SUPPRESSION_KEY, so the
list outlives the retention purge without keeping the address: whoever reads the table cannot
tell which addresses are in it, only check one they already know (with the key).
SUPPRESSION_KEY is its own setting so that SECRET_KEY can rotate; when SUPPRESSION_KEY itself
must change, the old one goes into SUPPRESSION_KEY_FALLBACKS and still counts.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from summaries.models import Suppression, SuppressionReason
from summaries.security.redaction import redact_addresses

# The history line of a submission that ends without an email because of the list.
SUPPRESSED_DETAIL = "address on the suppression list: nothing is emailed"


def normalise_address(address: str) -> str:
    """One spelling per mailbox: trimmed, lower case, the domain in its ASCII (IDNA) form.

    The local part is lower-cased too: RFC 5321 lets a server tell case apart there, but the
    mail providers people use do not, and a suppression must not be dodged by a capital letter.
    """
    local, _, domain = address.strip().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # not a valid IDNA name: kept as typed, still lower-cased below
    return f"{local}@{domain}".lower()


def _hash_with(key: str, address: str) -> str:
    return hmac.new(key.encode(), normalise_address(address).encode(), hashlib.sha256).hexdigest()


def address_hash(address: str) -> str:
    """The key under which `address` is suppressed (with the current SUPPRESSION_KEY)."""
    return _hash_with(settings.SUPPRESSION_KEY, address)


def _known_hashes(address: str) -> list[str]:
    keys = [settings.SUPPRESSION_KEY, *settings.SUPPRESSION_KEY_FALLBACKS]
    return [_hash_with(key, address) for key in keys]


def is_suppressed(address: str) -> bool:
    return Suppression.objects.filter(address_hash__in=_known_hashes(address), lifted_at__isnull=True).exists()


def suppress_hash(hashed: str, *, reason: str, detail: str = "") -> bool:
    """Put a hashed address on the list; False if it was already there (nothing changes then).

    Doing it again is harmless: the first reason and time are kept. A lifted entry is put back.
    """
    now = timezone.now()
    detail = redact_addresses(detail)[:1000]
    try:
        with transaction.atomic():
            Suppression.objects.create(address_hash=hashed, reason=reason, detail=detail, suppressed_at=now)
        return True
    except IntegrityError:
        return bool(
            Suppression.objects.filter(address_hash=hashed, lifted_at__isnull=False).update(
                reason=reason, detail=detail, suppressed_at=now, lifted_at=None, lifted_by=""
            )
        )


def suppress_address(address: str, *, reason: str = SuppressionReason.STAFF, detail: str = "") -> bool:
    """Suppress `address` unless it already is, under the current key or a fallback key."""
    if is_suppressed(address):
        return False
    return suppress_hash(address_hash(address), reason=reason, detail=detail)


def lift(suppression: Suppression, *, by: str) -> bool:
    """Take an entry off the list (kept, marked lifted, for the history); False if it already was."""
    return bool(
        Suppression.objects.filter(pk=suppression.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=by
        )
    )
