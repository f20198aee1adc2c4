"""Moderation rounds from opening to outcomes.

Opening draws the sample from the council's completed reviews and shares it among the panel (see
`sampling`) in one transaction. Every later change re-reads the round, assignment or verdict under a
row lock, so two people acting at once are serialised and the second is told what the first did."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Review, StandardRating
from qaportal import outbox
from qaportal.models import Council, Membership, User
from qaportal.roles import Role
from standards.models import ScaleLevel

from .models import (
    Assignment,
    DisagreementComment,
    LearningTheme,
    ModerationRound,
    PanelMember,
    Reassignment,
    StandardVerdict,
    Verdict,
)
from .sampling import Candidate, Member, draw, may_moderate
from .schedules import SCHEDULES


def _candidates(reviews) -> list[Candidate]:
    rows = reviews.values_list(
        "pk",
        "case__team_id",
        "reviewer_id",
        "template_version__template_id",
        "delegate_id",
        "authorised_by_id",
        "allocated_by_id",
    )
    return [
        Candidate(pk, team, reviewer, template, frozenset(p for p in (reviewer, delegate, authoriser, allocator) if p))
        for pk, team, reviewer, template, delegate, authoriser, allocator in rows
    ]


def candidates_for(*, council: Council, start: dt.date, end: dt.date, template_keys: list[str]) -> list[Candidate]:
    return _candidates(
        Review.objects.filter(
            council=council,
            submitted_at__date__gte=start,
            submitted_at__date__lte=end,
            template_version__template__key__in=template_keys,
        ).completed()
    )


def candidates_for_reviews(*, council: Council, review_ids: list[int]) -> list[Candidate]:
    return _candidates(Review.objects.filter(council=council, pk__in=review_ids))


def members_for(*, council: Council, people: list[User]) -> list[Member]:
    teams: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in Membership.objects.filter(
        council=council, user__in=[p.pk for p in people], team__isnull=False
    ).values_list("user_id", "team_id"):
        teams[user_id].add(team_id)
    return [Member(p.pk, frozenset(teams[p.pk])) for p in people]


@transaction.atomic
def round_open(
    *,
    council: Council,
    name: str,
    start: dt.date,
    end: dt.date,
    template_keys: list[str],
    sample_rule: str,
    amount: int,
    panel: list[User],
    closes_on: dt.date,
    by: User | None = None,
    seed: str = "",
    schedule: str = "",
) -> ModerationRound:
    """Open a round: its sample drawn reproducibly (the seed is kept) and assigned evenly to the panel,
    never to someone who wrote, delegated, allocated or authorised a review, or whose team owns its case."""
    if not panel:
        raise ValidationError(_("Choose at least one panel member."))
    if end < start:
        raise ValidationError(_("The period must end on or after the day it starts."))
    moderation_round = ModerationRound.objects.create(
        council=council,
        name=name,
        period_start=start,
        period_end=end,
        template_keys=template_keys,
        sample_rule=sample_rule,
        amount=amount,
        seed=seed or secrets.token_hex(8),
        closes_on=closes_on,
        schedule=schedule,
        opened_by=by,
    )
    PanelMember.objects.bulk_create(PanelMember(council=council, round=moderation_round, person=p) for p in panel)
    sample = draw(
        candidates_for(council=council, start=start, end=end, template_keys=template_keys),
        members_for(council=council, people=panel),
        seed=moderation_round.seed,
        **({"percent": amount} if sample_rule == ModerationRound.SampleRule.PERCENT else {"each": amount}),
    )
    Assignment.objects.bulk_create(
        Assignment(council=council, round=moderation_round, review_id=c.review, moderator_id=m.person, position=i)
        for i, (c, m) in enumerate(sample, start=1)
    )
    return moderation_round


# --- the round's life: close, extend, cancel ----------------------------------------------------


class RoundNotOpen(ValidationError):
    """The round was closed or cancelled (perhaps a moment ago, by someone else)."""


def _locked_round(moderation_round: ModerationRound) -> ModerationRound:
    return ModerationRound.objects.select_for_update().get(council=moderation_round.council, pk=moderation_round.pk)


def _still_open(moderation_round: ModerationRound) -> ModerationRound:
    current = _locked_round(moderation_round)
    if current.status != ModerationRound.Status.OPEN:
        raise RoundNotOpen(
            _("This round was %(status)s, so it can no longer be changed.")
            % {"status": current.get_status_display().lower()}
        )
    return current


@transaction.atomic
def round_close(*, moderation_round: ModerationRound, by: User | None, notify: bool = True) -> ModerationRound:
    """Close the round (early, or on its closing day): the reviewers and their group managers then
    see the verdicts, and are e-mailed once, after the change commits (`notify=False`: the demo's
    past rounds, whose outcomes were shared long ago)."""
    current = _still_open(moderation_round)
    current.status, current.closed_at, current.closed_by = ModerationRound.Status.CLOSED, timezone.now(), by
    current.save(update_fields=["status", "closed_at", "closed_by"])
    if notify:
        # By name: moderation.tasks imports this module.
        outbox.enqueue("moderation.send_outcomes", [current.council_id, current.pk])
    return current


@transaction.atomic
def round_extend(*, moderation_round: ModerationRound, closes_on: dt.date, by: User) -> ModerationRound:
    current = _still_open(moderation_round)
    if closes_on <= current.closes_on:
        raise ValidationError(_("The new closing date must be after %(d)s.") % {"d": f"{current.closes_on:%-d %B %Y}"})
    current.closes_on = closes_on
    current.save(update_fields=["closes_on"])
    return current


@transaction.atomic
def round_cancel(*, moderation_round: ModerationRound, reason: str, by: User) -> ModerationRound:
    """Cancel with a reason: the panel no longer sees the reviews, and no verdict is sent to anyone."""
    if not reason.strip():
        raise ValidationError(_("Enter why the round is cancelled."))
    current = _still_open(moderation_round)
    current.status, current.cancel_reason = ModerationRound.Status.CANCELLED, reason.strip()
    current.closed_at, current.closed_by = timezone.now(), by
    current.save(update_fields=["status", "cancel_reason", "closed_at", "closed_by"])
    return current


@transaction.atomic
def assignment_reassign(*, assignment: Assignment, to: User, reason: str, by: User) -> Assignment:
    """Give a review to another panel member (someone is away), keeping the reason. The new
    moderator must be one who may moderate it; a submitted verdict stays where it is."""
    if not reason.strip():
        raise ValidationError(_("Enter why the review is reassigned."))
    _still_open(assignment.round)
    current = Assignment.objects.select_for_update().get(council=assignment.council, pk=assignment.pk)
    if Verdict.objects.filter(council=current.council, assignment=current, status=Verdict.Status.SUBMITTED).exists():
        raise ValidationError(_("The verdict on this review has been submitted, so it cannot be reassigned."))
    if to.pk == current.moderator_id:
        raise ValidationError(_("Choose someone other than the current moderator."))
    (candidate,) = candidates_for_reviews(council=current.council, review_ids=[current.review_id])
    (member,) = members_for(council=current.council, people=[to])
    if not may_moderate(member, candidate):
        raise ValidationError(
            _("%(who)s wrote, delegated, allocated or authorised this review, or works in the case's team.")
            % {"who": to}
        )
    Reassignment.objects.create(
        council=current.council,
        assignment=current,
        from_moderator_id=current.moderator_id,
        to_moderator=to,
        reason=reason.strip(),
        by=by,
    )
    PanelMember.objects.get_or_create(council=current.council, round_id=current.round_id, person=to)
    # A draft the first moderator left is theirs, not the new moderator's.
    Verdict.objects.filter(council=current.council, assignment=current).delete()
    current.moderator = to
    current.save(update_fields=["moderator"])
    return current


# --- the verdict ------------------------------------------------------------------------------------


class VerdictConflict(ValidationError):
    """The verdict was saved elsewhere (another tab) after this form was opened."""


def ratings_of(review: Review) -> list[StandardRating]:
    """The review's rated standards, in the order of its form, each with its level."""
    return list(
        StandardRating.objects.filter(council=review.council, review=review, standard__rated=True)
        .select_related("standard", "level")
        .order_by("standard__order")
    )


