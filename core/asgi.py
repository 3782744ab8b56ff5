"""The web process's application (Procfile: gunicorn's asyncio `asgi` worker).

The event loop reads every request, headers and body, before a thread runs the view: a client
that trickles its request or sits idle on a kept-alive connection holds a socket, not a worker
(docs/deploy.md, "In front of the internet").
"""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
# Each request's view runs in a thread of its own: the settings then close each request's
# database connection when it ends, so no thread's connection outlives it (core/settings.py).
os.environ["WEB_SERVES_ASGI"] = "true"
django_application = get_asgi_application()

from core.asgi_body_limit import BodyLimit  # noqa: E402 - needs the settings loaded above
from summaries.web_warmup import warm_up_web  # noqa: E402 - needs the apps loaded above

application = BodyLimit(django_application, limit=settings.MAX_REQUEST_BODY_BYTES)
warm_up_web()
