"""GET /metrics: Prometheus's text format, only for a scraper holding METRICS_TOKEN.

A bearer token rather than a port bound to localhost: the web process already listens where
Prometheus can reach it, on every machine, and one header is all a scrape config needs. With no
token set the address does not exist (404); a wrong or missing token gets 401.
"""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from summaries.observability.metrics import instruments


def _bearer_token(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _exposition() -> tuple[bytes, str]:
    instruments()  # the multiprocess folder is set before prometheus-client is first imported
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

    from summaries.observability.metrics_scrape import PipelineStateCollector

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(settings.PROMETHEUS_MULTIPROC_DIR))
    registry.register(PipelineStateCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


@require_safe
def metrics(request):
    if not settings.METRICS_TOKEN:
        raise Http404("Metrics are off.")
    if not hmac.compare_digest(_bearer_token(request).encode(), settings.METRICS_TOKEN.encode()):
        return HttpResponse(status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body, content_type = _exposition()
    return HttpResponse(body, content_type=content_type, headers={"Cache-Control": "no-store"})
