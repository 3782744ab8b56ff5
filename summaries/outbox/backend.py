"""An email backend that writes each message to OUTBOX_DIR as an .eml file instead of sending it.

Files rather than Django's in-memory backend, because the worker process sends and the web
process shows: a folder both can see is the simplest thing they share.
"""

import os
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        outbox = settings.OUTBOX_DIR
        outbox.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            final = outbox / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            partial = final.with_suffix(".partial")
            try:
                partial.write_bytes(message.message().as_bytes(linesep="\r\n"))
                # Renamed into place whole, so the outbox page never shows half a message.
                os.replace(partial, final)
            except OSError:
                # A full disk: the send is retried later, and half a message would only take space.
                partial.unlink(missing_ok=True)
                raise
        return len(email_messages)
