"""Warm a web process up before it takes requests, so its first submit is as fast as the next.

A fresh process pays, on its first submit, for compiling the form's validators and its
templates. None of it needs the database, so it is done when the WSGI application loads
(core/wsgi.py). The web does not publish to the broker (services/relay.py), so there is no
transport to load.
"""

import logging

from django.template.loader import get_template

from summaries.forms import SubmissionForm

logger = logging.getLogger("summaries.warmup")

SAMPLE_ANSWERS = {
    "email": "warm-up@example.com",
    "name": "Warm Up",
    "about": "A sample submission, validated once when a web process starts.",
    "hobby": "Typesetting",
    "color": "Blue",
}


def warm_up_web() -> None:
    try:
        SubmissionForm(data=SAMPLE_ANSWERS).is_valid()
        for name in ("summaries/form.html", "summaries/status.html"):
            get_template(name)
    except Exception:  # noqa: BLE001 - a failed warm-up only costs the first request its speed
        logger.exception("web warm-up failed; the first request will do it")
