"""The demo's year of history (what `make run` loads; the suite's other demo loads skip it): completed
reviews with the person's feedback, QA plan actions, escalations and best practice, and moderation
rounds with verdicts, in every council, on first run."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from audits.models import BestPracticeNotice, Escalation, QAPlanAction, Review, StandardRating
from audits.sections import review_relations, sections_of
from feedback.models import ContactAttempt, Contacted, ReviewFeedback
from moderation.models import ModerationRound, StandardVerdict, Verdict
from moderation.selectors import agreement_by, moderated_pairs
from qaportal.calendar import add_months
from qaportal.models import Council
from standards.models import SectionKind, TemplateSection
from tests.conftest import demo_for_module

year = demo_for_module(history=True)


@pytest.fixture
def demo_with_history(year, db):
    return None


def past_reviews(council: Council):
    return Review.objects.filter(council=council, period__lt=timezone.localdate().replace(day=1)).completed()


def asking(council: Council, kind: str):
    """The past reviews whose form has the section."""
    versions = TemplateSection.objects.filter(council=council, kind=kind).values("version_id")
    return past_reviews(council).filter(template_version__in=versions)


def in_month(moment: dt.datetime, month: dt.date) -> bool:
    return month <= timezone.localtime(moment).date() < add_months(month, 1)


def test_demo_holds_a_year_of_completed_reviews_and_closed_moderation_rounds_with_verdicts(demo_with_history):
    """Issue: Moderation, acceptance: agreement trends show on first run, in every council."""
    year_ago = timezone.localdate() - dt.timedelta(days=366)
    for council in Council.objects.all():
        months = set(
            Review.objects.filter(council=council, submitted_at__date__gte=year_ago)
            .completed()
            .values_list("period", flat=True)
        )
        assert len(months) >= 12, f"{council}: completed work in only {len(months)} months"
        closed = ModerationRound.objects.filter(council=council, status="closed")
        assert closed.count() >= 3, f"{council} has {closed.count()} closed rounds"
        assert Verdict.objects.filter(council=council, status="submitted", assignment__round__in=closed).count() >= 8
        assert Verdict.objects.filter(council=council).exclude(quality="").exclude(feedback="").exists()
        if council.slug == "coventry":
            # Coventry's audit forms ask questions and rate no standards (its framework has no rating
            # scale): its panel grades each audit's quality, but there are no ratings to agree on.
            assert not StandardVerdict.objects.filter(council=council).exists()
            continue
        assert StandardVerdict.objects.filter(council=council, agrees=False).exists()
        trend = agreement_by(moderated_pairs(council=council), "month")
        assert len(trend) >= 3 and all(row.pairs for row in trend)
    # Somerset's rounds follow its timetable: one a month, the latest (last month's audits) still open.
    somerset = ModerationRound.objects.filter(council__slug="somerset")
    assert set(somerset.values_list("schedule", flat=True)) == {"somerset-monthly"}
    assert somerset.filter(status="open").count() == 1


def test_past_reviews_hold_the_persons_feedback_in_realistic_proportions_some_not_reached_with_reasons(
    demo_with_history,
):
    """Issue: Reporting, a year of history: feedback (some not reached, with reasons)."""
    for council in Council.objects.exclude(slug="coventry"):
        reviews = asking(council, SectionKind.FEEDBACK)
        assert reviews.count() >= 100, council
        records = ReviewFeedback.objects.filter(council=council, review__in=reviews)
        assert records.count() == reviews.count(), f"{council}: a past review without feedback or a reason"
        heard = Counter(records.values_list("given_by", flat=True))
        total = sum(heard.values())
        person = (heard[Contacted.PERSON] + heard[Contacted.REPRESENTATIVE]) / total
        assert 0.55 <= person <= 0.85, f"{council}: {heard}"
        assert 0.03 <= heard[Contacted.PROFESSIONAL] / total <= 0.2, f"{council}: {heard}"
        assert 0.1 <= heard[""] / total <= 0.3, f"{council}: {heard}"
        assert records.filter(anonymous=True).exists()
        assert records.filter(given_by=Contacted.REPRESENTATIVE).exists()
        reasons = set(records.exclude(no_contact_reason="").values_list("no_contact_reason", flat=True))
        assert {ReviewFeedback.NoContactReason.UNREACHABLE, ReviewFeedback.NoContactReason.DECLINED} <= reasons
        assert not records.filter(given_by="", no_contact_detail="").exists(), "a reason given without saying why"
        # Attempts were made while the review was under way, and written up then, not when the demo loaded.
        attempts = ContactAttempt.objects.filter(council=council, review__in=reviews).select_related("review")
        assert {a.method for a in attempts} >= {"phone", "letter", "email", "in_person"}
        for attempt in attempts:
            review = attempt.review
            assert review.started_at < attempt.at < review.submitted_at, attempt
            assert 9 <= timezone.localtime(attempt.at).hour < 17, attempt.at
            assert attempt.at <= attempt.recorded_at < review.submitted_at, attempt
        # Teams differ, so the dashboards have something to show.
        by_team: dict[int, list[bool]] = {}
        for team, reason in records.values_list("review__case__team", "no_contact_reason"):
            by_team.setdefault(team, []).append(bool(reason))
        shares = [sum(v) / len(v) for v in by_team.values() if len(v) >= 5]
        assert max(shares) - min(shares) >= 0.1, f"{council}: {shares}"
    # Coventry's case audits do not ask for the person's feedback (only its practice observation does).
    coventry = Council.objects.get(slug="coventry")
    assert not asking(coventry, SectionKind.FEEDBACK).exists()
    # (This month's demo work may hold an observation, whose worker's part asks; the history holds none.)
    assert not ReviewFeedback.objects.filter(council=coventry, review__in=past_reviews(coventry)).exists()


def test_past_reviews_hold_qa_actions_open_done_and_overdue_escalations_and_best_practice(demo_with_history):
    """Issue: Reporting, a year of history: QA actions open and done, escalations, best-practice notices."""
    today = timezone.localdate()
    for council in Council.objects.exclude(slug="coventry"):
        planned = asking(council, SectionKind.QA_PLAN)
        actions = QAPlanAction.objects.filter(council=council, review__in=planned)
        with_actions = set(actions.values_list("review", flat=True))
        assert 0.35 <= len(with_actions) / planned.count() <= 0.65, council
        # A plan with no actions says none are needed.
        assert set(planned.filter(no_qa_actions=True).values_list("pk", flat=True)) == (
            set(planned.values_list("pk", flat=True)) - with_actions
        )
        assert actions.filter(status="done", completed_at__lte=today).exists()
        assert actions.filter(status="open", due_date__gte=today).exists(), f"{council}: nothing still to do"
        assert actions.filter(status="open", due_date__lt=today).exists(), f"{council}: nothing overdue"
        assert actions.filter(status="done").count() > actions.filter(status="open", due_date__lt=today).count()
        assert not actions.filter(owner_person__isnull=True).exists() and not actions.filter(due_date=None).exists()

        escalations = Escalation.objects.filter(council=council, review__in=past_reviews(council))
        assert 1 <= escalations.count() <= 0.08 * asking(council, SectionKind.ESCALATION).count()
        assert escalations.filter(acknowledged_at__isnull=False).count() > escalations.count() / 2
        for escalation in escalations.select_related("review"):
            assert in_month(escalation.raised_at, escalation.review.period), escalation.raised_at
            assert 9 <= timezone.localtime(escalation.raised_at).hour < 17, escalation.raised_at
            assert escalation.raised_by_id == escalation.review.reviewer_id
            assert escalation.notified_at and escalation.notified_at > escalation.raised_at

        notices = BestPracticeNotice.objects.filter(council=council, review__in=past_reviews(council))
        share = notices.count() / asking(council, SectionKind.BEST_PRACTICE).count()
        assert 0.05 <= share <= 0.15, council
        assert notices.filter(shared_at__isnull=False).exclude(shared_how="").exists()
        assert notices.filter(shared_at__isnull=True).exists()
        for notice in notices.select_related("review"):
            assert notice.raised_at < notice.review.submitted_at and in_month(notice.raised_at, notice.review.period)


def test_every_past_review_is_complete_as_its_form_checks_it(demo_with_history):
    """A moderator or a report reading last year's reviews finds each one finished: feedback or why
    not, a QA plan or none needed, as the form would have insisted before it was submitted."""
    selected, prefetched = review_relations()
    for council in Council.objects.all():
        reviews = (
            past_reviews(council)
            .select_related("template_version", "council", *selected)
            .prefetch_related("template_version__sections", "template_version__standards", *prefetched)
        )
        for review in reviews:
            for section in sections_of(review):
                if section.kind in {SectionKind.FEEDBACK, SectionKind.QA_PLAN, SectionKind.BEST_PRACTICE}:
                    assert not section.problems(), (council.slug, review.pk, section.kind, section.problems())


def test_loading_the_demo_with_history_again_adds_nothing(demo_with_history, settings):
    settings.QAPORTAL_DEMO_HISTORY_MONTHS = 12
    models = [
        Review,
        StandardRating,
        ReviewFeedback,
        ContactAttempt,
        QAPlanAction,
        Escalation,
        BestPracticeNotice,
        ModerationRound,
        Verdict,
    ]

    def counts():
        return {model.__name__: model.objects.count() for model in models}

    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before
