"""The `celery worker` program of this product: Celery's own, without its heartbeat events, gossip and mingle.

Set here, in the app (core/celery.py), so that every way of starting a worker gets it, not only
the command lines this repository writes. The product keeps its own heartbeat (a row per
worker, summaries/worker_heartbeat.py) and needs nothing from other workers. Celery's heartbeat
event is a publish on the worker's event loop which, with RabbitMQ's publisher confirms, waits
for its confirm with no time limit: under a memory or disk alarm RabbitMQ never sends it, and
the whole worker (consuming, the relay, the heartbeat row) stood still until the alarm cleared
(tests/faults/test_memory_limits.py). Gossip and mingle publish on that loop too.
"""

from celery.apps.worker import Worker as CeleryWorker

WITHOUT = {"without_heartbeat": True, "without_gossip": True, "without_mingle": True}


class Worker(CeleryWorker):
    def prepare_args(self, **kwargs):
        return {**super().prepare_args(**kwargs), **WITHOUT}
