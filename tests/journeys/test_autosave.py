"""Autosave in the browser: typed input survives leaving the page and a dropped connection."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import SectionDraft

from .test_review_journeys import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def test_unsaved_input_is_autosaved_and_restored_even_after_the_connection_drops(page, axe, world):
    review = world.allocate()
    sign_in_as(page, axe, world.service_manager.email)
    section = f"/derbyshire/reviews/{review.pk}/sections/summary/"
    page.goto(section)
    page.get_by_label("Your summary of the review").fill("First thoughts on the case.")
    expect(page.locator("#autosave-status")).to_contain_text(re.compile("Draft kept at"), timeout=10_000)
    assert SectionDraft.objects.filter(review=review, kind="summary").exists()
    assert not review.texts.exists()  # the live review is untouched until the person saves

    # The connection drops while they type: the input is kept in the browser, then sent when it returns.
    page.context.set_offline(True)
    page.get_by_label("Your summary of the review").fill("First thoughts on the case, and more written offline.")
    expect(page.locator("#autosave-status")).to_contain_text("No connection", timeout=10_000)
    page.context.set_offline(False)
    # The browser logs the request that failed while offline: that one is expected, nothing else is.
    offline = [p for p in page.problems if "ERR_INTERNET_DISCONNECTED" in p]
    assert offline and len(offline) <= 2
    page.problems[:] = [p for p in page.problems if p not in offline]
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#autosave-status")).to_contain_text(re.compile("Draft kept at"), timeout=10_000)

    # They leave without saving and come back later: everything typed is there.
    page.goto(f"/derbyshire/reviews/{review.pk}/")
    page.goto(section)
    expect(page.get_by_label("Your summary of the review")).to_have_value(
        "First thoughts on the case, and more written offline."
    )
    expect(page.locator("#restored")).to_contain_text("Your unsaved changes from")
    axe(page)
    page.get_by_role("button", name=re.compile("Save")).first.click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")
    assert review.texts.get().text == "First thoughts on the case, and more written offline."
    assert not SectionDraft.objects.filter(review=review, kind="summary").exists()
