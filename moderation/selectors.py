"""Reads about moderation rounds. Each takes the council explicitly."""

from __future__ import annotations

from django.db.models import QuerySet

from qaportal.models import Council, User

from .models import Assignment, ModerationRound


def assignments_for(*, council: Council, user: User) -> QuerySet[Assignment]:
    """The reviews a panel member is to moderate in the council's open rounds, soonest closing first."""
    return (
        Assignment.objects.filter(council=council, moderator=user, round__status=ModerationRound.Status.OPEN)
        .select_related("round", "review__case", "review__template_version__template", "review__reviewer")
        .order_by("round__closes_on", "position")
    )
