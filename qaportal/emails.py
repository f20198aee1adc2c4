"""E-mail and the links in it: one way to build an absolute link, one way to send a message, and one
way to send a message once only."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Council, Notification, User
from .text import one_line


def absolute_url(name: str, **kwargs) -> str:
    """A link for an e-mail: the named URL on the service's public address (QAPORTAL_BASE_URL)."""
    return absolute(reverse(name, kwargs=kwargs or None))


def absolute(path: str) -> str:
    return settings.QAPORTAL_BASE_URL.rstrip("/") + path


def send_email(*, to: list[str], subject: str, template: str, context: dict) -> list[str]:
    """Send a plain-text message rendered from `template`. The subject is made one line, because a
    newline in a header (say, from a template's name) makes Django refuse the whole message."""
    recipients = [address for address in to if address]
    if recipients:
        send_mail(
            subject=one_line(subject)[:250],
            message=render_to_string(template, context),
            from_email=None,
            recipient_list=recipients,
        )
    return recipients


def send_once(
    *,
    council: Council,
    purpose: str,
    key: str,
    subject: str,
    template: str,
    context: dict,
    recipient: User | None = None,
    address: str = "",
) -> bool:
    """Send a message to a person (or an address) once only, whatever retries or repeats happen.

    The record and the sending share one transaction: if the mail server refuses, nothing is
    recorded and the task can be retried; if it was sent, a second call finds the record."""
    to = f"user:{recipient.pk}" if recipient is not None else address
    email = recipient.email if recipient is not None else address
    if not email:
        return False
    try:
        with transaction.atomic():
            Notification.objects.create(council=council, purpose=purpose, key=key[:200], to=to)
            send_email(to=[email], subject=subject, template=template, context={"council": council, **context})
    except IntegrityError:
        return False  # already sent
    return True
