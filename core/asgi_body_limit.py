"""Under ASGI, a request body is read only up to MAX_REQUEST_BODY_BYTES, never in full.

Django's ASGI handler reads the whole body (spooling it to disk past
FILE_UPLOAD_MAX_MEMORY_SIZE) before any middleware runs, so without this an oversize upload
would be stored before summaries/security/body_limit.py could refuse it. Here a declared
Content-Length over the limit reads no body at all, and a body without one stops after one
byte more than the limit; the middleware then answers 413 as it does under WSGI.
"""

from collections.abc import Awaitable, Callable

Receive = Callable[[], Awaitable[dict]]
END_OF_BODY = {"type": "http.request", "body": b"", "more_body": False}


def declared_length(scope: dict) -> int:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


class BodyLimit:
    def __init__(self, app, *, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        return await self.app(scope, self.capped(receive, declared=declared_length(scope)), send)

    def capped(self, receive: Receive, *, declared: int) -> Receive:
        received = 0
        cut_short = False

        async def receive_at_most_the_limit() -> dict:
            nonlocal received, cut_short
            if cut_short:
                # Once the body is over, Django only listens for the client leaving: pass that
                # on, and drop whatever rest of the oversize body the client still sends.
                while (message := await receive())["type"] == "http.request":
                    pass
                return message
            if declared > self.limit:
                cut_short = True
                return END_OF_BODY
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    cut_short = True
                    return {**message, "more_body": False}
            return message

        return receive_at_most_the_limit
