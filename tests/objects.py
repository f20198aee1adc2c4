"""One object of every kind in a council, keyed by the URL keyword that names it.

Used by the tenancy test (objects of another council must be a 404) and the bad-input sweep (every
page of the council, filled with nonsense)."""

from __future__ import annotations

from django_scopes import scope

from audits.models import BestPracticeNotice, Escalation, ExpectedReview, QAPlanAction
from audits.programme.loading import load_programme
from audits.reviews import services as review_services
from feedback.models import FeedbackLink, PublicFeedback
from moderation.models import Assignment, ModerationRound, Verdict
from qaportal.models import Document, Invitation
from qaportal.roles import Role
from standards import services as catalogue_services
from standards.catalogue_io import import_catalogue
from standards.models import Criterion, ReviewTemplate, TemplateVersion
from tests.catalogues import catalogue_data
from tests.factories import CaseFactory, MembershipFactory, TeamFactory, UserFactory


def one_of_everything(council, *, catalogue: str, reviewer=None) -> dict:
    """`reviewer`: who completes the review (by default a new service manager in another team)."""
    team = TeamFactory(council=council)
    person = UserFactory()
    membership = MembershipFactory(council=council, user=person, role=Role.PRACTITIONER, team=team)
    case = CaseFactory(council=council, team=team)
    if not ReviewTemplate.objects.filter(council=council).exists():
        with scope(council=council):
            import_catalogue(council=council, data=catalogue_data(catalogue))
    version = TemplateVersion.objects.filter(council=council, status="published").order_by("template__order").first()
    draft = catalogue_services.draft_start(template=version.template, by=person)  # drafts have edit pages too
    criterion = Criterion.objects.filter(standard__version=draft).first()
    if criterion is None:  # a catalogue rated by standard alone (Derbyshire's PSR): give the draft a question
        standard = draft.standards.first()
        criterion = Criterion.objects.create(
            council=council, standard=standard, order=1, number="1.1", text="A question"
        )
    if reviewer is None:
        reviewer = UserFactory()
        MembershipFactory(council=council, user=reviewer, role=Role.SERVICE_MANAGER, team=TeamFactory(council=council))
    with scope(council=council):
        review = review_services.review_allocate(
            council=council, template=version.template, case=case, reviewer=reviewer, by=reviewer, kind="additional"
        )
    escalation = Escalation.objects.create(
        council=council, review=review, concern="safety", detail="x", raised_by=reviewer
    )
    action = QAPlanAction.objects.create(
        council=council, review=review, order=1, description="Update the plan", owner_person=reviewer
    )
    notice = BestPracticeNotice.objects.create(council=council, review=review, text="Good", raised_by=reviewer)
    item = PublicFeedback.objects.create(council=council, feedback=f"Private feedback to {council.name}")
    rule = load_programme(council).rules.first()
    expected = ExpectedReview.objects.create(
        council=council,
        rule=rule,
        period=review.period,
        person=reviewer,
        template=version.template,
        kind="peer",
        due_date=review.period,
    )
    invitation = Invitation.objects.create(council=council, user=UserFactory(), role=Role.MODERATOR)
    pdf = Document.objects.create(  # a failed run, so its page offers "try again"
        council=council, kind="review-pdf", key="x", title="x", params={"review_id": review.pk}, status="failed"
    )
    link = FeedbackLink.objects.create(council=council, review=review, created_by=reviewer)
    moderation_round = ModerationRound.objects.create(
        council=council,
        name="Moderation",
        period_start=review.period,
        period_end=review.period,
        template_keys=[version.template.key],
        sample_rule="per_member",
        amount=1,
        seed="x",
        closes_on=review.period,
    )
    # Assigned to the reviewer (as no round would draw it), so one person reaches every page.
    assignment = Assignment.objects.create(
        council=council, round=moderation_round, review=review, moderator=reviewer, position=1
    )
    verdict = Verdict.objects.create(council=council, assignment=assignment)
    return {
        "invitation_pk": invitation.pk,
        "document_pk": pdf.pk,
        "team_pk": team.pk,
        "person_pk": person.pk,
        "membership_pk": membership.pk,
        "case_pk": case.pk,
        "template_pk": version.template_id,
        "version_pk": draft.pk,
        "standard_pk": criterion.standard_id,
        "criterion_pk": criterion.pk,
        "review_pk": review.pk,
        "escalation_pk": escalation.pk,
        "action_pk": action.pk,
        "kind": "ratings",
        "report": "annual",  # a kind of report (reports are the council's own: no object of B to name)
        "start": "2026-01",  # the first month of a report
        "notice_pk": notice.pk,
        "item_pk": item.pk,
        "rule_pk": rule.pk,
        "programme_pk": rule.programme_id,
        "expected_pk": expected.pk,
        "token": link.token,
        "round_pk": moderation_round.pk,
        "assignment_pk": assignment.pk,
        "verdict_pk": verdict.pk,
        "_review": review,
    }


def more_of_everything(council, *, reviewer, objects: dict, n: int) -> None:
    """`n` more of what lists and counts show, around the objects of `one_of_everything`: cases and
    reviews of them (with their escalations, QA plan actions and best-practice notices), the public's
    feedback, expected reviews, documents, invitations and moderation assignments with verdicts."""
    review = objects["_review"]
    moderation_round = ModerationRound.objects.get(council=council, pk=objects["round_pk"])
    expected = ExpectedReview.objects.get(council=council, pk=objects["expected_pk"])
    for i in range(n):
        team = TeamFactory(council=council)
        MembershipFactory(council=council, user=UserFactory(), role=Role.PRACTITIONER, team=team)
        case = CaseFactory(council=council, team=team)
        with scope(council=council):
            another = review_services.review_allocate(
                council=council,
                template=review.template_version.template,
                case=case,
                reviewer=reviewer,
                by=reviewer,
                kind="additional",
            )
        Escalation.objects.create(council=council, review=another, concern="risk", detail="x", raised_by=reviewer)
        QAPlanAction.objects.create(
            council=council, review=another, order=1, description="Review the plan", owner_person=reviewer
        )
        BestPracticeNotice.objects.create(council=council, review=another, text="Good", raised_by=reviewer)
        PublicFeedback.objects.create(council=council, feedback=f"Feedback {i}")
        ExpectedReview.objects.create(
            council=council,
            rule=expected.rule,
            period=expected.period,
            number=expected.number + i + 1,
            person=reviewer,
            template=expected.template,
            kind=expected.kind,
            due_date=expected.due_date,
        )
        Invitation.objects.create(council=council, user=UserFactory(), role=Role.MODERATOR)
        Document.objects.create(council=council, kind="review-pdf", key=f"x{i}", title="x", params={}, status="failed")
        FeedbackLink.objects.create(council=council, review=another, created_by=reviewer)
        assignment = Assignment.objects.create(
            council=council, round=moderation_round, review=another, moderator=reviewer, position=i + 2
        )
        Verdict.objects.create(council=council, assignment=assignment)


def every_role(council, user):
    """Give `user` (a council admin of `council`) every other role there, in one team (returned), so
    that role checks never stop a request early: for the sweeps over every page."""
    team = TeamFactory(council=council)
    for role in Role.values:
        if role != Role.COUNCIL_ADMIN:
            MembershipFactory(
                council=council,
                user=user,
                role=role,
                team=team,
                profession="social_worker" if role == Role.PRACTITIONER else "",
            )
    return team
