"""Telling the quality team a scheduled report is ready: a link, never the file (it holds personal
data), and once only whatever retries happen."""

from __future__ import annotations

from qaportal.emails import absolute_url, send_once
from qaportal.models import Document, User
from qaportal.roles import Role


def report_ready_notify(*, document: Document) -> int:
    """E-mail everyone in the council's quality team a link to the finished report. Returns how many
    were sent now (0 when they had been sent before)."""
    council = document.council
    link = absolute_url("reporting:run", council_slug=council.slug, document_pk=document.pk)
    team = User.objects.filter(
        memberships__council=council, memberships__role=Role.QUALITY_TEAM, is_active=True
    ).distinct()
    sent = 0
    for person in team.order_by("pk"):
        sent += send_once(
            council=council,
            purpose="report-ready",
            key=document.key,
            subject=f"{document.title} is ready",
            template="reporting/email/report_ready.txt",
            context={"person": person, "document": document, "link": link},
            recipient=person,
        )
    return sent
