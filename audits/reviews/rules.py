"""The rules every new review must pass, in one place: allocation, additional reviews and (later)
the monthly programme all call `check_new_review`."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qaportal.models import Membership, User
from qaportal.permissions import roles_of
from qaportal.roles import Role
from standards.models import ReviewKind, TemplateVersion

from ..models import Case, Review

PEER_KINDS = {ReviewKind.MANDATORY, ReviewKind.PEER}


def reviews_within_lookback(*, council, today: dt.date | None = None):
    """Reviews (not cancelled) started inside the council's look-back window: such a case cannot
    have another mandatory review of the same type."""
    today = today or timezone.localdate()
    since = today - relativedelta(months=council.lookback_months)
    return Review.objects.filter(council=council, created_at__date__gt=since).exclude(status=Review.Status.CANCELLED)


def last_review_within_lookback(*, case: Case, version: TemplateVersion, today: dt.date | None = None) -> Review | None:
    """The most recent review of this type of this case inside the council's look-back window."""
    return (
        reviews_within_lookback(council=case.council, today=today)
        .filter(case=case, template_version__template_id=version.template_id)
        .select_related("reviewer", "template_version__template")
        .order_by("-created_at")
        .first()
    )


def check_new_review(
    *, case: Case, version: TemplateVersion, reviewer: User, kind: str, today: dt.date | None = None
) -> None:
    """Raise a ValidationError, in words a reviewer understands, if this review must not be created."""
    problems: list[str] = []
    template = version.template
    if version.status != TemplateVersion.Status.PUBLISHED:
        problems.append(_("%(t)s version %(n)s is not in use for new reviews.") % {"t": template, "n": version.number})
    if kind not in version.review_kinds:
        problems.append(
            _("A %(t)s cannot be a %(kind)s review.") % {"t": template, "kind": ReviewKind(kind).label.lower()}
        )
    reviewer_roles = roles_of(reviewer, case.council)
    if not reviewer_roles & set(version.completed_by_roles):
        allowed = ", ".join(str(Role(r).label).lower() for r in version.completed_by_roles)
        problems.append(
            _("%(person)s cannot complete a %(t)s: it is completed by %(allowed)s.")
            % {"person": reviewer, "t": template, "allowed": allowed}
        )
    if kind in PEER_KINDS:
        if reviewer.pk in {case.responsible_manager_id, case.responsible_worker_id}:
            problems.append(
                _("%(person)s is responsible for the work on PIN %(pin)s, so cannot review it: reviews are by a peer.")
                % {"person": reviewer, "pin": case.pin}
            )
        elif (
            Membership.objects.filter(council_id=case.council_id, user=reviewer, team_id=case.team_id)
            .exclude(role=Role.GROUP_MANAGER)
            .exists()
        ):
            problems.append(
                _(
                    "%(person)s works in %(team)s, the team that owns PIN %(pin)s: the reviewer must be "
                    "independent of the team."
                )
                % {"person": reviewer, "team": case.team, "pin": case.pin}
            )
    if kind == ReviewKind.MANDATORY:
        previous = last_review_within_lookback(case=case, version=version, today=today)
        if previous is not None:
            problems.append(
                _(
                    "PIN %(pin)s already had a %(t)s on %(date)s by %(who)s (%(status)s). A case can have one "
                    "mandatory %(t)s in %(months)s months: choose another case."
                )
                % {
                    "pin": case.pin,
                    "t": template,
                    "date": date_format(timezone.localtime(previous.created_at).date(), "j F Y"),
                    "who": previous.reviewer,
                    "status": previous.get_status_display().lower(),
                    "months": case.council.lookback_months,
                }
            )
    if problems:
        raise ValidationError(problems)


def check_delegate(*, case: Case, version: TemplateVersion, kind: str, delegate: User) -> None:
    """Raise a ValidationError if `delegate` may not complete this review for its reviewer."""
    if not version.delegable_to_roles:
        raise ValidationError(_("A %(t)s cannot be delegated.") % {"t": version.template})
    if not roles_of(delegate, case.council) & set(version.delegable_to_roles):
        allowed = ", ".join(str(Role(r).label).lower() for r in version.delegable_to_roles)
        raise ValidationError(
            _("A %(t)s can only be delegated to a %(allowed)s.") % {"t": version.template, "allowed": allowed}
        )
    if kind in PEER_KINDS and (
        delegate.pk in {case.responsible_manager_id, case.responsible_worker_id}
        or Membership.objects.filter(council_id=case.council_id, user=delegate, team_id=case.team_id)
        .exclude(role=Role.GROUP_MANAGER)
        .exists()
    ):
        raise ValidationError(
            _("%(person)s works in the team that owns PIN %(pin)s: the reviewer must be independent of the team.")
            % {"person": delegate, "pin": case.pin}
        )
