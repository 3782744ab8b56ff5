"""Reading a delivery status notification (RFC 3464) with the standard library's email package.

Chosen over flufl.bounce because the VERP address already says which submission bounced, so
what is needed from the report is only the per-recipient Action, Status and Diagnostic-Code,
which the email package parses as they are (message/delivery-status becomes a list of header
blocks). flufl.bounce's strength is guessing the failed addresses from many non-standard
formats, and it does not return the status or the diagnostic. Postfix, Exim, Sendmail and the
hosted providers all send RFC 3464 reports; one that is not a report is not a bounce here.
"""

import re
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser

STATUS = re.compile(r"^([245])\.\d{1,3}\.\d{1,3}$")
DIAGNOSTIC_MAX_CHARS = 500


class NotABounce(Exception):
    """A message that reports no failure: an out-of-office reply, a success notice, a stray email."""


class MalformedReport(Exception):
    """A delivery report whose parts or fields cannot be read."""


@dataclass(frozen=True)
class DeliveryReport:
    action: str  # "failed" (the server gave up) or "delayed" (it is still trying)
    status: str  # e.g. "5.1.1"
    diagnostic: str  # the remote server's words, e.g. "smtp; 550 5.1.1 <...>: Recipient address rejected"

    @property
    def permanent(self) -> bool:
        return self.action == "failed" and self.status.startswith("5")

    @property
    def summary(self) -> str:
        return f"{self.status} {self.diagnostic}".strip()


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())[:DIAGNOSTIC_MAX_CHARS]


def read_report(raw: bytes) -> DeliveryReport:
    """The first failed or delayed recipient of a report; NotABounce or MalformedReport otherwise."""
    try:
        message = BytesParser(policy=policy.compat32).parsebytes(raw)
    except Exception as exc:  # noqa: BLE001 - whatever the parser trips on, the input is at fault
        raise MalformedReport(type(exc).__name__) from exc
    if message.get_content_type() != "multipart/report":
        raise NotABounce("not a multipart/report")
    if (message.get_param("report-type") or "").lower() != "delivery-status":
        raise NotABounce("a report of another kind")
    status_part = next((part for part in message.walk() if part.get_content_type() == "message/delivery-status"), None)
    blocks = status_part.get_payload() if status_part is not None else None
    # The first block is about the message, each later one about one recipient.
    if not isinstance(blocks, list) or len(blocks) < 2:
        raise MalformedReport("no per-recipient fields")
    for block in blocks[1:]:
        action = _one_line(block.get("Action")).lower()
        if action not in ("failed", "delayed"):
            continue
        status = _one_line(block.get("Status")).split(" ")[0]
        if not STATUS.match(status):
            raise MalformedReport("a failed recipient without a valid Status")
        return DeliveryReport(action=action, status=status, diagnostic=_one_line(block.get("Diagnostic-Code")))
    raise NotABounce("no failed or delayed recipient")
