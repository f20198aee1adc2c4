"""The rules every new review must pass, in one place: allocation, additional reviews, the monthly
programme and the allocation page (which offers only the cases a reviewer may take) all use them.

`NewReviewRules` judges many (reviewer, case) pairs for one form at once, reading what it needs in a
fixed number of queries; `check_new_review` is the same judgement for one pair, raised as an error."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qaportal.models import Council, Membership, User
from qaportal.roles import Role
from standards.models import ReviewKind, TemplateVersion

from ..models import Case, Review

PEER_KINDS = {ReviewKind.MANDATORY, ReviewKind.PEER}


def reviews_within_lookback(*, council: Council, today: dt.date | None = None):
    """Reviews (not cancelled) started inside the council's look-back window: such a case cannot
    have another mandatory review of the same type."""
    today = today or timezone.localdate()
    since = today - relativedelta(months=council.lookback_months)
    return Review.objects.filter(council=council, created_at__date__gt=since).exclude(status=Review.Status.CANCELLED)


class NewReviewRules:
    """What stops `reviewer` reviewing `case` with this version of a form, for many pairs at once.

    Reads once, whatever the number of pairs: the reviewers' roles and teams, and the latest review of
    this form of each case within the look-back window."""

    def __init__(
        self,
        *,
        council: Council,
        version: TemplateVersion,
        kind: str,
        reviewers: Iterable[User],
        cases: Iterable[Case],
        today: dt.date | None = None,
    ):
        self.council, self.version, self.kind = council, version, kind
        reviewers, cases = list(reviewers), list(cases)
        self.roles: dict[int, set[str]] = defaultdict(set)
        self.teams: dict[int, set[int]] = defaultdict(set)
        for user_id, role, team_id in Membership.objects.filter(
            council=council, user__in=[r.pk for r in reviewers]
        ).values_list("user_id", "role", "team_id"):
            self.roles[user_id].add(role)
            if team_id and role != Role.GROUP_MANAGER:  # a group manager is over teams, not in them
                self.teams[user_id].add(team_id)
        self.previous: dict[int, Review] = {}
        if kind == ReviewKind.MANDATORY and cases:
            for review in (
                reviews_within_lookback(council=council, today=today)
                .filter(case__in=[c.pk for c in cases], template_version__template_id=version.template_id)
                .select_related("reviewer")
                .order_by("created_at")
            ):
                self.previous[review.case_id] = review  # the latest wins

    def problems(self, reviewer: User, case: Case) -> list[str]:
        """Why this review must not be created, in words a reviewer understands; [] when it may."""
        problems: list[str] = []
        version, template = self.version, self.version.template
        if version.status != TemplateVersion.Status.PUBLISHED:
            problems.append(
                _("%(t)s version %(n)s is not in use for new reviews.") % {"t": template, "n": version.number}
            )
        if self.kind not in version.review_kinds:
            problems.append(
                _("A %(t)s cannot be a %(kind)s review.") % {"t": template, "kind": ReviewKind(self.kind).label.lower()}
            )
        if not self.roles[reviewer.pk] & set(version.completed_by_roles):
            allowed = ", ".join(str(Role(r).label).lower() for r in version.completed_by_roles)
            problems.append(
                _("%(person)s cannot complete a %(t)s: it is completed by %(allowed)s.")
                % {"person": reviewer, "t": template, "allowed": allowed}
            )
        if self.kind in PEER_KINDS:
            problems += self.independence_problems(reviewer, case)
        previous = self.previous.get(case.pk)
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
                    "months": self.council.lookback_months,
                }
            )
        return problems

    def independence_problems(self, person: User, case: Case) -> list[str]:
        """A peer review is by someone independent of the work: not its worker or manager, nor in its team."""
        if person.pk in {case.responsible_manager_id, case.responsible_worker_id}:
            return [
                _("%(person)s is responsible for the work on PIN %(pin)s, so cannot review it: reviews are by a peer.")
                % {"person": person, "pin": case.pin}
            ]
        if case.team_id in self.teams[person.pk]:
            return [
                _(
                    "%(person)s works in %(team)s, the team that owns PIN %(pin)s: the reviewer must be "
                    "independent of the team."
                )
                % {"person": person, "team": case.team, "pin": case.pin}
            ]
        return []

    def delegate_problems(self, delegate: User, case: Case) -> list[str]:
        version = self.version
        if not version.delegable_to_roles:
            return [_("A %(t)s cannot be delegated.") % {"t": version.template}]
        if not self.roles[delegate.pk] & set(version.delegable_to_roles):
            allowed = ", ".join(str(Role(r).label).lower() for r in version.delegable_to_roles)
            return [_("A %(t)s can only be delegated to a %(allowed)s.") % {"t": version.template, "allowed": allowed}]
        return self.independence_problems(delegate, case) if self.kind in PEER_KINDS else []


def check_new_review(
    *, case: Case, version: TemplateVersion, reviewer: User, kind: str, today: dt.date | None = None
) -> None:
    """Raise a ValidationError, in words a reviewer understands, if this review must not be created."""
    rules = NewReviewRules(
        council=case.council, version=version, kind=kind, reviewers=[reviewer], cases=[case], today=today
    )
    problems = rules.problems(reviewer, case)
    if problems:
        raise ValidationError(problems)


def check_delegate(*, case: Case, version: TemplateVersion, kind: str, delegate: User) -> None:
    """Raise a ValidationError if `delegate` may not complete this review for its reviewer."""
    rules = NewReviewRules(council=case.council, version=version, kind=kind, reviewers=[delegate], cases=[case])
    problems = rules.delegate_problems(delegate, case)
    if problems:
        raise ValidationError(problems)
