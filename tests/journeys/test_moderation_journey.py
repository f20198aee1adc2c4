"""Moderation in the browser (issue: Moderation, acceptance), with axe and the console/CSP checks on
every page: the quality team opens a Derbyshire round with two reviews for each panel member; a
moderator sees their two on the home page and completes one verdict, disagreeing with one rating;
the round closes; the reviewer reads the feedback and the group manager is e-mailed once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from audits.reviews import services as review_services
from moderation.models import Assignment, ModerationRound, Verdict
from moderation.services import ratings_of
from tests.audits.conftest import complete_psr, world  # noqa: F401
from tests.factories import CaseFactory
from tests.helpers import wait_for

from .test_review_journeys import sign_in_as, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, legend, day: dt.date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_derbyshire_round_from_opening_to_the_reviewer_reading_the_feedback(
    page,
    axe,
    world,  # noqa: F811  (the fixture imported above)
    make_member,
    celery_session_worker,
):
    w = world
    for pin in ("1000001", "1000002", "1000003", "1000004"):
        case = CaseFactory(council=w.council, team=w.chesterfield, pin=pin, responsible_worker=w.worker)
        review = complete_psr(w.allocate(case=case), w.service_manager)
        review = review_services.review_submit(review=review, by=w.service_manager)
        review_services.review_authorise(review=review, by=w.group_manager, comments="")
    second = make_member(w.council, "moderator", first_name="Dana", last_name="Okafor")
    today = timezone.localdate()

    # The quality team opens the round.
    sign_in_as(page, axe, w.quality.email)
    page.get_by_role("link", name="Moderation").first.click()
    axe(page)
    page.get_by_role("link", name="Open a round").click()
    axe(page)
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the name of the round")
    axe(page)
    page.get_by_label("Name of the round").fill("PSR moderation, this quarter")
    fill_date(page, "Reviews completed from", today - dt.timedelta(days=80))
    fill_date(page, "Reviews completed up to", today)
    page.get_by_label("Practice Standard Review", exact=True).check()
    page.get_by_label("A number for each panel member").check()
    page.get_by_label("How many").fill("2")
    for person in (w.moderator, second):
        page.get_by_label(f"{person} – Moderator", exact=True).check()
    expect(page.locator('input[name="panel"]:checked')).to_have_count(2)
    fill_date(page, "The round closes on", today + dt.timedelta(days=14))
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("4 reviews were sampled")
    axe(page)
    moderation_round = ModerationRound.objects.get(council=w.council)
    assert Assignment.objects.filter(council=w.council, round=moderation_round, moderator=w.moderator).count() == 2
    sign_out(page)

    # A moderator sees their two reviews on the home page and moderates one.
    sign_in_as(page, axe, w.moderator.email)
    panel = page.locator("h2", has_text="Reviews to moderate").locator("xpath=following-sibling::ul[1]")
    expect(panel.get_by_role("link")).to_have_count(2)
    panel.get_by_role("link").first.click()
    axe(page)
    assignment = Assignment.objects.get(council=w.council, pk=int(page.url.rstrip("/").split("/")[-1]))
    ratings = ratings_of(assignment.review)
    page.get_by_role("button", name="Submit your verdict").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the quality of this review")
    axe(page)
    page.get_by_role("group", name="What is the quality of this review?").get_by_label("Good", exact=True).check()
    for i, rating in enumerate(ratings):
        standard = page.locator(f"#standard-{rating.pk}")
        if i == 0:
            standard.get_by_label("No, I would rate it differently").check()
            standard.get_by_label("Outstanding").check()
            standard.get_by_label(f"Why you would rate {rating.standard.number} differently").fill(
                "The person's own words run through the whole assessment."
            )
        else:
            standard.get_by_label("Yes, I agree").check()
    page.get_by_label("Feedback to the reviewer").fill("A careful review; standard 1 deserved more credit.")
    page.get_by_role("button", name="Submit your verdict").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your verdict on")
    axe(page)
    expect(
        page.locator("h2", has_text="Reviews to moderate").locator("xpath=following-sibling::ul[1]").get_by_role("link")
    ).to_have_count(1)
    sign_out(page)

    # The quality team closes the round early.
    sign_in_as(page, axe, w.quality.email)
    page.get_by_role("link", name="PSR moderation, this quarter").first.click()
    axe(page)
    page.get_by_role("link", name="Close the round now").click()
    axe(page)
    page.get_by_role("button", name="Close the round").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The round is closed")
    axe(page)
    sign_out(page)

    # The worker e-mails the reviewer and the group manager, once each.
    assert wait_for(lambda: ModerationRound.objects.get(pk=moderation_round.pk).outcomes_sent_at is not None)
    for person in (w.group_manager, w.service_manager):
        told = [m for m in mail.outbox if m.to == [person.email] and m.subject.startswith("Moderation feedback")]
        assert len(told) == 1, f"{person} was e-mailed {len(told)} times"

    # The reviewer reads the feedback from their home page.
    sign_in_as(page, axe, w.service_manager.email)
    page.get_by_role("link", name=f"{assignment.review}").first.click()
    axe(page)
    expect(page.locator("main")).to_contain_text("A careful review; standard 1 deserved more credit.")
    expect(page.locator("main")).to_contain_text("The moderator would rate it: Outstanding")
    verdict = Verdict.objects.get(council=w.council, assignment=assignment)
    assert verdict.status == "submitted"
