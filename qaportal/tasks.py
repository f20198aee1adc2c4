"""Celery tasks of the people side, and the base class every council task uses."""

from __future__ import annotations

import logging

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from celery import Task, shared_task
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django_scopes import scope

from . import documents, outbox
from .emails import absolute_url, send_once
from .models import Council, Invitation, User

logger = logging.getLogger(__name__)


class CouncilTask(Task):
    """A task that runs inside one council's scope. Its first argument is the council's id,
    so tenant-owned queries work and a forgotten filter still cannot reach another council."""

    abstract = True
    # A task that meets the database going away part way (a restart, a failover) runs again a little
    # later, on a fresh connection; every task is idempotent (docs/resilience.md).
    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 2
    retry_backoff_max = 60
    max_retries = 5

    def __call__(self, council_id: int, *args, **kwargs):
        council = Council.objects.get(pk=council_id)
        with scope(council=council):
            return self.run(council, *args, **kwargs)


@shared_task(base=CouncilTask, bind=False, name="qaportal.send_account_invitation")
def send_account_invitation(council: Council, user_id: int) -> str:
    """Email a person who has been added to a council a link to choose their password."""
    # Only people who are members of this council: the id alone proves nothing.
    user = User.objects.filter(pk=user_id, memberships__council=council).distinct().first()
    if user is None:
        logger.warning("Invitation not sent: person %s is not a member of %s.", user_id, council.slug)
        return ""
    link = absolute_url(
        "account_reset_password_from_key",
        uidb36=user_pk_to_url_str(user),
        key=default_token_generator.make_token(user),
    )
    # Once per person and council, however often the task runs (a worker lost part way reruns it).
    sent = send_once(
        council=council,
        purpose="invitation",
        key=f"account-{user.pk}",
        recipient=user,
        subject=f"You have been added to QA Portal for {council.name}",
        template="qaportal/email/invitation.txt",
        context={"user": user, "link": link},
    )
    return user.email if sent else ""


@shared_task(base=CouncilTask, bind=False, name="qaportal.send_membership_invitation")
def send_membership_invitation(council: Council, invitation_id: int) -> str:
    """Ask someone who already has an account to accept a role in another council."""
    invitation = (
        Invitation.objects.filter(council=council, pk=invitation_id, status=Invitation.Status.PENDING)
        .select_related("user", "team", "invited_by")
        .first()
    )
    if invitation is None:
        return ""
    sent = send_once(
        council=council,
        purpose="invitation",
        key=f"invitation-{invitation.pk}",
        recipient=invitation.user,
        subject=f"{council.name} has invited you to join its QA Portal",
        template="qaportal/email/membership_invitation.txt",
        context={"invitation": invitation, "link": absolute_url("invitations")},
    )
    return invitation.user.email if sent else ""


@shared_task(base=CouncilTask, name=documents.RENDER_TASK, acks_late=True)
def render_document(council: Council, document_id: int) -> str:
    document = documents.document_run(council=council, document_id=document_id)
    return document.status if document else ""


@shared_task(name="qaportal.fail_stale_documents")
def fail_stale_documents() -> int:
    """Every few minutes: runs whose worker died are marked failed, so people can retry them."""
    total = 0
    for council in Council.objects.all():
        with scope(council=council):
            total += documents.mark_stale_failed(council=council)
    return total


@shared_task(name="qaportal.relay_outbox")
def relay_outbox() -> int:
    """Every minute: tasks left in the outbox while the broker was down are sent (the `outbox_relay`
    process does the same within seconds, and needs no broker to be started)."""
    sent = outbox.relay()
    outbox.prune()
    return sent


@shared_task(name="qaportal.clear_sessions")
def clear_sessions() -> int:
    """Nightly: sessions past their end are deleted. A session ended for want of activity is deleted
    at the person's next request; one never used again stays until this (qaportal/sessions.py)."""
    found = Session.objects.filter(expire_date__lt=timezone.now())
    count = found.count()
    SessionStore.clear_expired()
    return count
