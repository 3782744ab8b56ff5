"""The second step of a staff login: a code from the authenticator app, or enrolling one.

Both pages need a password login first. Enrolment is only offered while the account has no
confirmed authenticator: a password alone must never replace an enrolled device (a reset is the
`reset_two_factor` command, run by someone with access to the servers).
"""

from base64 import b32encode

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from summaries.staff.devices import (
    confirm_authenticator,
    device_accepting,
    has_authenticator,
    pending_authenticator,
    qr_code_svg,
)
from summaries.staff.forms import OneTimeCodeForm


def _wrong_code() -> str:
    return _("That code is not right, or came too soon after a wrong one. Wait for the next code and try again.")


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("admin:index")


def _page(request, template: str, context: dict, status: int = 200):
    context = {"site_header": admin.site.site_header, "next": _next_url(request), **context}
    return render(request, template, context, status=status)


def _staff_only(view):
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active and request.user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@_staff_only
def two_factor(request):
    if not has_authenticator(request.user):
        return redirect(f"{reverse('staff:enrol')}?{urlencode({'next': _next_url(request)})}")
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = device_accepting(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _wrong_code())
    context = {"form": form, "title": _("Two-factor check")}
    return _page(request, "admin/two_factor/verify.html", context, status=400 if form.is_bound else 200)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@_staff_only
def enrol(request):
    if has_authenticator(request.user):
        return redirect(f"{reverse('staff:two_factor')}?{urlencode({'next': _next_url(request)})}")
    device = pending_authenticator(request.user)
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        recovery_codes = confirm_authenticator(device, "".join(form.cleaned_data["code"].split()))
        if recovery_codes is not None:
            otp_login(request, device)
            context = {"recovery_codes": recovery_codes, "title": _("Your recovery codes")}
            return _page(request, "admin/two_factor/recovery_codes.html", context)
        form.add_error("code", _("That code is not right. Check the app shows the new account, and try again."))
    context = {
        "form": form,
        "title": _("Set up two-factor login"),
        "qr_code": qr_code_svg(device),
        # For typing into an app that cannot scan.
        "secret": b32encode(device.bin_key).decode(),
    }
    return _page(request, "admin/two_factor/enrol.html", context, status=400 if form.is_bound else 200)
