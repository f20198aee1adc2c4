"""Derbyshire PSR/SPSR practice guidance v4, practitioner led PSRs: "Practitioners will be invited to a
session, placed into smaller reviewer groups and asked to review a Mosaic PIN together. These sessions
will be facilitated by the Practice Standards Team and PSW ... The facilitators will collate a summary of
themes". One review per session, with its attendees and the group's reflections, counted per team."""

import datetime as dt

import pytest
from django.http import QueryDict

from audits.models import CaseSample, ExpectedReview, GroupSession, ProgrammeRun, Review
from audits.programme import services as programme
from audits.reviews import services
from audits.reviews.permissions import can_view_review
from audits.reviews.selectors import review_in_council
from audits.sections import sections_of
from qaportal.models import Council, Membership, Team
from tests.conftest import demo_for_module

demo = demo_for_module("derbyshire")


@pytest.fixture
def derbyshire(demo, db):
    return Council.objects.get(slug="derbyshire")


def test_the_demo_holds_a_facilitated_session_with_its_attendees_and_reflections(derbyshire):
    session = GroupSession.objects.select_related("review__reviewer").get(council=derbyshire)
    assert session.review.status == "submitted"
    assert Membership.objects.filter(council=derbyshire, user=session.review.reviewer, role="principal_social_worker")
    assert session.attendees.count() == 3 and session.held_on and "carers' assessments" in session.reflections


def test_the_programme_asks_for_one_session_a_team_not_a_form_a_practitioner(derbyshire):
    ExpectedReview.objects.all().delete()
    CaseSample.objects.all().delete()
    ProgrammeRun.objects.all().delete()
    programme.run_month(council=derbyshire, period=dt.date(2027, 6, 1))
    sessions = ExpectedReview.objects.filter(council=derbyshire, template__key="practitioner-led-psr")
    long_term = set(Team.objects.filter(council=derbyshire, kind="long_term").values_list("pk", flat=True))
    assert sorted(sessions.values_list("team_id", flat=True)) == sorted(long_term)
    facilitators = set(sessions.values_list("person__memberships__role", flat=True))
    assert facilitators == {"principal_social_worker"}
    assert not ExpectedReview.objects.filter(
        council=derbyshire, template__key="practitioner-led-psr", person__memberships__role="practitioner"
    ).exists()

    expected = sessions.select_related("team", "rule").first()
    elsewhere = derbyshire.cases.exclude(team=expected.team).first()
    with pytest.raises(Exception, match="This session is for"):
        programme.expected_allocate(expected=expected, case=elsewhere, by=expected.person)


def test_a_session_needs_its_date_two_or_more_practitioners_and_the_groups_reflections(derbyshire):
    session = GroupSession.objects.select_related("review").get(council=derbyshire)
    facilitator = session.review.reviewer
    review = Review.objects.get(pk=session.review_id)
    # A fresh session review from the same form, to fill in step by step.
    template = review.template_version.template
    case = (
        derbyshire.cases.exclude(pk=review.case_id)
        .exclude(reviews__isnull=False)
        .filter(team__kind="long_term")
        .first()
    )
    new = services.review_allocate(
        council=derbyshire, template=template, case=case, reviewer=facilitator, by=facilitator, kind="additional"
    )
    section = next(s for s in sections_of(new) if s.kind == "session")
    assert [p.message for p in section.problems()] == [
        "Enter the date of the session",
        "Choose the practitioners who reviewed the PIN together: at least 2",
        "Record the group's reflections",
    ]
    practitioners = list(
        Membership.objects.filter(council=derbyshire, role="practitioner").values_list("user_id", flat=True)[:2]
    )
    data = QueryDict(mutable=True)
    data.update({"held_on_0": "3", "held_on_1": "12", "held_on_2": "2026", "reflections": "Strengths were clear."})
    data.setlist("attendees", [str(practitioners[0])])
    services.section_save(review=new, kind="session", data=data, base_version=0, by=facilitator)
    fresh = review_in_council(council=derbyshire, pk=new.pk)
    problems = [p.message for s in sections_of(fresh) if s.kind == "session" for p in s.problems()]
    assert problems == ["Choose the practitioners who reviewed the PIN together: at least 2"]
    data.setlist("attendees", [str(pk) for pk in practitioners])
    services.section_save(review=fresh, kind="session", data=data, base_version=1, by=facilitator)
    fresh = review_in_council(council=derbyshire, pk=new.pk)
    assert not [p for s in sections_of(fresh) if s.kind == "session" for p in s.problems()]
    # Those who took part read what their session recorded.
    from qaportal.models import User

    assert can_view_review(User.objects.get(pk=practitioners[1]), fresh)
    assert review.pk != fresh.pk
    assert fresh.changes.filter(field="Who took part").count() == 2
