"""The reason a failed submission shows, in the reader's language.

The row keeps the reason in English (`last_error`): it is the operators' record, read in the
admin and the logs, and a row must not change language with whoever looks at it. Each reason the
pipeline writes starts with one of the fixed texts below, its code; the rest (an SMTP reply, an
exception's name) is the other side's own words and is shown as it came. A reason written by
anything else is shown as stored.
"""

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Stored beginning (services/pipeline.py, services/emailing.py) -> what the person reads.
REASONS = {
    "Rendering took too long.": _("Creating the PDF took too long."),
    "Rendering failed:": _("Creating the PDF failed:"),
    "The mail server took too long to answer.": _("The mail server took too long to answer."),
    "The mail server refused the address:": _("The mail server refused the address:"),
    "The mail server refused our login:": _("The mail server refused our login:"),
    "The mail server answered": _("The mail server answered"),
    "Could not reach the mail server:": _("Could not reach the mail server:"),
}
# services/pipeline.py adds this once the retries are spent.
_GAVE_UP = re.compile(r"\s*Gave up after (\d+) attempts\.$")


def reason_for_person(stored: str) -> str:
    """`stored` (a row's last_error) in the active language, as far as its fixed parts go."""
    gave_up = _GAVE_UP.search(stored)
    reason = stored[: gave_up.start()] if gave_up else stored
    for code, text in REASONS.items():
        if reason.startswith(code):
            reason = f"{text}{reason[len(code) :]}"
            break
    if gave_up:
        attempts = int(gave_up.group(1))
        given_up = ngettext("Gave up after %(count)d attempt.", "Gave up after %(count)d attempts.", attempts)
        reason = f"{reason} {given_up % {'count': attempts}}"
    return reason
