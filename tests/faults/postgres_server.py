"""A PostgreSQL server of our own, made with initdb and run with pg_ctl, for tests that restart it.

Never the shared server on 5432: other test runs depend on it. Debian's server programs live
under /usr/lib/postgresql/<version>/bin, outside PATH. PostgreSQL refuses to run as root, so
when the tests run as root the server runs as the `postgres` user, in a folder it owns.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

import psycopg

from tests.integration.ports import free_port
from tests.integration.services import require
from tests.integration.stack import wait_until

DATABASE = "faults"


def server_programs() -> Path | None:
    """The newest Debian PostgreSQL server's bin folder, or one whose initdb is on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _run_as() -> str | None:
    """The user to run the server as: ourselves, or `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    with suppress(KeyError):
        return pwd.getpwnam("postgres").pw_name
    return ""


class PostgresServer:
    def __init__(self):
        programs = server_programs()
        require("PostgreSQL's server programs (initdb, pg_ctl)", programs is not None)
        user = _run_as()
        require("A `postgres` user to run PostgreSQL as (it refuses root)", user != "")
        self.programs, self.user = programs, user
        self.port = free_port()
        # Not under pytest's tmp folder: that is private to root, and the server may run as `postgres`.
        self.root = Path(tempfile.mkdtemp(prefix="faults-postgres-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _command(self, program: str, *args: str) -> list[str]:
        argv = [str(self.programs / program), *args]
        return ["runuser", "-u", self.user, "--", *argv] if self.user else argv

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run(self._command(program, *args), capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{program} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n{self.logs()}")

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def create(self) -> "PostgresServer":
        if self.user:
            shutil.chown(self.root, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.root}'",
            # A test server: it never outlives the machine, so it need not wait for the disk.
            "fsync": "off",
            "max_connections": "60",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        self.start()
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
        return self

    def start(self) -> None:
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60")

    def stop(self, mode: str = "fast") -> None:
        """Stopped: "fast" ends every session with an error, as an operator's restart does."""
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")

    def restart(self) -> None:
        self.stop()
        self.start()

    def set_read_only(self, read_only: bool) -> None:
        """What a failover to a read-only server looks like: every new transaction is read-only.

        Set for the whole server and reloaded, so that sessions already open see it too; a
        failover also drops them, so they are ended and the product must connect again.
        """
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute("SET default_transaction_read_only = off")
            admin.execute(f"ALTER SYSTEM SET default_transaction_read_only = {'on' if read_only else 'off'}")
            admin.execute("SELECT pg_reload_conf()")
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (DATABASE,),
            )

        def seen_by_a_new_session() -> bool:
            with psycopg.connect(self.url, autocommit=True) as probe:
                shown = probe.execute("SHOW default_transaction_read_only").fetchone()[0]
            return shown == ("on" if read_only else "off")

        wait_until(seen_by_a_new_session, 30, f"the server to be {'read-only' if read_only else 'writable'}")

    def destroy(self) -> None:
        with suppress(RuntimeError, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
