"""kombu's Redis transport, where a message that is not a kombu message is dropped, not fatal.

The stock transport takes a message off the list (BRPOP) and decodes its envelope in the
worker's event loop, outside Celery's handling of bad messages: anything that is not a JSON
kombu envelope (a stray LPUSH, a half-migrated producer) raises there and stops the worker
("Unrecoverable error"), and every submission behind it waits until someone restarts it. By
then the message is already off the list, so stopping saves nothing; here it is logged, with
its error's type only (never its content, which may hold personal data), and the worker goes
on. The row is the truth: a real submission whose message this was is published again by the
sweep. Upstream: celery/celery#4308 ("Worker dies if unable to decode a message"); this module
can go once kombu's `_brpop_read` hands such a message to the consumer's decode-error handler.
"""

import logging
from queue import Empty

from kombu.transport import redis

logger = logging.getLogger("summaries.poison")


class NotAKombuMessage(Exception):
    """JSON, but not a kombu envelope: kombu would raise KeyError, which it takes for a lost connection."""


class Channel(redis.Channel):
    def _brpop_read(self, **options):
        try:
            return super()._brpop_read(**options)
        except (Empty, *self.connection.connection_errors, *self.connection.channel_errors):
            raise
        except Exception as exc:  # noqa: BLE001 - the message is off the list: log it and go on
            logger.error("dropped a message from Redis that is not a kombu message: %s", type(exc).__name__)
            # What the transport raises when a read brought no message: the loop polls again.
            raise Empty() from None


class Transport(redis.Transport):
    Channel = Channel

    def _deliver(self, message, queue):
        properties = message.get("properties") if isinstance(message, dict) else None
        if not isinstance(properties, dict) or "delivery_tag" not in properties:
            raise NotAKombuMessage()
        super()._deliver(message, queue)
