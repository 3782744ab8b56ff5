"""A small filesystem of the test's own (tmpfs), which the test fills to the last byte and empties again.

Mounting needs root (CI runs as root); elsewhere the tests that use it skip, saying why.
"""

import errno
import os
import subprocess
from pathlib import Path

from tests.integration.services import require

FILLER_CHUNK = 1 << 16


class SmallFilesystem:
    def __init__(self, mount_point: Path, size: str):
        require("root, to mount a small filesystem", os.geteuid() == 0)
        self.mount_point = mount_point
        self.size = size
        self.fillers: list[Path] = []

    def mount(self) -> "SmallFilesystem":
        self.mount_point.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={self.size},mode=0755", "tmpfs", str(self.mount_point)],
            check=True,
            capture_output=True,
        )
        return self

    def unmount(self) -> None:
        subprocess.run(["umount", "--lazy", str(self.mount_point)], capture_output=True)

    def fill(self) -> None:
        """Write until the filesystem refuses even one more byte."""
        chunk = FILLER_CHUNK
        while chunk:
            filler = self.mount_point / f"filler-{len(self.fillers)}"
            self.fillers.append(filler)
            try:
                with filler.open("wb", buffering=0) as handle:
                    while True:
                        handle.write(b"\0" * chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
            # What did not fit in one chunk may fit in smaller ones.
            chunk //= 2

    def free(self) -> None:
        for filler in self.fillers:
            filler.unlink(missing_ok=True)
        self.fillers.clear()

    def available_bytes(self) -> int:
        stats = os.statvfs(self.mount_point)
        return stats.f_bavail * stats.f_frsize
