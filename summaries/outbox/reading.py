"""Reading captured .eml files back for the outbox pages."""

import email
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings

NAME_PATTERN = re.compile(r"^[0-9TZ]+-[0-9a-f]{8}\.eml$")


@dataclass
class CapturedEmail:
    name: str
    message: EmailMessage

    @property
    def subject(self) -> str:
        return self.message["Subject"] or ""

    @property
    def to(self) -> str:
        return self.message["To"] or ""

    @property
    def date(self) -> datetime | None:
        try:
            return parsedate_to_datetime(self.message["Date"])
        except (TypeError, ValueError):
            return None

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""

    def attachments(self) -> list[EmailMessage]:
        return list(self.message.iter_attachments())

    def attachment_names(self) -> list[str]:
        # For templates: a message part looks its attributes up as headers, so they never see get_filename.
        return [part.get_filename() or "attachment" for part in self.attachments()]


def _load(path: Path) -> CapturedEmail:
    with path.open("rb") as handle:
        return CapturedEmail(path.name, email.message_from_binary_file(handle, policy=policy.default))


def list_captured(limit: int = 200) -> list[CapturedEmail]:
    outbox = Path(settings.OUTBOX_DIR)
    if not outbox.is_dir():
        return []
    names = sorted((p.name for p in outbox.iterdir() if NAME_PATTERN.match(p.name)), reverse=True)
    return [_load(outbox / name) for name in names[:limit]]


def get_captured(name: str) -> CapturedEmail | None:
    # The name is checked against the pattern, so no path outside the outbox can be asked for.
    if not NAME_PATTERN.match(name):
        return None
    path = Path(settings.OUTBOX_DIR) / name
    return _load(path) if path.is_file() else None
