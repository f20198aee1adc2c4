"""docker-compose.yml held against the code: a queue the code sends tasks to with no worker reading it
would fill silently, and two beats would send every periodic task twice."""

import re
from pathlib import Path

from django.conf import settings

from qaportal.documents import KINDS

ROOT = Path(__file__).resolve().parents[2]


def _compose_text() -> str:
    """docker-compose.yml without its comments (the commented-out services do not run)."""
    lines = (ROOT / "docker-compose.yml").read_text().splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def test_every_queue_the_code_sends_tasks_to_has_a_worker_in_compose():
    consumed = {
        queue
        for queues in re.findall(r"celery -A qaportal worker -Q (\S+)", _compose_text())
        for queue in queues.split(",")
    }
    sent = {kind.queue for kind in KINDS.values()} | {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")}
    assert {"celery", "pdf", "reports"} <= sent
    assert sent <= consumed, f"no worker reads {sorted(sent - consumed)}"


def test_compose_runs_exactly_one_beat():
    text = _compose_text()
    assert len(re.findall(r"celery -A qaportal beat\b", text)) == 1
    assert not re.search(r"celery -A qaportal worker\b[^\n]*(--beat|\s-B\b)", text)
