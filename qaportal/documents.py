"""Generated files (review PDFs, reports): asked for on a page, made by a Celery worker, downloaded
when ready. Apps register the kinds of document they make; this module runs them all the same way.

- Asking twice for the same document joins the run under way, or reuses the finished file.
- A run writes its file under a temporary name and moves it into place only when complete, so a
  worker killed part way leaves no half-written file; the run is then marked failed and can be retried.
- Files are kept through Django's storage API and served only by views that check permissions."""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from . import outbox
from .models import Council, Document, User

logger = logging.getLogger(__name__)

# A run that has not reported progress for this long has lost its worker.
STALE_AFTER = dt.timedelta(minutes=10)
RENDER_TASK = "qaportal.render_document"

Progress = Callable[[int], None]


@dataclass(frozen=True)
class DocumentKind:
    name: str
    # Celery queue: review PDFs on "pdf", long reports on "reports", each with its own low concurrency.
    queue: str
    # (document, report_progress) -> (file content, file name)
    render: Callable[[Document, Progress], tuple[bytes, str]]
    # Called once the file is in place (e.g. to tell people it is ready); a failure here is logged and
    # leaves the finished document as it is.
    on_done: Callable[[Document], None] | None = None


KINDS: dict[str, DocumentKind] = {}


def register_document_kind(kind: DocumentKind) -> DocumentKind:
    KINDS[kind.name] = kind
    return kind


# --- asking for a document -----------------------------------------------------------------------


def _enqueue(document: Document) -> None:
    # By name: this module is imported by the task module, not the other way round.
    outbox.enqueue(RENDER_TASK, [document.council_id, document.pk], queue=KINDS[document.kind].queue)


def document_request(
    *,
    council: Council,
    kind: str,
    key: str,
    title: str,
    by: User | None,
    params: dict | None = None,
    reuse: bool = True,
) -> Document:
    """The document for `key`: the finished file if there is one (and `reuse`), else the run under way,
    else a new run, queued once the transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"No document kind {kind!r} is registered.")
    if reuse:
        done = (
            Document.objects.filter(council=council, kind=kind, key=key, status=Document.Status.DONE)
            .order_by("-finished_at")
            .first()
        )
        if done is not None:
            return done
    active = _active(council, kind, key)
    if active is not None:
        return active
    try:
        with transaction.atomic():
            document = Document.objects.create(
                council=council, kind=kind, key=key, title=title[:200], params=params or {}, requested_by=by
            )
    except IntegrityError:
        # Someone asked a moment ago: the database let one run in; join it.
        joined = _active(council, kind, key)
        if joined is None:  # finished in the meantime
            return document_request(council=council, kind=kind, key=key, title=title, by=by, params=params)
        return joined
    _enqueue(document)
    return document


def _active(council: Council, kind: str, key: str) -> Document | None:
    return Document.objects.filter(
        council=council, kind=kind, key=key, status__in=[Document.Status.QUEUED, Document.Status.RUNNING]
    ).first()


def document_for(*, council: Council, kind: str, key: str) -> Document | None:
    """The newest run of this document, whatever its state."""
    return Document.objects.filter(council=council, kind=kind, key=key).order_by("-requested_at").first()


@transaction.atomic
def document_retry(*, document: Document) -> Document:
    current = Document.objects.select_for_update().get(council=document.council, pk=document.pk)
    if current.status != Document.Status.FAILED:
        return current
    active = _active(current.council, current.kind, current.key)
    if active is not None:
        return active
    current.status, current.progress, current.error = Document.Status.QUEUED, 0, ""
    current.save(update_fields=["status", "progress", "error"])
    _enqueue(current)
    return current


def mark_stale_failed(*, council: Council, now: dt.datetime | None = None) -> int:
    """Runs whose worker stopped reporting (killed, restarted) are failed, so they can be retried."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = Document.objects.filter(council=council, status=Document.Status.RUNNING, heartbeat_at__lt=cutoff)
    count = 0
    for document in stale:
        count += _fail(
            document,
            _("It stopped part way through, because the service was restarted. Nothing was kept: try again."),
            only_if=Document.Status.RUNNING,
        )
    return count


# --- making it (called by the Celery task, inside the council's scope) ---------------------------


def document_run(*, council: Council, document_id: int) -> Document | None:
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(council=council, pk=document_id).first()
        if document is None or document.status != Document.Status.QUEUED:
            return document  # finished, failed, or already being made by another delivery of this task
        now = timezone.now()
        document.status, document.started_at, document.heartbeat_at = Document.Status.RUNNING, now, now
        document.attempts += 1
        document.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])

    def progress(percent: int) -> None:
        Document.objects.filter(pk=document.pk, status=Document.Status.RUNNING).update(
            progress=max(0, min(99, int(percent))), heartbeat_at=timezone.now()
        )

    try:
        content, filename = KINDS[document.kind].render(document, progress)
        name = _store(document, content, filename)
    except Exception as exc:  # noqa: BLE001 - any failure is the document's; it is logged and shown
        logger.exception("Document %s (%s) failed in %s", document.pk, document.kind, council.slug)
        _fail(
            document,
            _("It could not be made (%(why)s). Try again; if it fails again, tell the QA Portal team.")
            % {"why": type(exc).__name__},
            only_if=Document.Status.RUNNING,
        )
        return document
    with transaction.atomic():
        current = Document.objects.select_for_update().get(pk=document.pk)
        if current.status != Document.Status.RUNNING:  # failed as stale meanwhile: the file is not kept
            default_storage.delete(name)
            return current
        current.status, current.progress, current.finished_at = Document.Status.DONE, 100, timezone.now()
        current.file.name, current.filename, current.size = name, filename, len(content)
        current.save(update_fields=["status", "progress", "finished_at", "file", "filename", "size"])
    on_done = KINDS[current.kind].on_done
    if on_done is not None:
        try:
            on_done(current)
        except Exception:  # noqa: BLE001 - the file is made; telling people can be retried by its own task
            logger.exception("Document %s (%s) was made but its follow-up failed", current.pk, current.kind)
    return current


def _fail(document: Document, reason: str, *, only_if: str) -> int:
    return Document.objects.filter(pk=document.pk, status=only_if).update(
        status=Document.Status.FAILED, error=reason, finished_at=timezone.now()
    )


def _store(document: Document, content: bytes, filename: str) -> str:
    """Save under a temporary name and move into place when complete: never a half-written file."""
    folder = f"documents/{document.council.slug}/{document.kind}"
    name = f"{folder}/{document.pk}-{uuid.uuid4().hex[:8]}-{get_valid_filename(filename)}"
    try:
        final = default_storage.path(name)
    except NotImplementedError:  # object storage: one upload is already all or nothing
        return default_storage.save(name, ContentFile(content))
    os.makedirs(os.path.dirname(final), exist_ok=True)
    partial = f"{final}.{uuid.uuid4().hex}.part"
    with open(partial, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, final)
    return name


def pdf_download(document: Document) -> FileResponse:
    """A finished PDF as a download (the caller has checked who may have it)."""
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.filename, content_type="application/pdf"
    )
