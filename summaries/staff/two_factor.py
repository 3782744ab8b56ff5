"""With ADMIN_REQUIRE_2FA, a staff member who has only given their password sees nothing of the admin.

django-otp's middleware tells whether this session was verified with a second factor; this one
sends an unverified staff session to the code page (or to enrolment, on the first login) for
every admin address but the two-factor pages themselves and logging out.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def admin_prefix() -> str:
    return "/" + settings.ADMIN_URL


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_verify(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('staff:two_factor')}?{query}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request) -> bool:
        if not settings.ADMIN_REQUIRE_2FA or not request.path.startswith(admin_prefix()):
            return False
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():
            return False
        exempt = (reverse("staff:two_factor"), reverse("staff:enrol"), reverse("admin:logout"))
        return not request.path.startswith(exempt)
