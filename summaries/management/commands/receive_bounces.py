"""The `bounces` process: receive the mail server's bounce reports (summaries/bounce_receiver.py)."""

import asyncio
import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from summaries.bounce_receiver import serve


class Command(BaseCommand):
    help = "Receive bounces over SMTP (or LMTP) on BOUNCE_HOST:BOUNCE_PORT and mark their submissions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lmtp", action="store_true", help="Speak LMTP instead of SMTP (Postfix's lmtp transport)."
        )

    def handle(self, *args, lmtp: bool, **options):
        if not settings.BOUNCE_DOMAIN:
            raise CommandError("BOUNCE_DOMAIN is not set: no email carries a bounce address for this process.")
        # aiosmtpd logs every command at INFO, addresses included; our own log lines name none.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        asyncio.run(
            serve(
                host=settings.BOUNCE_HOST,
                port=settings.BOUNCE_PORT,
                lmtp=lmtp,
                max_bytes=settings.BOUNCE_MAX_BYTES,
                max_per_minute=settings.BOUNCE_MAX_PER_MINUTE,
            )
        )
