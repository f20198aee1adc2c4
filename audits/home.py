"""What the home page shows each person of their reviews."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from qaportal.home import register_panel
from qaportal.permissions import roles_of
from qaportal.roles import Role

from . import selectors


@register_panel(10)
def returned_and_open_reviews(request: HttpRequest):
    reviews = list(
        selectors.reviews_for_reviewer(council=request.council, user=request.user).filter(
            status__in=["allocated", "in_progress", "returned"]
        )[:20]
    )
    if not reviews and not roles_of(request.user, request.council) & {
        Role.SERVICE_MANAGER,
        Role.SENIOR_PRACTITIONER,
        Role.PRACTITIONER,
        Role.ADVANCED_PRACTITIONER,
    }:
        return None
    from .programme import requests_for

    return "audits/home/my_reviews.html", {
        "returned": [r for r in reviews if r.status == "returned"],
        "open": [r for r in reviews if r.status != "returned"],
        "requests": list(requests_for(council=request.council, user=request.user)),
        "today": timezone.localdate(),
    }


@register_panel(20)
def group_manager_work(request: HttpRequest):
    if Role.GROUP_MANAGER not in roles_of(request.user, request.council):
        return None
    from .programme import expected_for_group_manager

    return "audits/home/group_manager.html", {
        "to_allocate": expected_for_group_manager(
            council=request.council, user=request.user, period=timezone.localdate()
        )
        .filter(review__isnull=True)
        .count(),
        "to_authorise": selectors.authorisation_queue(council=request.council, user=request.user).count(),
        "escalations": list(selectors.open_escalations_for(council=request.council, user=request.user)),
    }


@register_panel(40)
def council_compliance(request: HttpRequest):
    """Directors, strategic managers and the quality side see the month's compliance at a glance."""
    if not roles_of(request.user, request.council) & {
        Role.DIRECTOR,
        Role.STRATEGIC_MANAGER,
        Role.QUALITY_TEAM,
        Role.PRINCIPAL_SOCIAL_WORKER,
    }:
        return None
    from .programme import compliance

    today = timezone.localdate()
    rows = compliance(council=request.council, period=today, by="council", today=today)
    return "audits/home/compliance.html", {"row": rows[0] if rows else None, "month": today}
