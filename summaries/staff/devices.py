"""A staff member's second factor: an authenticator app (TOTP) and a sheet of recovery codes.

Enrolment is two steps: an unconfirmed TOTP device is made and shown as a QR code, and it counts
only once a code from the app proves the person holds the secret. Confirming it also issues the
recovery codes (django-otp's static device), each good for one login without the app.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"


def has_authenticator(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user: AbstractBaseUser) -> TOTPDevice:
    """The device being enrolled: the same secret on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG: paths only, no script or style, so the CSP holds."""
    # Imported here, on the enrolment page only: qrcode loads Pillow (and its HarfBuzz), which
    # the web process otherwise never needs (summaries/tests/test_web_warmup.py).
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=16)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - made here, from our own data


def confirm_authenticator(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; the new recovery codes, or None for a wrong code."""
    if not device.verify_token(code):
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return replace_recovery_codes(device.user)


def replace_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """A fresh sheet of recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def device_accepting(user: AbstractBaseUser, code: str) -> Device | None:
    """The confirmed device (the app, or a recovery code, used up) that accepts `code`, if any.

    Each device is asked on its own, so that each applies its own throttle to wrong guesses.
    """
    code = "".join(code.split()).lower()
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if device.verify_token(code):
            return device
    return None


def reset_devices(user: AbstractBaseUser) -> int:
    """Forget every second factor of `user` (a lost phone): they enrol again at their next login."""
    deleted = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        deleted += 1
    return deleted
