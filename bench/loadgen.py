"""A real HTTP load generator: client threads, each posting the form over its own connections.

Each client gets the form once (its CSRF cookie and token, as a browser would), then posts
the answers as often as asked, timing every request from connect to the last byte of the
answer. gunicorn's sync workers close each connection, so every request opens a new one.
"""

import http.client
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from tests.integration.stack import VALID_ANSWERS

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0


class Client:
    def __init__(self, port: int, *, language: str | None = None):
        self.port = port
        # The browser's Accept-Language, sent with every request (None: no header, as before).
        self.language_header = {"Accept-Language": language} if language else {}
        self.cookie, self.token = self._csrf()

    def _request(self, method: str, path: str, body: str = "", headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers={**self.language_header, **(headers or {})})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()

    def _csrf(self) -> tuple[str, str]:
        response, body = self._request("GET", "/")
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        return cookie, _TOKEN.search(body.decode()).group(1)

    def post(self, path: str, email: str) -> tuple[float, str | None]:
        """POST the answers; returns the latency and, if it was not the expected redirect, why."""
        body = urllib.parse.urlencode({**VALID_ANSWERS, "email": email, "csrfmiddlewaretoken": self.token})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        started = time.perf_counter()
        try:
            response, _ = self._request("POST", path, body, headers)
        except OSError as exc:
            return time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
        return elapsed, None if response.status == 302 else f"HTTP {response.status}"


def run(clients: list[Client], requests_per_client: int, path: str, email_for) -> Outcome:
    """Every client posts `requests_per_client` times from its own thread, all starting together.

    email_for(client_index, request_index) gives each submission its address.
    """
    outcome = Outcome()
    lock = threading.Lock()
    start = threading.Barrier(len(clients) + 1)

    def work(index: int, client: Client) -> None:
        start.wait()
        for request_index in range(requests_per_client):
            latency, failure = client.post(path, email_for(index, request_index))
            with lock:
                outcome.latencies.append(latency)
                if failure:
                    outcome.failures.append(failure)

    threads = [threading.Thread(target=work, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    outcome.started = time.time()
    for thread in threads:
        thread.join()
    outcome.finished = time.time()
    return outcome
