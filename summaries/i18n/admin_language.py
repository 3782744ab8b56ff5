"""The admin stays in English, whatever language the signed-in person's browser asks for.

What the admin shows beside Django's own words is the operators' record: statuses, events and
the errors the worker and the mail server wrote, all in English. A page half in German and half
in English helps nobody, and one language for the staff side means one set of words in runbooks.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation


class AdminInDefaultLanguageMiddleware:
    """After LocaleMiddleware: undo its choice on the admin's pages only."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix: str | None = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if request.path_info.startswith(self.admin_prefix):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
