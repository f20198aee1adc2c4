"""The transactional outbox: a task is queued with the change that asks for it, sent once that commits,
kept when the broker is down and sent later by the relay, once, however many relays run."""

from __future__ import annotations

import ast
import os
import threading
import time
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction

from qaportal import outbox
from qaportal.celery import app as qaportal_celery
from qaportal.models import OutboxMessage
from tests.real_services import free_port

# A queue no worker reads (one per xdist process), so the tests can count what arrives in it.
QUEUE = f"outbox-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
TASK = "qaportal.send_account_invitation"


@pytest.fixture
def broker():
    """The broker the app sends to (the suite's Redis), with the test's queue emptied before and after."""
    client = redis.Redis.from_url(current_app.conf.broker_url)
    client.delete(QUEUE)
    yield client
    client.delete(QUEUE)


@pytest.fixture
def broker_down(monkeypatch):
    """The app's broker URL pointed at a port nobody listens on, as if Redis had stopped."""
    monkeypatch.setitem(current_app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")


@pytest.mark.django_db(transaction=True)
def test_a_task_is_sent_when_the_change_that_asks_for_it_commits(broker):
    with transaction.atomic():
        message = outbox.enqueue(TASK, [1, 2], queue=QUEUE)
        assert broker.llen(QUEUE) == 0  # not before the commit: the worker would not find the change
    assert broker.llen(QUEUE) == 1
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_sends_nothing_and_leaves_nothing(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(TASK, [1, 2], queue=QUEUE)
        raise RuntimeError("the change failed")
    assert broker.llen(QUEUE) == 0
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_change_commits_at_once_and_the_task_waits_for_the_relay(
    broker, broker_down, monkeypatch
):
    started = time.monotonic()
    with transaction.atomic():
        message = outbox.enqueue(TASK, [1, 2], queue=QUEUE)
    # Celery's own .delay() retries for about 20 s here, then raises after the change has committed.
    assert time.monotonic() - started < 5
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert "Connection refused" in message.last_error or "connecting" in message.last_error
    assert outbox.relay() == 0  # still down: nothing sent, nothing lost
    monkeypatch.undo()  # the broker is back

    assert outbox.relay() == 1
    assert outbox.relay() == 0  # sent once
    assert broker.llen(QUEUE) == 1
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 3


@pytest.mark.django_db(transaction=True)
def test_relays_running_at_the_same_time_send_each_task_once(monkeypatch):
    OutboxMessage.objects.bulk_create(OutboxMessage(task_name=TASK, args=[i], queue=QUEUE) for i in range(60))
    published: list[int] = []
    lock = threading.Lock()

    def publish(connection, message):
        time.sleep(0.005)  # long enough for the relays to overlap
        with lock:
            published.append(message.args[0])

    monkeypatch.setattr(outbox, "_publish", publish)
    monkeypatch.setattr(outbox, "BATCH", 7)
    totals: list[int] = []

    def run():
        try:
            totals.append(outbox.relay())
        finally:
            connection.close()

    relays = [threading.Thread(target=run) for _ in range(4)]
    for relay in relays:
        relay.start()
    for relay in relays:
        relay.join(timeout=60)
    assert sorted(published) == list(range(60))  # every task, each once
    assert sum(totals) == 60
    assert not outbox.waiting().exists()


@pytest.mark.django_db(transaction=True)
def test_a_message_the_broker_will_not_take_does_not_hold_up_the_others(monkeypatch):
    OutboxMessage.objects.bulk_create(OutboxMessage(task_name=TASK, args=[i], queue=QUEUE) for i in range(3))
    sent = []

    def publish(connection, message):
        if message.args == [0]:
            raise TypeError("Object of type Review is not JSON serializable")
        sent.append(message.args[0])

    monkeypatch.setattr(outbox, "_publish", publish)
    assert outbox.relay() == 2 and sent == [1, 2]
    (stuck,) = outbox.waiting()
    assert stuck.args == [0] and stuck.attempts == 1 and "TypeError" in stuck.last_error


@pytest.mark.django_db(transaction=True)
def test_the_relay_command_sends_what_waits_and_sent_rows_are_pruned_after_a_week(broker):
    old = OutboxMessage.objects.create(task_name=TASK, args=[1], queue=QUEUE)
    OutboxMessage.objects.create(task_name=TASK, args=[2], queue=QUEUE)
    call_command("outbox_relay", "--once")
    assert broker.llen(QUEUE) == 2 and not outbox.waiting().exists()
    OutboxMessage.objects.filter(pk=old.pk).update(sent_at=old.created_at - outbox.KEEP_SENT)
    assert outbox.prune() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_in_eager_mode_the_task_runs_here_once_the_change_commits(
    council_a, make_member, monkeypatch, django_capture_on_commit_callbacks
):
    person = make_member(council_a, "moderator")
    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(TASK, [council_a.pk, person.pk])
        assert not mail.outbox
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert not outbox.waiting().exists()


# --- every call site ------------------------------------------------------------------------------

APPS = ["qaportal", "standards", "audits", "feedback", "moderation", "reporting"]


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node


def _sources():
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_tasks_are_queued_through_the_outbox_everywhere_but_in_the_worker():
    """Web requests and services queue tasks with outbox.enqueue. Only a task module (run by the worker,
    which has a broker) may send straight away: a beat task fanning out one task per council, which beat
    sends again the next day if a send fails."""
    direct = [
        f"{path.relative_to(settings.BASE_DIR)}:{call.lineno} .{call.func.attr}()"
        for path in _sources()
        if path.name != "tasks.py" and path.name != "outbox.py"
        for call in _calls(path)
        if call.func.attr in {"delay", "apply_async", "send_task"}
    ]
    assert not direct, f"Queue these through qaportal.outbox.enqueue: {direct}"


def test_every_task_queued_by_name_exists():
    qaportal_celery.loader.import_default_modules()
    names = [
        (f"{path.relative_to(settings.BASE_DIR)}:{call.lineno}", call.args[0].value)
        for path in _sources()
        for call in _calls(path)
        if call.func.attr == "enqueue" and call.args and isinstance(call.args[0], ast.Constant)
    ]
    assert names, "the test found no call by name"
    unknown = [(where, name) for where, name in names if name not in qaportal_celery.tasks]
    assert not unknown, f"No such Celery task: {unknown}"
