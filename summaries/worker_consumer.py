"""The worker's consumer, reporting bad messages without their content.

Celery's own consumer logs a message it cannot use (not decodable, an unknown task, an invalid
one) with its full body and headers, which for this product would put answers or addresses in
the logs. Here each is logged with what identifies it and no content: the task name, the
message id, the queue, the body's size and the error's type. It is then acknowledged (or
rejected without requeue) as Celery does, so the queue behind it keeps flowing. Selected by
CELERY_WORKER_CONSUMER in core/settings.py.
"""

import logging

from celery import signals
from celery.worker.consumer import Consumer as CeleryConsumer

logger = logging.getLogger("summaries.poison")

# A task name comes from the message: long enough to recognise one, short enough to hold no essay.
NAME_LENGTH = 100


def describe(message) -> str:
    """What identifies a message, and nothing of its content."""
    headers = message.headers if isinstance(message.headers, dict) else {}
    delivery_info = message.delivery_info if isinstance(message.delivery_info, dict) else {}
    return "task={} id={} queue={} body={}b".format(
        str(headers.get("task", "-"))[:NAME_LENGTH],
        str(headers.get("id", "-"))[:NAME_LENGTH],
        delivery_info.get("routing_key", "-"),
        len(message.body or b""),
    )


class Consumer(CeleryConsumer):
    def on_decode_error(self, message, exc):
        logger.error("dropped a message that cannot be decoded (%s): %s", type(exc).__name__, describe(message))
        message.ack()

    def on_unknown_message(self, body, message):
        logger.error("dropped a message that is not a task: %s", describe(message))
        message.reject_log_error(logger, self.connection_errors)
        signals.task_rejected.send(sender=self, message=message, exc=None)

    def on_unknown_task(self, body, message, exc):
        logger.error("dropped a message for an unknown task: %s", describe(message))
        message.reject_log_error(logger, self.connection_errors)
        headers = message.headers if isinstance(message.headers, dict) else {}
        signals.task_unknown.send(sender=self, message=message, exc=exc, name=headers.get("task"), id=headers.get("id"))

    def on_invalid_task(self, body, message, exc):
        logger.error("dropped an invalid task message (%s): %s", type(exc).__name__, describe(message))
        message.reject_log_error(logger, self.connection_errors)
        signals.task_rejected.send(sender=self, message=message, exc=exc)
