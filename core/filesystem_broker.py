"""kombu's filesystem transport, with messages written and taken atomically, and consumers woken by acks.

The stock transport creates the message file under its final name and only then writes into
it, while a reader takes any file with that name at once: a worker polling during a burst reads
empty or half-written messages, which fail to decode and are lost. Here a message is written
under a name readers ignore and renamed into place, which the filesystem does in one step; and a
reader takes a message by renaming it away, so of two consumers one gets it and the other moves on.

A consumer with nothing it may take sleeps a polling interval before it looks again. With
acks_late and a prefetch of one that is every job: the next message may only be fetched once the
last one is acknowledged. Here an ack or a reject wakes the waiting consumer at once instead.
"""

import os
import shutil
import threading
import uuid
from contextlib import suppress
from functools import cached_property
from queue import Empty
from time import monotonic, monotonic_ns

from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

# Messages being read sit here, inside the queue folder; no queue's name matches it.
TAKEN_FOLDER = "taken"


class Channel(filesystem.Channel):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made on first use, so that reading the settings creates nothing.
        for folder in (self.data_folder_in, self.data_folder_out, self.control_folder):
            os.makedirs(folder, exist_ok=True)

    def _put(self, queue, payload, **kwargs):
        # Readers take files in name order: nanoseconds, zero-padded, keep that close to FIFO
        # (kombu's milliseconds put messages of one burst in random order).
        name = f"{monotonic_ns():020d}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # Readers match on the part after the first dot being exactly "<queue>.msg".
        partial = final + ".partial"
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            # A full disk leaves a half-written file that no reader would ever take: it would
            # only hold on to the space the next publish needs.
            with suppress(OSError):
                os.remove(partial)
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue):
        """The oldest message of `queue` that this consumer manages to take."""
        # kombu's own rule for whose a file is: the part after the first dot is "<queue>.msg".
        wanted = f"{queue}.msg"
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] == wanted:
                payload = self._take(name)
                if payload is not None:
                    return loads(bytes_to_str(payload))
        raise Empty()

    def _take(self, name: str) -> bytes | None:
        """Read and remove one message file; None when another consumer took it first."""
        # Into a folder beside it, so the rename never crosses filesystems (where it would
        # become a copy that two consumers could both make).
        source = os.path.join(self.data_folder_in, name)
        taken = os.path.join(self._taken_folder, name)
        try:
            os.rename(source, taken)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot take file {source!r} from queue.") from exc
        try:
            with open(taken, "rb") as handle:
                payload = handle.read()
            if self.store_processed:
                # kombu's option to keep read messages; that folder may be on another filesystem.
                shutil.move(taken, os.path.join(self.processed_folder, name))
            else:
                os.remove(taken)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot read file {taken!r} from queue.") from exc
        return payload

    @cached_property
    def _taken_folder(self) -> str:
        folder = os.path.join(self.data_folder_in, TAKEN_FOLDER)
        os.makedirs(folder, exist_ok=True)
        return folder

    def basic_ack(self, delivery_tag, multiple=False):
        super().basic_ack(delivery_tag, multiple=multiple)
        self.connection.room_to_consume.set()

    def basic_reject(self, delivery_tag, requeue=False):
        super().basic_reject(delivery_tag, requeue=requeue)
        self.connection.room_to_consume.set()


class Transport(filesystem.Transport):
    Channel = Channel

    def __init__(self, client, **kwargs):
        super().__init__(client, **kwargs)
        # Set from whichever thread acknowledges (Celery's pool result handler, or the loop itself).
        self.room_to_consume = threading.Event()

    def drain_events(self, connection, timeout=None):
        """kombu's polling loop, waiting on room_to_consume rather than a plain sleep."""
        started = monotonic()
        interval = self.polling_interval
        if timeout and interval and interval > timeout:
            interval = timeout
        while True:
            self.room_to_consume.clear()
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                if timeout is not None and monotonic() - started >= timeout:
                    raise TimeoutError from None
                if interval is not None:
                    self.room_to_consume.wait(interval)
