"""Feedback in the browser: the public forms (standard and easy read) and the feedback rule on submit."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from feedback.models import PublicFeedback
from tests.audits.conftest import complete_psr

from .test_review_journeys import sign_in_as, submit_from_check

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_standard_and_easy_read_forms(page, axe, council_a, council_b):
    cache.clear()
    page.goto(f"/f/{council_a.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Give feedback about adult social care")
    axe(page)
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tell us about your experience")
    axe(page)
    page.get_by_label("I am a family member, friend, carer or advocate").check()
    page.get_by_label("Some good, some bad").check()
    page.get_by_label("Tell us about your experience").fill('Mum was listened to. <img src=x onerror="alert(1)">')
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    axe(page)

    page.goto(f"/{council_a.slug}/feedback/easy-read/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us what you think")
    axe(page)
    page.get_by_label("I get help from social care").check()
    page.get_by_label("Yes, it was good").check()
    page.get_by_label("Tell us what happened").fill("They helped me a lot.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    axe(page)

    forms = set(PublicFeedback.objects.filter(council=council_a).values_list("form", flat=True))
    assert forms == {"standard", "easy_read"}
    assert not PublicFeedback.objects.filter(council=council_b).exists()


def test_the_quality_team_reads_feedback_with_markup_shown_as_text(page, axe, council_a, make_member):
    from .test_sign_in import sign_in

    PublicFeedback.objects.create(council=council_a, feedback='<img src=x onerror="alert(1)">Great help')
    make_member(council_a, "quality_team", email="q@derbyshire.example")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, axe, "q@derbyshire.example")
    page.get_by_role("link", name="Feedback").first.click()
    axe(page)
    page.get_by_role("link", name=re.compile("Great help")).click()
    expect(page.locator("#feedback-text")).to_have_text('<img src=x onerror="alert(1)">Great help')
    axe(page)
    assert dialogs == []


def test_a_review_without_feedback_or_reason_cannot_be_submitted_until_a_reason_is_given(page, axe, world):
    review = complete_psr(world.allocate(), world.service_manager)
    review.feedback.delete()
    sign_in_as(page, axe, world.service_manager.email)
    page.goto(f"/derbyshire/reviews/{review.pk}/")
    submit_from_check(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Record the person's feedback, or why they were not contacted")
    axe(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The person's feedback")
    axe(page)

    page.get_by_label("Contact would be unsafe").check()
    page.get_by_label("Explain why").fill("Contact could alert the person she is being protected from.")
    page.get_by_role("button", name="Save and go back to check your answers").click()
    submit_from_check(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review submitted")
    axe(page)
