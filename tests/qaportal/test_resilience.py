"""When a service fails, with the real services: Redis stopped, a worker process killed part way through
a task, the database restarted. The app keeps serving, loses nothing, and does each thing once.

The Redis here is the test's own (stopped and started again without disturbing the suite's); the
worker, gunicorn and the relay are processes of their own on the test database, as in production."""

from __future__ import annotations

import email
import os
import signal
import sys
from pathlib import Path

import pytest
from celery import Celery, current_app
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection
from django.http import QueryDict
from django.urls import reverse
from django_scopes import scope

from audits.models import Escalation, SectionDraft
from audits.reviews import services as review_services
from audits.reviews.selectors import review_in_council
from qaportal import outbox
from qaportal import tasks as qaportal_tasks
from qaportal.emails import send_once
from qaportal.models import Notification, OutboxMessage
from qaportal.services import person_add
from tests.conftest import activate_totp, totp_code
from tests.factories import TeamFactory
from tests.helpers import wait_for
from tests.real_services import (
    Gunicorn,
    Process,
    RedisServer,
    app_env,
    can_restart_postgres,
    postgres_is_running,
    restart_postgres,
    start_postgres,
    start_worker,
)

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_server(tmp_path, monkeypatch):
    """A Redis server of the test's own, which this process (the web app) sends its tasks to."""
    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis")
    server.start()
    monkeypatch.setitem(current_app.conf, "broker_url", server.url)
    yield server
    if server.is_up():
        server.stop()


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    """Where the worker processes write the e-mail they send (tests.real_services.StallingEmailBackend)."""
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def processes():
    started: list[Process] = []
    yield started
    for process in reversed(started):
        process.stop()


PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def worker_env(redis_server: RedisServer, mail_dir: Path, **extra: str) -> dict[str, str]:
    return app_env(
        DJANGO_SETTINGS_MODULE="tests.real_services_settings",
        REDIS_URL=redis_server.url,
        QAPORTAL_TEST_MAIL_DIR=str(mail_dir),
        **extra,
    )


def sent_mail(mail_dir: Path) -> list[tuple[str, str]]:
    """(to, subject) of every message the workers sent."""
    messages = [email.message_from_bytes(path.read_bytes()) for path in sorted(mail_dir.glob("sent-*"))]
    return [(str(m["To"]), str(m["Subject"])) for m in messages]


def section_url(review, kind: str) -> str:
    return reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": kind})


