"""What django-axes counts a failed admin login against: the username, and the address here.

The address is the one the submit rate limits count (security/client_ip.py): the proxy's header
only when CLIENT_IP_HEADER trusts it, and IPv6 as its /64, so that one person cannot step
through the billions of addresses of one network to get more guesses.
"""

import ipaddress

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render

from summaries.security.client_ip import client_ip, rate_limit_key

# Requests with no address to read (Django's force_login, a misconfigured proxy) share one count.
UNKNOWN_ADDRESS = "0.0.0.0"


def login_address(request) -> str:
    """An address, not a network: django-axes keeps it in a GenericIPAddressField (inet on PostgreSQL).

    An IPv6 client counts as the first address of its /64, the same unit as the rate limits.
    """
    unit = rate_limit_key(client_ip(request)).split("/", 1)[0]
    try:
        return str(ipaddress.ip_address(unit))
    except ValueError:
        return UNKNOWN_ADDRESS


def lockout_page(request, original_response=None, credentials=None):
    """The page a refused login gets: what happened, and for how long (django-axes' lockout callable)."""
    context = {
        "site_header": admin.site.site_header,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(round(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
