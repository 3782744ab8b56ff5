"""Sentry, when SENTRY_DSN is set: errors of the web and the workers, without anyone's answers.

Personal data off (no cookies, users or client addresses), no local variables in stack frames
(a frame of the pipeline holds the answers, the PDF and the email), and before each event leaves
the process, the form's answers are taken out of the request and every address still in a
message is replaced, as in the logs. Imported only when a DSN is set.
"""

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from summaries.security.redaction import redact_addresses

FILTERED = "[Filtered]"
# The form's fields (summaries/forms.py), the honeypot among them: none may leave in an event.
FORM_FIELDS = frozenset({"email", "name", "about", "hobby", "color", "saying", "dream_job", "website"})


def start_error_reports(dsn: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )


def scrub_event(event: dict[str, Any], _hint: dict | None = None) -> dict[str, Any]:
    request = event.get("request") or {}
    if "data" in request:
        data = request["data"]
        request["data"] = (
            {key: FILTERED if key in FORM_FIELDS else value for key, value in data.items()}
            if isinstance(data, dict)
            else FILTERED
        )
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = redact_addresses(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    if isinstance(event.get("message"), str):
        event["message"] = redact_addresses(event["message"])
    logentry = event.get("logentry") or {}
    if isinstance(logentry.get("message"), str):
        logentry["message"] = redact_addresses(logentry["message"])
    if "params" in logentry:
        logentry["params"] = [redact_addresses(str(param)) for param in logentry["params"]]
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        scrub_breadcrumb(crumb)
    return event


def scrub_breadcrumb(crumb: dict[str, Any], _hint: dict | None = None) -> dict[str, Any]:
    if isinstance(crumb.get("message"), str):
        crumb["message"] = redact_addresses(crumb["message"])
    return crumb
