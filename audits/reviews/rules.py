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
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qaportal.models import Council, Membership, User
from qaportal.roles import Role
from qaportal.selectors import supervisors_of
from standards.models import Independence, ReviewKind, Subject, TemplateVersion

from ..models import Case, Review
from ..models.reviews import COMPLETED_STATUSES, OPEN_STATUSES

PEER_KINDS = {ReviewKind.MANDATORY, ReviewKind.PEER}
LINE_RULES = {Independence.SUPERVISOR, Independence.LINE_MANAGER}
# Somerset's framework has one audit methodology for managers and advanced practitioners and another
# for practitioners; only the practitioners' peer audits carry the "another team" encouragement.
AUDITING_MANAGER_ROLES = {
    Role.DIRECTOR,
    Role.STRATEGIC_MANAGER,
    Role.GROUP_MANAGER,
    Role.SERVICE_MANAGER,
    Role.ADVANCED_PRACTITIONER,
}


def reviews_within_lookback(*, council: Council, today: dt.date | None = None):
    """Reviews completed (submitted or authorised) inside the council's look-back window, of forms
    that have a look-back group: such a case is not given another mandatory review of that group.
    Derbyshire's guidance: "if a PSR/SPSR has already been completed within the last 12 months,
    another PIN must be allocated"."""
    today = today or timezone.localdate()
    since = today - relativedelta(months=council.lookback_months)
    return (
        Review.objects.filter(council=council, submitted_at__date__gt=since)
        .completed()
        .exclude(template_version__lookback_group="")
    )


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
        # Coventry's line relationships: who supervises whom, for the whole council at once.
        self.supervisors: dict[int, int] = supervisors_of(council=council) if version.independence in LINE_RULES else {}
        self._names: dict[int, User] = {}
        # The latest review that stops another: an open one of this form (a case has one mandatory
        # review of a form at a time), or one completed in the look-back window of the form's group.
        self.previous: dict[int, Review] = {}
        if kind == ReviewKind.MANDATORY and cases:
            case_ids = [c.pk for c in cases]
            blocking = Q(
                template_version__template_id=version.template_id, kind=ReviewKind.MANDATORY, status__in=OPEN_STATUSES
            )
            if version.lookback_group:
                recent = reviews_within_lookback(council=council, today=today).filter(
                    template_version__lookback_group=version.lookback_group
                )
                blocking |= Q(pk__in=recent.values("pk"))
            for review in (
                Review.objects.filter(council=council, case__in=case_ids)
                .filter(blocking)
                .select_related("reviewer", "template_version__template")
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
        if case.about != version.subject:
            message = (
                _("A %(t)s is about a member of staff, not a person's case: choose the member of staff.")
                if version.subject == Subject.SUPERVISEE
                else _("A %(t)s is about a person's case: %(case)s is a member of staff's supervision file.")
            )
            problems.append(message % {"t": template, "case": case})
        if self.kind in PEER_KINDS or version.independence in LINE_RULES:
            problems += self.independence_problems(reviewer, case)
        previous = self.previous.get(case.pk)
        if previous is not None:
            problems.append(self._previous_problem(case, previous))
        return problems

    def _previous_problem(self, case: Case, previous: Review) -> str:
        if previous.status in COMPLETED_STATUSES:
            return _(
                "PIN %(pin)s already had a %(t)s completed on %(date)s by %(who)s. A case has one of these "
                "reviews in %(months)s months: choose another case."
            ) % {
                "pin": case.pin,
                "t": previous.template_version.template,
                "date": date_format(timezone.localtime(previous.submitted_at).date(), "j F Y"),
                "who": previous.reviewer,
                "months": self.council.lookback_months,
            }
        return _(
            "PIN %(pin)s already had a %(t)s on %(date)s by %(who)s (%(status)s), still open: a case has "
            "one mandatory %(t)s at a time. Choose another case."
        ) % {
            "pin": case.pin,
            "t": self.version.template,
            "date": date_format(timezone.localtime(previous.created_at).date(), "j F Y"),
            "who": previous.reviewer,
            "status": previous.get_status_display().lower(),
        }

    def warnings(self, reviewer: User, case: Case) -> list[str]:
        """What the council asks people to think about, without refusing: Somerset encourages peer
        audits of another team's work (practice quality framework, audit methodology 3)."""
        if self.kind != ReviewKind.PEER or self.version.independence != Independence.ENCOURAGED:
            return []
        if self.roles[reviewer.pk] & AUDITING_MANAGER_ROLES:
            return []  # managers' and advanced practitioners' audits follow their own methodology
        if case.team_id in self.teams[reviewer.pk]:
            return [
                _(
                    "%(person)s works in %(team)s, the team that owns PIN %(pin)s. Peer audits of a worker in a "
                    "similar role in a different team are encouraged."
                )
                % {"person": reviewer, "team": case.team, "pin": case.pin}
            ]
        return []

    def independence_problems(self, person: User, case: Case) -> list[str]:
        """Whether `person` is independent enough of the work, by the form's own rule: a peer (not its
        worker or manager, nor in its team); within the service (anyone but the case's worker: AMHP
        PSRs are "completed via the AMHP service"); or only encouraged (never refused)."""
        rule = self.version.independence
        if rule in LINE_RULES:
            return self._line_problems(person, case)
        if rule == Independence.ENCOURAGED:
            if self.kind == ReviewKind.PEER and person.pk == case.responsible_worker_id:
                return [
                    _("PIN %(pin)s is %(person)s's own case: auditing it is a self-audit, not a peer audit.")
                    % {"person": person, "pin": case.pin}
                ]
            return []
        if person.pk == case.responsible_worker_id or (
            rule == Independence.PEER and person.pk == case.responsible_manager_id
        ):
            return [
                _("%(person)s is responsible for the work on PIN %(pin)s, so cannot review it: reviews are by a peer.")
                % {"person": person, "pin": case.pin}
            ]
        if rule == Independence.PEER and case.team_id in self.teams[person.pk]:
            return [
                _(
                    "%(person)s works in %(team)s, the team that owns PIN %(pin)s: the reviewer must be "
                    "independent of the team."
                )
                % {"person": person, "team": case.team, "pin": case.pin}
            ]
        return []

    def line_auditor(self, worker_id: int | None) -> int | None:
        """Who the form's line relationship names for the worker's work: their supervisor, or their
        supervisor's line manager (the supervisor's own supervisor)."""
        supervisor = self.supervisors.get(worker_id) if worker_id else None
        if self.version.independence == Independence.LINE_MANAGER:
            return self.supervisors.get(supervisor) if supervisor else None
        return supervisor

    def _name(self, user_id: int) -> User:
        if user_id not in self._names:
            self._names.update(User.objects.in_bulk([user_id, *self.supervisors.values()]))
        return self._names[user_id]

    def _line_problems(self, person: User, case: Case) -> list[str]:
        """Coventry's framework: supervisors audit and observe their own supervisees; supervisors'
        line managers audit the supervision records."""
        worker_id = case.responsible_worker_id
        auditor = self.line_auditor(worker_id)
        by_line_manager = self.version.independence == Independence.LINE_MANAGER
        if worker_id is None:
            return [_("%(case)s has no allocated worker, so nobody supervises the work on it.") % {"case": case}]
        worker = self._name(worker_id)
        if auditor is None:
            missing = (
                _("%(worker)s's supervisor has no line manager recorded")
                if by_line_manager and self.supervisors.get(worker_id)
                else _("%(worker)s has no supervisor recorded")
            ) % {"worker": worker}
            return [
                _("%(missing)s: a council admin records supervision under People, Supervision.") % {"missing": missing}
            ]
        if person.pk != auditor:
            who = self._name(auditor)
            return [
                (
                    _("A %(t)s of %(worker)s's work is by their supervisor's line manager, %(who)s.")
                    if by_line_manager
                    else _("A %(t)s of %(worker)s's work is by their supervisor, %(who)s.")
                )
                % {"t": self.version.template, "worker": worker, "who": who}
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


def new_review_warnings(*, case: Case, version: TemplateVersion, reviewer: User, kind: str) -> list[str]:
    """What the reviewer is asked to think about for this review, where the council warns rather than
    refuses (see `NewReviewRules.warnings`)."""
    rules = NewReviewRules(council=case.council, version=version, kind=kind, reviewers=[reviewer], cases=[])
    return rules.warnings(reviewer, case)


def check_delegate(*, case: Case, version: TemplateVersion, kind: str, delegate: User) -> None:
    """Raise a ValidationError if `delegate` may not complete this review for its reviewer."""
    rules = NewReviewRules(council=case.council, version=version, kind=kind, reviewers=[delegate], cases=[case])
    problems = rules.delegate_problems(delegate, case)
    if problems:
        raise ValidationError(problems)