def verdict_of(assignment: Assignment) -> Verdict:
    verdict, _created = Verdict.objects.get_or_create(council=assignment.council, assignment=assignment)
    return verdict


@transaction.atomic
def verdict_autosave(*, assignment: Assignment, data: dict, base_version: int, by: User) -> Verdict:
    """Keep what the moderator has typed, apart from the saved verdict, until they save it."""
    _check_moderator(assignment, by)
    verdict = Verdict.objects.select_for_update().get(pk=verdict_of(assignment).pk)
    if verdict.status == Verdict.Status.SUBMITTED:
        raise ValidationError(_("This verdict has been submitted."))
    if verdict.version != base_version:
        raise ValidationError(_("This verdict was saved in another window after you opened it."))
    verdict.draft_data, verdict.draft_saved_at = data, timezone.now()
    verdict.save(update_fields=["draft_data", "draft_saved_at"])
    return verdict


def _check_moderator(assignment: Assignment, by: User) -> None:
    if assignment.moderator_id != by.pk:
        raise PermissionDenied(_("This review is assigned to another panel member."))


@transaction.atomic
def verdict_save(
    *, assignment: Assignment, cleaned: dict, base_version: int, by: User, submit: bool = False
) -> Verdict:
    """Save the verdict (a draft, or submitted). `cleaned` is the verdict form's cleaned data:
    quality, practice, feedback, themes and, per rating pk, agrees / level / reason."""
    _check_moderator(assignment, by)
    _still_open(assignment.round)
    verdict = Verdict.objects.select_for_update().get(pk=verdict_of(assignment).pk)
    if verdict.status == Verdict.Status.SUBMITTED:
        raise ValidationError(_("This verdict has already been submitted."))
    if verdict.version != base_version:
        raise VerdictConflict(_("This verdict was saved in another window after you opened it."))
    verdict.quality = cleaned.get("quality") or ""
    verdict.practice = cleaned.get("practice", "").strip()
    verdict.feedback = cleaned.get("feedback", "").strip()
    verdict.version += 1
    verdict.draft_data, verdict.draft_saved_at = {}, None
    if submit:
        verdict.status, verdict.submitted_at = Verdict.Status.SUBMITTED, timezone.now()
    verdict.save()
    verdict.themes.set(cleaned.get("themes") or [])
    for rating_pk, answer in cleaned["standards"].items():
        agrees = answer.get("agrees")
        StandardVerdict.objects.update_or_create(
            council=verdict.council,
            verdict=verdict,
            rating_id=rating_pk,
            defaults={
                "agrees": agrees,
                # Agreeing leaves the reviewer's rating as the only one: nothing else to keep.
                "level_id": answer.get("level") if agrees is False else None,
                "reason": (answer.get("reason") or "").strip() if agrees is False else "",
            },
        )
    return verdict


