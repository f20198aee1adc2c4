"""Celery tasks of the people side, and the base class every council task uses."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_scopes import scope

from .models import Council, User

logger = logging.getLogger(__name__)


class CouncilTask(Task):
    """A task that runs inside one council's scope. Its first argument is the council's id,
    so tenant-owned queries work and a forgotten filter still cannot reach another council."""

    abstract = True

    def __call__(self, council_id: int, *args, **kwargs):
        council = Council.objects.get(pk=council_id)
        with scope(council=council):
            return self.run(council, *args, **kwargs)


@shared_task(base=CouncilTask, bind=False, name="qaportal.send_account_invitation")
def send_account_invitation(council: Council, user_id: int) -> str:
    """Email a person who has been added to a council a link to choose their password."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    # Only people who are members of this council: the id alone proves nothing.
    user = User.objects.filter(pk=user_id, memberships__council=council).distinct().first()
    if user is None:
        logger.warning("Invitation not sent: person %s is not a member of %s.", user_id, council.slug)
        return ""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    context = {"council": council, "user": user, "link": settings.QAPORTAL_BASE_URL.rstrip("/") + path}
    send_mail(
        subject=f"You have been added to QA Portal for {council.name}",
        message=render_to_string("qaportal/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return user.email
