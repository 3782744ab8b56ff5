"""Clients that hold a web server's connections: slowloris senders and idle keep-alive ones.

All on loopback, bounded in count and in time: `SlowClients.start()` opens them, a single
thread trickles a byte to each trickling connection every `interval` seconds, and `stop()`
(or the deadline) closes them all.
"""

import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class SlowClients:
    port: int
    slow_headers: int = 100
    slow_bodies: int = 100
    idle_keep_alive: int = 200
    interval: float = 1.0
    deadline_seconds: float = 300.0
    trickling: list = field(default_factory=list)
    idle: list = field(default_factory=list)
    refused: int = 0

    def _connect(self) -> socket.socket | None:
        try:
            return socket.create_connection(("127.0.0.1", self.port), timeout=10)
        except OSError:
            self.refused += 1
            return None

    def start(self) -> "SlowClients":
        host = f"Host: 127.0.0.1:{self.port}\r\n"
        for _ in range(self.slow_headers):
            # A request line and a first header, then one more header line, a byte at a time, forever.
            self._trickle(f"GET / HTTP/1.1\r\n{host}User-Agent: slow\r\n".encode())
        for _ in range(self.slow_bodies):
            # Complete headers announcing a body that arrives a byte at a time.
            head = f"POST / HTTP/1.1\r\n{host}Content-Type: application/x-www-form-urlencoded\r\n"
            self._trickle(f"{head}Content-Length: 4000\r\n\r\nname=".encode())
        for _ in range(self.idle_keep_alive):
            connection = self._connect()
            if connection is None:
                continue
            # One whole request kept alive, then silence: the connection stays open and idle.
            connection.sendall(f"GET / HTTP/1.1\r\n{host}Connection: keep-alive\r\n\r\n".encode())
            self.idle.append(connection)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _trickle(self, opening: bytes) -> None:
        connection = self._connect()
        if connection is not None:
            connection.sendall(opening)
            self.trickling.append(connection)

    def _run(self) -> None:
        ends = time.monotonic() + self.deadline_seconds
        while not self._stop.wait(self.interval) and time.monotonic() < ends:
            for connection in self.trickling:
                try:
                    connection.send(b"a")
                except OSError:
                    pass

    def open_connections(self) -> int:
        """How many of the slow and idle connections the server has not closed."""
        still_open = 0
        for connection in self.trickling + self.idle:
            try:
                connection.setblocking(False)
                data = connection.recv(65536, socket.MSG_PEEK)
                still_open += 1 if data else 0
            except BlockingIOError:
                still_open += 1
            except OSError:
                pass
            finally:
                connection.setblocking(True)
        return still_open

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for connection in self.trickling + self.idle:
            connection.close()
