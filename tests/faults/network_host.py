"""A worker "host" of its own on the network: a network namespace joined to ours by a veth pair.

The test can pull its cable (the link goes down: packets are lost, no connection is told) and
plug it back in. Processes run inside it with `ip netns exec`; they reach the services through
TCP proxies (tests/faults/tcp_proxy.py) listening on our end of the pair. Needs root (CI runs
as root) and iproute2.
"""

import os
import random
import shutil
import subprocess
import uuid

from tests.integration.services import require


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)


class NetworkHost:
    def __init__(self):
        require("root and iproute2, to make a network namespace", os.geteuid() == 0 and shutil.which("ip"))
        tag = uuid.uuid4().hex[:6]
        self.namespace = f"faults-{tag}"
        self.our_link, self.their_link = f"vf{tag}a", f"vf{tag}b"
        # A /30 of its own, unlikely to meet another test's.
        prefix = f"10.{random.randint(64, 127)}.{random.randint(0, 255)}.{random.randrange(0, 256, 4)}"
        base = prefix.rsplit(".", 1)
        self.our_address = f"{base[0]}.{int(base[1]) + 1}"
        self.their_address = f"{base[0]}.{int(base[1]) + 2}"

    def create(self) -> "NetworkHost":
        _ip("netns", "add", self.namespace)
        _ip("link", "add", self.our_link, "type", "veth", "peer", "name", self.their_link)
        _ip("link", "set", self.their_link, "netns", self.namespace)
        _ip("addr", "add", f"{self.our_address}/30", "dev", self.our_link)
        _ip("link", "set", self.our_link, "up")
        inside = ["netns", "exec", self.namespace, "ip"]
        _ip(*inside, "addr", "add", f"{self.their_address}/30", "dev", self.their_link)
        _ip(*inside, "link", "set", self.their_link, "up")
        _ip(*inside, "link", "set", "lo", "up")
        return self

    def inside(self, argv: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.namespace, *argv]

    def cut(self) -> None:
        """The cable pulled: nothing gets through either way, and no one is told."""
        _ip("link", "set", self.our_link, "down")

    def heal(self) -> None:
        _ip("link", "set", self.our_link, "up")

    def destroy(self) -> None:
        subprocess.run(["ip", "link", "del", self.our_link], capture_output=True, timeout=30)
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True, timeout=30)