def autosave_url(review, kind: str) -> str:
    return reverse("audits:autosave", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": kind})


# --- Redis down -----------------------------------------------------------------------------------


def test_with_redis_down_people_sign_in_fill_in_and_save_review_forms_and_the_tasks_are_sent_once_it_is_back(
    client, settings, world, redis_server, mail_dir, processes, tmp_path
):
    # Redis is the cache too, as in production (sign-in rate limits, used two-factor codes, charts).
    settings.CACHES = {"default": {"BACKEND": "qaportal.cache.RedisCache", "LOCATION": redis_server.url}}
    activate_totp(world.service_manager)
    redis_server.stop()

    # The group manager allocates a review; its reviewer signs in and works on it, raising an escalation.
    review = world.allocate()
    signed_in = client.post(reverse("account_login"), {"login": "sm@derbyshire.example", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.url == reverse("mfa_authenticate")
    code = client.post(reverse("mfa_authenticate"), {"code": totp_code(world.service_manager)})
    assert code.status_code == 302
    assert client.get(section_url(review, "escalation")).status_code == 200
    draft = client.post(autosave_url(review, "summary"), {"section_version": "0", "text": "Typed while Redis was down"})
    assert draft.status_code == 200
    assert SectionDraft.objects.filter(review=review, kind="summary").exists()
    saved = client.post(
        section_url(review, "escalation"),
        {"section_version": "0", "save": "1", "concern": "safety", "detail": "Her son has moved back in."},
    )
    assert saved.status_code == 302
    escalation = Escalation.objects.get(review=review)

    # Both e-mails wait in the outbox, each tried once when its change committed.
    waiting = {m.task_name: m for m in outbox.waiting()}
    assert set(waiting) == {"audits.notify_review_allocated", "audits.notify_escalation"}
    assert all(m.attempts == 1 and "Connection refused" in m.last_error for m in waiting.values())

    redis_server.start()
    # Two relays at once, as two relay processes (or the relay and the beat task) would.
    call_command("outbox_relay", "--once")
    call_command("outbox_relay", "--once")
    assert redis_server.queue_length() == 2  # each task sent once
    assert not outbox.waiting().exists()

    processes.append(start_worker(worker_env(redis_server, mail_dir), tmp_path / "worker.log"))
    assert wait_for(lambda: len(sent_mail(mail_dir)) == 2, timeout=60), processes[0].output()
    assert wait_for(lambda: redis_server.queue_length() == 0)
    subjects = dict(sent_mail(mail_dir))
    assert sorted(subjects) == ["gm@derbyshire.example", "sm@derbyshire.example"]  # one each
    assert "needs immediate action" in subjects["gm@derbyshire.example"]
    assert "to complete" in subjects["sm@derbyshire.example"]
    escalation.refresh_from_db()
    assert escalation.notified_at is not None


# --- a worker killed part way ---------------------------------------------------------------------


def test_a_worker_process_killed_part_way_through_a_task_runs_it_again_and_it_acts_once(
    council_a, redis_server, mail_dir, processes, tmp_path
):
    (mail_dir / "stall").touch()  # the first message sent stops part way, inside the task
    worker = start_worker(worker_env(redis_server, mail_dir), tmp_path / "worker.log")
    processes.append(worker)

    with scope(council=council_a):
        person = person_add(
            council=council_a,
            email="new@derbyshire.example",
            first_name="New",
            last_name="Person",
            role="service_manager",
            team=TeamFactory(council=council_a),
        ).person
    assert wait_for(lambda: list(mail_dir.glob("stalled-*")), timeout=60), worker.output()
    (stalled,) = mail_dir.glob("stalled-*")
    killed = int(stalled.name.removeprefix("stalled-"))
    os.kill(killed, signal.SIGKILL)  # the process running the task, as the kernel's OOM killer would

    # acks_late with reject_on_worker_lost: the message goes back on the queue and a new process runs it.
    assert wait_for(lambda: list(mail_dir.glob("sent-*")), timeout=60), worker.output()
    (sent,) = mail_dir.glob("sent-*")
    assert int(sent.name.split("-")[1]) != killed
    assert "signal 9" in worker.output()
    assert sent_mail(mail_dir) == [
        ("new@derbyshire.example", "You have been added to QA Portal for Derbyshire County Council")
    ]
    assert Notification.objects.filter(council=council_a, purpose="invitation", key=f"account-{person.pk}").count() == 1

    # Delivered once more (a duplicate, a retry): it does nothing.
    sender = Celery(broker=redis_server.url, backend=redis_server.url, set_as_current=False)
    try:
        again = sender.send_task("qaportal.send_account_invitation", args=[council_a.pk, person.pk])
        assert again.get(timeout=30) == ""
    finally:
        sender.close()
    assert len(sent_mail(mail_dir)) == 1


# --- the database restarted -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_task_that_loses_the_database_part_way_runs_again_and_acts_once(council_a, make_member, monkeypatch):
    person = make_member(council_a, "moderator")
    attempts = []

    def send_once_as_the_database_restarts(**kwargs):
        attempts.append(kwargs["key"])
        if len(attempts) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return send_once(**kwargs)

    monkeypatch.setattr(qaportal_tasks, "send_once", send_once_as_the_database_restarts)
    # Run here, as the worker would run it (apply() runs a retry at once rather than in 2 s).
    qaportal_tasks.send_account_invitation.apply(args=[council_a.pk, person.pk], throw=False)
    assert attempts == [f"account-{person.pk}"] * 2
    assert [m.to for m in mail.outbox] == [[person.email]]


@pytest.mark.skipif(not can_restart_postgres(), reason="needs the throwaway cluster of scripts/services.sh")
@pytest.mark.skipif(
    bool(os.environ.get("PYTEST_XDIST_WORKER")), reason="restarts the PostgreSQL cluster other xdist processes use"
)
def test_after_a_database_restart_the_web_app_worker_and_relay_carry_on_without_being_restarted(
    client, world, redis_server, mail_dir, processes, tmp_path
):
    review = world.allocate()  # its e-mail waits in Redis for the worker
    client.force_login(world.service_manager)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    page = section_url(review, "summary")
    env = worker_env(redis_server, mail_dir)
    web = Gunicorn(env, tmp_path / "web.log")
    processes.append(web)
    # The same app with Django's check of kept connections turned off: what the check is for.
    unchecked = Gunicorn({**env, "QAPORTAL_DB_CONN_HEALTH_CHECKS": "false"}, tmp_path / "unchecked.log")
    processes.append(unchecked)
    worker = start_worker(env, tmp_path / "worker.log")
    processes.append(worker)
    relay = Process([sys.executable, "manage.py", "outbox_relay", "--interval", "0.2"], env, tmp_path / "relay.log")
    processes.append(relay)
    # Each holds a database connection it keeps between requests and tasks (CONN_MAX_AGE).
    assert web.get(page, cookie=cookie)[0] == 200
    assert unchecked.get(page, cookie=cookie)[0] == 200
    assert wait_for(lambda: len(sent_mail(mail_dir)) == 1, timeout=60), worker.output()

    try:
        restart_postgres()
    finally:
        if not postgres_is_running():
            start_postgres()  # never leave the suite without its database
    connection.close()  # this test's own connection went with it

    assert web.get(page, cookie=cookie)[0] == 200, web.output()  # the first request after the restart
    assert unchecked.get(page, cookie=cookie)[0] == 500  # an unchecked kept connection fails once…
    assert unchecked.get(page, cookie=cookie)[0] == 200  # …and is then replaced

    # The worker: a task after the restart runs.
    with scope(council=world.council):
        data = QueryDict(mutable=True)
        data.update({"concern": "safety", "detail": "No safety plan."})
        review_services.section_save(
            review=review_in_council(council=world.council, pk=review.pk),
            kind="escalation",
            data=data,
            base_version=0,
            by=world.service_manager,
        )
    assert wait_for(lambda: len(sent_mail(mail_dir)) == 2, timeout=60), worker.output()
    # The relay: a task left waiting is sent.
    left = OutboxMessage.objects.create(task_name="qaportal.relay_outbox", queue="outbox-test")
    assert wait_for(lambda: OutboxMessage.objects.get(pk=left.pk).sent_at is not None, timeout=30), relay.output()
    assert redis_server.queue_length("outbox-test") == 1
    assert relay.popen.poll() is None and worker.popen.poll() is None and web.popen.poll() is None
