"""The DKIM private key, read once at start-up: a key that cannot be used stops every process.

Checked here, not at the first send, so that a worker never starts that would send unsigned or
fail every email for a reason the operator can fix in a minute.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dkim.crypto import UnparsableKeyError, parse_pem_private_key


def dkim_private_key(*, domain: str, selector: str, key_file: str) -> bytes | None:
    """The PEM key when all three DKIM settings are given, None when none is; otherwise a clear error."""
    given = {"DKIM_DOMAIN": domain, "DKIM_SELECTOR": selector, "DKIM_PRIVATE_KEY_FILE": key_file}
    if not any(given.values()):
        return None
    missing = [name for name, value in given.items() if not value]
    if missing:
        raise ImproperlyConfigured(
            f"DKIM signing needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE together: "
            f"{', '.join(missing)} not set."
        )
    try:
        key = Path(key_file).read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"DKIM_PRIVATE_KEY_FILE {key_file} cannot be read ({exc.strerror}): emails could not be signed."
        ) from None
    try:
        parse_pem_private_key(key)
    except (UnparsableKeyError, ValueError):
        raise ImproperlyConfigured(
            f"DKIM_PRIVATE_KEY_FILE {key_file} is not an RSA private key in PEM form (PKCS#1 or PKCS#8)."
        ) from None
    return key
