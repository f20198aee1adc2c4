"""The transactional outbox: Celery tasks are written to a table in the caller's transaction and sent
to the broker once it commits; what could not be sent (Redis down) waits there for the relay.

- `enqueue()` instead of `transaction.on_commit(lambda: task.delay(...))`: the row commits or rolls
  back with the change that asks for the task, so a task is never lost with a down broker and never
  sent for a change that did not happen.
- Once the transaction commits, one attempt to send it at once, with short timeouts and no retries:
  a down broker costs the request milliseconds (connection refused) to a second or two (unreachable),
  never Celery's default retries (about 20 s) followed by an error page for a change already saved.
- `relay()` sends what is waiting, oldest first, each row locked with SKIP LOCKED and marked sent in
  the transaction that sends it, so concurrent relays (the `outbox_relay` process, the beat task, the
  attempt on commit) never send one row twice. The relay process needs only the database.
- Sent at least once: a broker that took a message but timed out before answering is sent it again.
  Every task is idempotent (a "send once" record, a status checked under a lock), so a task sent or
  delivered twice still acts once. See docs/resilience.md."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Seconds. Connecting to the broker (a closed port fails at once; an unreachable host waits this long),
# and then waiting for it to answer (a broker that accepts connections but has stopped responding).
CONNECT_TIMEOUT = 1.0
SOCKET_TIMEOUT = 2.0
BATCH = 100
# Sent rows are kept a while for looking into what was sent when, then pruned.
KEEP_SENT = dt.timedelta(days=7)


def enqueue(
    task_name: str, args: Sequence[Any], kwargs: dict[str, Any] | None = None, *, queue: str | None = None
) -> OutboxMessage:
    """Queue the Celery task `task_name` with these (JSON) arguments, as part of the current transaction:
    it is sent once the transaction commits, or by the relay if the broker cannot take it then."""
    app = current_app
    if app.conf.task_always_eager:  # no broker, no worker: run it here once the change commits, as .delay() would
        message = OutboxMessage.objects.create(
            task_name=task_name, args=list(args), kwargs=kwargs or {}, queue=queue or "", sent_at=timezone.now()
        )
        transaction.on_commit(lambda: app.tasks[task_name].apply(args=message.args, kwargs=message.kwargs))
        return message
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args), kwargs=kwargs or {}, queue=queue or "")
    transaction.on_commit(lambda: send_now(message.pk))
    return message


def send_now(pk: int) -> bool:
    """Send one waiting message now. False if it was not sent by this call (the broker is down: it waits
    for the relay; or a relay has it or sent it already). Never raises: the change that asked for the
    task has committed, and the person who made it must not see an error page for it."""
    try:
        return _send_batch(OutboxMessage.objects.filter(pk=pk), size=1).sent == 1
    except Exception:  # noqa: BLE001 - the database itself failed after the commit: the row waits
        logger.exception("Outbox message %s was not sent at once; the relay will send it.", pk)
        return False


def relay(*, limit: int = 10_000) -> int:
    """Send the messages waiting (up to `limit`), oldest first; returns how many were sent. Stops at the
    first sign that the broker is down: the rest wait for the next run."""
    sent = 0
    skipped: set[int] = set()  # a message the broker refused (not a broker failure) is not retried in this run
    while sent < limit:
        batch = _send_batch(OutboxMessage.objects.exclude(pk__in=skipped), size=min(BATCH, limit - sent))
        sent += batch.sent
        skipped |= batch.failed
        if batch.broker_down or not (batch.sent or batch.failed):
            break
    if sent:
        logger.info("Outbox relay sent %d waiting task(s).", sent)
    return sent


def waiting() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(sent_at__isnull=True)


def prune(*, now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - KEEP_SENT
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


# --- sending -------------------------------------------------------------------------------------


class _Batch:
    def __init__(self) -> None:
        self.sent = 0
        self.failed: set[int] = set()
        self.broker_down = False


def _send_batch(queryset: QuerySet[OutboxMessage], *, size: int) -> _Batch:
    result = _Batch()
    with transaction.atomic():
        # Rows another relay holds are skipped, not waited for: it is sending them.
        messages = list(queryset.filter(sent_at__isnull=True).select_for_update(skip_locked=True).order_by("pk")[:size])
        if not messages:
            return result
        sent: list[int] = []
        with _broker() as connection:
            broker_errors = (BrokerUnreachable, OSError, *connection.connection_errors, *connection.channel_errors)
            for message in messages:
                try:
                    _publish(connection, message)
                except broker_errors as exc:
                    _note_failure(message, exc)
                    result.broker_down = True
                    logger.warning(
                        "The broker cannot be reached (%s): task %s waits in the outbox for the relay.",
                        exc,
                        message.task_name,
                    )
                    break
                except Exception as exc:  # noqa: BLE001 - one bad message must not hold up the others
                    _note_failure(message, exc)
                    result.failed.add(message.pk)
                    logger.exception("Outbox message %s (%s) could not be sent.", message.pk, message.task_name)
                    continue
                sent.append(message.pk)
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
        result.sent = len(sent)
    return result


def _note_failure(message: OutboxMessage, exc: Exception) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=F("attempts") + 1, last_error=f"{timezone.now():%Y-%m-%d %H:%M:%S} {type(exc).__name__}: {exc}"[:2000]
    )


@contextmanager
def _broker() -> Iterator[Any]:
    """A connection of our own to the broker that gives up at once: kombu's default is to retry the
    connection for broker_connection_timeout (4 s), and Celery's to retry publishing three times."""
    app = current_app
    with app.connection_for_write(
        connect_timeout=CONNECT_TIMEOUT,
        transport_options={
            "max_retries": 0,
            "socket_connect_timeout": CONNECT_TIMEOUT,
            "socket_timeout": SOCKET_TIMEOUT,
        },
    ) as connection:
        yield connection


def _publish(connection: Any, message: OutboxMessage) -> None:
    current_app.send_task(
        message.task_name,
        args=message.args,
        kwargs=message.kwargs,
        queue=message.queue or None,
        task_id=str(message.task_id),
        connection=connection,
        retry=False,
        # Nobody waits on these results; with a result backend on the same Redis, asking for one would
        # also subscribe to it, which retries for about 20 s when Redis is down.
        ignore_result=True,
    )
