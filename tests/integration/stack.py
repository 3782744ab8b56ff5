"""The whole product as real processes: gunicorn web, celery worker(s), celery beat.

Each Stack gets its own data folder, database and queue name, so stacks from concurrent test
runs never consume each other's messages. Logs go to files in the stack's folder and are
printed when a test fails (see conftest.py).
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from summaries.tests.answers import ANSWERS as VALID_ANSWERS
from tests.integration.ports import free_port
from tests.integration.services import delete_broker_queues

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive():
            os.killpg(self.popen.pid, sig)

    def signal_main(self, sig: int) -> None:
        """Signal the main process only, as a process manager does on a deploy."""
        if self.alive():
            os.kill(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole process group (main process and its children) and reap it."""
        self.signal(signal.SIGKILL)
        self.popen.wait(10)

    def children(self) -> list[int]:
        """Process ids whose parent is the main process (a celery worker's pool processes)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.popen.pid:
                found.append(int(stat.parent.name))
        return found

    def wait_exit(self, timeout: float) -> int:
        return self.popen.wait(timeout)

    def stop(self, timeout: float = 15) -> None:
        if not self.alive():
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(5)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Stack:
    root: Path
    database_url: str | None = None
    broker_url: str = "filesystem://"
    smtp_port: int = 25
    extra_env: dict = field(default_factory=dict)
    processes: dict = field(default_factory=dict)
    web_port: int = 0
    # Process ids that have served requests since they started (see tests/faults/conftest.py).
    warm_processes: dict = field(default_factory=dict)

    def __post_init__(self):
        self.root.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.root / "data"
        self.queue = f"summaries-test-{uuid.uuid4().hex[:8]}"
        self.sweep_queue = f"{self.queue}-sweep"
        self.database_url = self.database_url or f"sqlite:///{self.data_dir / 'db.sqlite3'}"

    # --- environment and lifecycle -------------------------------------------------------
    def env(self, **overrides) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
        env.update(
            READ_DOTENV="0",
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            SECRET_KEY="integration-test-secret-key",
            DEBUG="false",
            HTTPS="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATA_DIR=str(self.data_dir),
            PROMETHEUS_MULTIPROC_DIR=str(self.data_dir / "metrics"),
            STATIC_ROOT=str(self.root / "static"),
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=self.broker_url,
            SUMMARY_QUEUE=self.queue,
            SWEEP_QUEUE=self.sweep_queue,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.smtp_port),
            EMAIL_USE_TLS="false",
            EMAIL_TIMEOUT="5",
            DEFAULT_FROM_EMAIL="About Me <summaries@example.com>",
            SWEEP_INTERVAL_SECONDS="1",
            RETRY_BASE_SECONDS="1",
            RETRY_MAX_SECONDS="4",
            RATE_LIMIT_PER_IP="0",
            RATE_LIMIT_PER_RECIPIENT="0",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=180,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def prepare(self) -> "Stack":
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        return self

    def spawn(self, name: str, argv: list[str], cwd: Path = REPO, **env_overrides) -> Process:
        log = self.root / f"{name}.log"
        handle = log.open("ab")
        popen = subprocess.Popen(
            argv,
            cwd=cwd,
            env=self.env(**env_overrides),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process = Process(name, popen, log)
        self.processes[name] = process
        return process

    def start_web(self, workers: int = 2, **env) -> Process:
        self.web_port = self.web_port or free_port()
        process = self.spawn(
            "web",
            [
                str(BIN / "gunicorn"),
                # As the Procfile runs it: the asyncio worker, so slow clients hold no worker.
                "core.asgi",
                "--worker-class",
                "asgi",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
            ],
            **env,
        )
        self.wait_web_ready(process)
        return process

    def wait_web_ready(self, process: Process) -> None:
        self._wait(lambda: self._web_answers(), f"web on port {self.web_port}", process)

    def start_worker(
        self, name: str = "worker", concurrency: int = 1, cwd: Path = REPO, queues: list[str] | None = None, **env
    ) -> Process:
        """A worker on both of the stack's queues (the settings' default), or only on `queues`."""
        only = ["-Q", ",".join(queues)] if queues else []
        process = self.spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "core",
                "worker",
                "--loglevel=info",
                f"--concurrency={concurrency}",
                f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h",
                *only,
            ],
            cwd=cwd,
            **env,
        )
        self.wait_worker_ready(process)
        return process

    def wait_worker_ready(self, process: Process) -> None:
        self._wait(lambda: re.search(r"\bready\.", process.log_text()), f"{process.name} ready", process, timeout=60)

    def run_procfile(self, entry: str, name: str | None = None, cwd: Path = REPO, **env) -> Process:
        """Start one Procfile entry exactly as a platform would: `sh -c` in the app's folder."""
        return self.spawn(name or entry, ["sh", "-c", procfile_command(entry)], cwd=cwd, **env)

    def start_beat(self, name: str = "beat") -> Process:
        return self.spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "core",
                "beat",
                "--loglevel=info",
                f"--schedule={self.root / (name + '-schedule')}",
            ],
        )

    def start(self, workers: int = 1) -> "Stack":
        self.prepare()
        self.start_web()
        for index in range(workers):
            self.start_worker(f"worker{index + 1}")
        self.start_beat()
        return self

    def stop(self) -> None:
        for process in list(self.processes.values()):
            process.stop()
        delete_broker_queues(self.broker_url, [self.queue, self.sweep_queue])

    def logs(self) -> str:
        return "\n".join(f"===== {p.name} =====\n{p.log_text()[-6000:]}" for p in self.processes.values())

    # --- talking to it as a browser would -------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _web_answers(self) -> bool:
        try:
            return requests.get(self.base_url + "/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def submit(self, **answers) -> requests.Response:
        """GET the form for its CSRF token, then POST it; returns the (unfollowed) response."""
        session = requests.Session()
        form = session.get(self.base_url + "/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        data = {**VALID_ANSWERS, **answers, "csrfmiddlewaretoken": token}
        return session.post(self.base_url + "/", data=data, allow_redirects=False, timeout=30)

    def submit_ok(self, **answers) -> str:
        return self.accepted_token(self.submit(**answers))

    @staticmethod
    def accepted_token(response: requests.Response) -> str:
        """The status page token of a submit answered with the normal redirect."""
        assert response.status_code == 302, (response.status_code, response.text[:500])
        match = re.match(r"^/s/([^/]+)/$", response.headers["Location"])
        assert match, response.headers["Location"]
        return match.group(1)

    def submit_many(self, label: str, count: int) -> dict[str, str]:
        """Submit `count` forms at once, each to its own address; returns each address's token."""
        emails = [f"{label}-{index}@example.com" for index in range(count)]
        with ThreadPoolExecutor(max_workers=6) as pool:
            tokens = list(pool.map(lambda email: self.submit_ok(email=email, name=f"Person {email}"), emails))
        return dict(zip(emails, tokens, strict=True))

    def status(self, token: str) -> dict:
        return requests.get(f"{self.base_url}/s/{token}/status.json", timeout=10).json()

    def wait_for_status(self, token: str, wanted: str = "sent", timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = self.status(token)
            if last["status"] == wanted:
                return last
            time.sleep(0.2)
        raise AssertionError(f"submission {token} stayed at {last} instead of {wanted}")

    @staticmethod
    def _wait(predicate, what: str, process: Process, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if not process.alive():
                raise RuntimeError(f"{what}: process exited\n{process.log_text()[-4000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"{what}: not up after {timeout}s\n{process.log_text()[-4000:]}")


def procfile_command(entry: str) -> str:
    for line in (REPO / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == entry:
            return command.strip()
    raise KeyError(f"The Procfile has no {entry!r} entry")


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
