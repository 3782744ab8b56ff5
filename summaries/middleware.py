"""A database that cannot be reached, or can only read, gets a clear 503 page, not a 500 with a traceback."""

import logging

from django.shortcuts import render

from summaries.database_errors import database_unavailable

logger = logging.getLogger("summaries.availability")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            logger.error("database unavailable: %s", type(exception).__name__)
            response = render(request, "summaries/unavailable.html", status=503)
            response["Retry-After"] = "30"
            return response
        return None