# --- outcomes: discussion and the quality team's final rating -----------------------------------------


def _closed_round_verdict(standard_verdict: StandardVerdict) -> None:
    if standard_verdict.verdict.assignment.round.status != ModerationRound.Status.CLOSED:
        raise ValidationError(_("Disagreements are discussed once the round has closed."))


@transaction.atomic
def comment_add(*, standard_verdict: StandardVerdict, text: str, by: User) -> DisagreementComment:
    if not text.strip():
        raise ValidationError(_("Enter your comment."))
    _closed_round_verdict(standard_verdict)
    return DisagreementComment.objects.create(
        council=standard_verdict.council, standard_verdict=standard_verdict, author=by, text=text.strip()
    )


@transaction.atomic
def disagreement_resolve(
    *, standard_verdict: StandardVerdict, level: ScaleLevel, note: str, by: User
) -> StandardVerdict:
    """The quality team's final rating. The reviewer's and moderator's ratings are kept as they were."""
    _closed_round_verdict(standard_verdict)
    current = StandardVerdict.objects.select_for_update().get(council=standard_verdict.council, pk=standard_verdict.pk)
    if current.resolved_at is not None:
        raise ValidationError(
            _("%(who)s resolved this disagreement first.") % {"who": current.resolved_by or _("Someone")}
        )
    if current.agrees is not False:
        raise ValidationError(_("The moderator agreed with this rating: there is nothing to resolve."))
    if not note.strip():
        raise ValidationError(_("Enter why this is the final rating."))
    current.final_level, current.resolution = level, note.strip()
    current.resolved_by, current.resolved_at = by, timezone.now()
    current.save(update_fields=["final_level", "resolution", "resolved_by", "resolved_at"])
    return current


# --- learning themes ----------------------------------------------------------------------------


def theme_add(*, council: Council, name: str) -> LearningTheme:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Enter the theme."))
    try:
        with transaction.atomic():
            return LearningTheme.objects.create(council=council, name=name)
    except IntegrityError:
        raise ValidationError(_("%(name)s is already on the list.") % {"name": name}) from None


def theme_retire(*, theme: LearningTheme, retired: bool = True) -> LearningTheme:
    LearningTheme.objects.filter(council=theme.council, pk=theme.pk).update(retired=retired)
    theme.retired = retired
    return theme


# --- the councils' timetables (Celery beat) ----------------------------------------------------------


def scheduled_round_open(*, council: Council, today: dt.date) -> ModerationRound | None:
    """Open the council's scheduled round for the period just ended, if it is time and it is not
    open already. Idempotent in the database: one round per council, schedule and period."""
    schedule = SCHEDULES.get(council.slug)
    period = schedule.due_period(today) if schedule else None
    if schedule is None or period is None:
        return None
    start, end = period
    if ModerationRound.objects.filter(council=council, schedule=schedule.key, period_start=start).exists():
        return None
    label = f"{start:%B %Y}" if schedule.months == 1 else f"{start:%B} to {end:%B %Y}"
    panel = list(
        User.objects.filter(memberships__council=council, memberships__role=Role.MODERATOR, is_active=True)
        .distinct()
        .order_by("pk")
    )
    keys = list(council.review_templates.values_list("key", flat=True))
    try:
        with transaction.atomic():
            return round_open(
                council=council,
                name=schedule.name.format(period=label),
                start=start,
                end=end,
                template_keys=keys,
                sample_rule=schedule.sample_rule,
                amount=schedule.amount,
                panel=panel,
                closes_on=schedule.closes_on(today),
                schedule=schedule.key,
            )
    except IntegrityError:
        return None  # another worker opened it a moment ago
    except ValidationError:
        return None  # nobody on the panel yet: nothing to open


def rounds_due_to_close(*, council: Council, today: dt.date) -> list[ModerationRound]:
    return list(
        ModerationRound.objects.filter(council=council, status=ModerationRound.Status.OPEN, closes_on__lt=today)
    )


def close_due_rounds(*, council: Council, today: dt.date) -> int:
    """Close every open round whose closing day has passed."""
    closed = 0
    for moderation_round in rounds_due_to_close(council=council, today=today):
        try:
            round_close(moderation_round=moderation_round, by=None)
        except RoundNotOpen:
            continue  # closed by hand meanwhile
        closed += 1
    return closed
