"""Send the Celery tasks left in the outbox while the broker was down, every few seconds until stopped.

Run as a process of its own beside the web app and the worker (see docs/resilience.md): it needs the
database only, so it keeps going through a broker outage and sends everything once the broker is back;
it also rides out a database restart. Any number may run: each waiting task is sent by one of them."""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from qaportal import outbox

logger = logging.getLogger(__name__)

PRUNE_EVERY = 60 * 60  # seconds


class Command(BaseCommand):
    help = "Send Celery tasks waiting in the outbox (queued while the broker was down); runs until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send what is waiting, then exit.")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="Seconds between looks at the outbox (default 2)."
        )

    def handle(self, *args, once: bool, interval: float, **options):
        stop = threading.Event()
        if not once:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            logger.info("Outbox relay started: looking every %s s.", interval)
        pruned_at = time.monotonic()
        while True:
            # As a request would: a connection the database dropped (a restart) is replaced, not reused.
            close_old_connections()
            try:
                sent = outbox.relay()
                if sent:
                    self.stdout.write(f"Sent {sent} waiting task(s).")
                if not once and time.monotonic() - pruned_at > PRUNE_EVERY:
                    outbox.prune()
                    pruned_at = time.monotonic()
            except DatabaseError as exc:
                if once:
                    raise
                logger.warning("Outbox relay: the database cannot be reached (%s); trying again.", exc)
            if once or stop.wait(interval):
                return
