"""A staff session that has passed both steps, for tests of what the admin shows."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def log_in_with_two_factors(client, user) -> None:
    device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
