"""What django-axes counts a failed admin login against: the username, and the address here.

The address is the one the submit rate limits count (security/client_ip.py): the proxy's header
only when CLIENT_IP_HEADER trusts it, and IPv6 as its /64, so that one person cannot step
through the billions of addresses of one network to get more guesses.
"""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render

from summaries.security.client_ip import client_ip, rate_limit_key


def login_address(request) -> str:
    return rate_limit_key(client_ip(request))


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
