"""Forget a staff member's authenticator app and recovery codes (a lost phone).

At their next login, after the password, they enrol a new app from its QR code.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from summaries.staff.devices import reset_devices


class Command(BaseCommand):
    help = "Remove a user's two-factor devices, so that they enrol again at their next login."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        removed = reset_devices(user)
        self.stdout.write(f"Removed {removed} two-factor device(s) of {username}; they enrol again at next login.")
