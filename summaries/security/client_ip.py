"""The address a request came from, for rate limiting.

REMOTE_ADDR, unless CLIENT_IP_HEADER names a header set by a proxy we trust. Behind such a
proxy REMOTE_ADDR is the proxy itself; the header's last entry is the address the proxy saw
(a client can prepend anything to X-Forwarded-For, but not what our own proxy appends).
"""

import ipaddress

from django.conf import settings

# Everyone on one IPv6 network usually gets a whole /64; counting per address would let one
# person rotate through billions of them.
IPV6_PREFIX = 64


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        candidate = forwarded.rsplit(",", 1)[-1].strip()
        if _parse(candidate) is not None:
            return candidate
    return remote


def rate_limit_key(address: str) -> str:
    """The unit a per-IP limit counts: the address, or its /64 network for IPv6."""
    parsed = _parse(address)
    if parsed is None:
        return address or "unknown"
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def _parse(value: str):
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None
