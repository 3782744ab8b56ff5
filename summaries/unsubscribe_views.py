"""HTTP only: the one-click stop link (services/unsubscribe.py).

Exempt from CSRF, alone among our forms: a mail client's one-click POST (RFC 8058) carries no
cookie and no CSRF token, and the signed token in the address is the proof instead. The worst
a forged cross-site POST could do is what the link's holder may do anyway: stop our emails to
that one address.
"""

from django.core import signing
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from summaries.services.unsubscribe import hash_in_token, is_unsubscribed, unsubscribe


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_address(request, token: str):
    try:
        hashed = hash_in_token(token)
    except signing.BadSignature:
        return render(request, "summaries/unsubscribe_invalid.html", status=400)
    # Following the link only shows a button: mail scanners open links, but do not press buttons.
    if request.method == "POST":
        unsubscribe(hashed)
    context = {"token": token, "unsubscribed": is_unsubscribed(hashed)}
    response = render(request, "summaries/unsubscribe.html", context)
    response["Cache-Control"] = "no-store"
    return response
