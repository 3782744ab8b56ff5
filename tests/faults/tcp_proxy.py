"""A TCP proxy between the product and a server, which a test can cut or freeze.

cut(): existing connections are dropped and new ones refused, as when a server goes away.
freeze(): connections stay open and are even accepted, but no byte gets through, as with a
server that hangs. restore()/thaw() undo them. Used for PostgreSQL and RabbitMQ, which are
shared by other test runs and must never be stopped themselves.
"""

import socket
import threading
from urllib.parse import urlsplit, urlunsplit

from tests.integration.ports import free_port


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, listen_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.listen_host = listen_host
        self.port = free_port()
        self._links: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()
        self._listener: socket.socket | None = None

    @classmethod
    def in_front_of(cls, url: str, listen_host: str = "127.0.0.1") -> "TcpProxy":
        parts = urlsplit(url)
        return cls(parts.hostname, parts.port, listen_host)

    def url_for(self, url: str) -> str:
        """`url` with its host and port replaced by the proxy's."""
        parts = urlsplit(url)
        userinfo, at, _ = parts.netloc.rpartition("@")
        return urlunsplit(parts._replace(netloc=f"{userinfo}{at}{self.listen_host}:{self.port}"))

    def start(self) -> "TcpProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.listen_host, self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    restore = start

    def cut(self) -> None:
        if self._listener is not None:
            _close(self._listener)
            self._listener = None
        with self._lock:
            links, self._links = self._links, set()
        for sock in links:
            _close(sock)

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    stop = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._links.update((client, upstream))
            for source, destination in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, destination), daemon=True).start()

    def _pump(self, source: socket.socket, destination: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, destination):
                _close(sock)
                with self._lock:
                    self._links.discard(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
