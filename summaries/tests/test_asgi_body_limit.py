"""Under ASGI an oversize body is never read in full (core/asgi_body_limit.py)."""

import asyncio

from core.asgi_body_limit import BodyLimit


def read_everything(headers: list, chunks: list[bytes]) -> tuple[bytes, int]:
    """What the application reads through BodyLimit(limit=10), and how many chunks the client was asked for."""
    asked = 0

    async def receive():
        nonlocal asked
        asked += 1
        body = chunks[asked - 1] if asked <= len(chunks) else b""
        return {"type": "http.request", "body": body, "more_body": asked < len(chunks)}

    read = bytearray()

    async def app(scope, receive, send):
        while True:
            message = await receive()
            read.extend(message.get("body", b""))
            if not message.get("more_body"):
                return

    asyncio.run(BodyLimit(app, limit=10)({"type": "http", "headers": headers}, receive, None))
    return bytes(read), asked


def test_a_body_within_the_limit_is_read_whole():
    assert read_everything([(b"content-length", b"8")], [b"1234", b"5678"]) == (b"12345678", 2)


def test_a_declared_length_over_the_limit_reads_nothing():
    assert read_everything([(b"content-length", b"5000")], [b"x" * 1000] * 5) == (b"", 0)


def test_an_undeclared_body_stops_just_past_the_limit():
    read, asked = read_everything([], [b"x" * 6] * 100)
    assert (len(read), asked) == (12, 2)


def test_after_a_cut_short_body_the_application_hears_only_the_client_leaving():
    # Django listens for a disconnect once it has the body; more body is not what it expects.
    messages = iter(
        [{"type": "http.request", "body": b"x" * 1000, "more_body": True}] * 3 + [{"type": "http.disconnect"}]
    )

    async def receive():
        return next(messages)

    heard = []

    async def app(scope, receive, send):
        heard.append(await receive())
        heard.append(await receive())

    asyncio.run(BodyLimit(app, limit=10)({"type": "http", "headers": [(b"content-length", b"3000")]}, receive, None))
    assert heard == [{"type": "http.request", "body": b"", "more_body": False}, {"type": "http.disconnect"}]
