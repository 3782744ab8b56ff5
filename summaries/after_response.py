"""Work a request leaves until its response has reached the client.

Publishing a submission's message is a broker round trip the person waiting for the page
does not need: the row is committed already, and should this process die before publishing,
the sweep publishes it (SUBMISSION_REQUEUE_AFTER_SECONDS), as for any lost message. Inside a
request (RunAfterResponseMiddleware) such work is held until Django sends request_finished,
which the WSGI server triggers once it has sent the response; outside a request it runs at once.
"""

import logging
import threading
from collections.abc import Callable

from django.core.signals import request_finished

logger = logging.getLogger("summaries.after_response")

# One request at a time per thread, in sync WSGI servers and in threaded ones alike.
_held = threading.local()


def run_after_response(work: Callable[[], object]) -> None:
    pending = getattr(_held, "pending", None)
    if pending is None:
        work()
    else:
        pending.append(work)


def _run_held(**_signal) -> None:
    pending, _held.pending = getattr(_held, "pending", None), None
    for work in pending or ():
        try:
            work()
        except Exception:  # noqa: BLE001 - one failed piece of work must not skip the others
            logger.exception("work held until after the response failed")


request_finished.connect(_run_held, dispatch_uid="summaries.after_response.run_held")


class RunAfterResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Anything a previous request left (its response never closed) runs now, not never.
        _run_held()
        _held.pending = []
        return self.get_response(request)
