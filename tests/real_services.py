"""Real services for the tests of what happens when one fails: a Redis server of the test's own (to
stop and start without disturbing the suite's), a Celery worker and gunicorn as processes of their own
on the test database, and the suite's throwaway PostgreSQL restarted in place."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import redis
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.helpers import wait_for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A Redis server on a port of its own, stopped and started again on the same port."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        # No retries: redis-py's default retries a refused connection for seconds.
        return redis.Redis(port=self.port, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))

    def is_up(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False

    def start(self) -> None:
        d = self.directory
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(d), "--daemonize", "yes", "--pidfile", str(d / "redis.pid"), "--logfile", str(d / "log")],
            check=True,
        )
        assert wait_for(self.is_up, timeout=10), f"Redis did not start on port {self.port}"

    def stop(self) -> None:
        try:
            self.client().shutdown(nosave=True)
        except redis.ConnectionError:
            pass  # the reply never comes: the server is gone
        assert wait_for(lambda: not self.is_up(), timeout=10), "Redis did not stop"

    def queue_length(self, queue: str = "celery") -> int:
        return int(self.client().llen(queue))


def app_env(**extra: str) -> dict[str, str]:
    """The environment of a process of the app on the test database (pytest-django's test_… database)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qaportal.settings.test",
        "QAPORTAL_DB_NAME": connection.settings_dict["NAME"],
        **extra,
    }


class Process:
    """A process of the app's, in a session of its own (so stopping it stops its children too), its
    output in a log file read when a test fails."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "wb") as out:
            self.popen = subprocess.Popen(
                args, env=env, cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)


def start_worker(env: dict[str, str], log: Path, *, queues: str = "celery") -> Process:
    """A Celery worker as production runs it: prefork, so the process running a task is a child of the
    worker's, and can be killed alone."""
    worker = Process(
        [sys.executable, "-m", "celery", "-A", "qaportal", "worker", "--pool", "prefork", "--concurrency", "1"]
        + ["--queues", queues, "--hostname", f"resilience-{uuid.uuid4().hex[:8]}@%h", "--loglevel", "info"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        env,
        log,
    )
    assert wait_for(lambda: " ready." in worker.output() or worker.popen.poll() is not None, timeout=60)
    assert worker.popen.poll() is None, worker.output()
    return worker


class Gunicorn(Process):
    """The web app under gunicorn with one synchronous worker: every request on the same process and
    the same kept database connection (CONN_MAX_AGE), as in production."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        super().__init__(
            [sys.executable, "-m", "gunicorn", "qaportal.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "1", "--timeout", "60", "--access-logfile", "-"],
            env,
            log,
        )
        assert wait_for(lambda: self.get("/healthz/")[0] == 200, timeout=60), self.output()

    def get(self, path: str, *, cookie: str = "") -> tuple[int, str]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError:
            return 0, ""  # not listening yet


def restart_postgres() -> None:
    """Restart the suite's PostgreSQL cluster in place (same port, same options), as a deployment's
    database restarts: every connection to it is dropped. scripts/services.sh says where it is."""
    pg_ctl, data, log = (os.environ.get(f"QAPORTAL_TEST_PG_{name}", "") for name in ("CTL", "DATA", "LOG"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*as_postgres, pg_ctl, "-D", data, "-l", log, "-m", "fast", "-w", "-t", "60", "restart"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def postgres_is_running() -> bool:
    pg_ctl, data = os.environ.get("QAPORTAL_TEST_PG_CTL", ""), os.environ.get("QAPORTAL_TEST_PG_DATA", "")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*as_postgres, pg_ctl, "-D", data, "status"], stdout=subprocess.DEVNULL).returncode == 0


def start_postgres() -> None:
    pg_ctl, data, log = (os.environ.get(f"QAPORTAL_TEST_PG_{name}", "") for name in ("CTL", "DATA", "LOG"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*as_postgres, pg_ctl, "-D", data, "-l", log, "-w", "start"], check=True, stdout=subprocess.DEVNULL)


def can_restart_postgres() -> bool:
    return all(os.environ.get(f"QAPORTAL_TEST_PG_{name}") for name in ("CTL", "DATA", "LOG"))


class StallingEmailBackend(BaseEmailBackend):
    """For a worker process (tests.real_services_settings): writes each message to a file in
    QAPORTAL_TEST_MAIL_DIR. While a file named `stall` is there, the first message ever sent stops
    part way instead, and says so in a file named with its process id, for the test to kill that process
    as the task is running."""

    def send_messages(self, email_messages):
        folder = Path(os.environ["QAPORTAL_TEST_MAIL_DIR"])
        if (folder / "stall").exists() and not list(folder.glob("stalled-*")):
            (folder / f"stalled-{os.getpid()}").touch()
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:  # the test kills this process here
                time.sleep(0.05)
            raise RuntimeError("The stalled sending was never killed.")
        for message in email_messages:
            (folder / f"sent-{os.getpid()}-{uuid.uuid4().hex[:8]}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
