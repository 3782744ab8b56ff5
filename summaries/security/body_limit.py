"""Requests with a body over MAX_REQUEST_BODY_BYTES get a clear 413 page, never a 500 or a parse.

Checked before any view or the CSRF check touches the body: a declared Content-Length over the
limit is refused without reading a byte, and a body that turns out longer than declared is
caught by Django's own DATA_UPLOAD_MAX_MEMORY_SIZE check, set to the same limit.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render


def declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if declared_length(request) > settings.MAX_REQUEST_BODY_BYTES:
            return self.too_large(request)
        try:
            # Read (at most the limit) now, so an oversize body is a 413 here rather than a
            # RequestDataTooBig deep inside the CSRF check, which Django turns into a 400.
            request.body  # noqa: B018 - reading is the point
        except RequestDataTooBig:
            return self.too_large(request)
        return self.get_response(request)

    @staticmethod
    def too_large(request):
        limit_kib = settings.MAX_REQUEST_BODY_BYTES // 1024
        # No Connection: close here: WSGI forbids hop-by-hop headers, and the server itself
        # discards or refuses the unread rest of the body.
        return render(request, "summaries/too_large.html", {"limit_kib": limit_kib}, status=413)
