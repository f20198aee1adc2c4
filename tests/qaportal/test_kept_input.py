"""Input posted after the session expired is kept for its author — and only for them.

A form typed on our own page survives the session running out. A post planted by another site
(which cannot know the browser's CSRF token) is never kept, never replayed after sign-in, and a
signed-out visitor cannot grow a session without limit."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from qaportal.middleware import PENDING_POST, PENDING_POST_MAX_CHARS

PASSWORD = "correct-horse-battery"


def section_url(review, kind="summary"):
    return reverse("audits:section", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": kind})


def csrf_from(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def expire_session(client: Client) -> None:
    """The session ends (timeout) while the page is open; the browser keeps its CSRF cookie."""
    Session.objects.filter(session_key=client.session.session_key).delete()


def sign_in_again(client: Client, user, next_url: str):
    login = reverse("account_login")
    page = client.get(f"{login}?next={next_url}").content.decode()
    return client.post(
        f"{login}?next={next_url}",
        {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": csrf_from(page)},
        follow=True,
    )


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def test_input_typed_on_our_page_survives_the_session_expiring_and_says_when_it_was_typed(browser, world):
    review = world.allocate()
    browser.force_login(world.service_manager)
    token = csrf_from(browser.get(section_url(review)).content.decode())
    expire_session(browser)
    response = browser.post(
        section_url(review),
        {"csrfmiddlewaretoken": token, "section_version": "0", "save": "1", "text": "Typed before the timeout."},
    )
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    page = sign_in_again(browser, world.service_manager, section_url(review)).content.decode()
    assert "Typed before the timeout." in page
    assert "This is input you typed before you were signed out, at" in page
    assert not review.texts.exists(), "nothing is saved until the person saves it"


def test_a_post_planted_by_another_site_is_not_kept_or_replayed_after_sign_in(browser, world):
    review = world.allocate()
    # The victim's browser has our CSRF cookie from an earlier visit, but the attacker's page cannot
    # read it, so its auto-submitted form carries no valid token.
    browser.get(reverse("account_login"))
    response = browser.post(
        section_url(review),
        {"section_version": "0", "save": "1", "text": "Planted: the person is at no risk."},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 302  # sent to sign in, as any signed-out visitor
    assert PENDING_POST not in browser.session
    page = sign_in_again(browser, world.service_manager, section_url(review)).content.decode()
    assert "Planted" not in page
    assert "before you were signed out" not in page


def test_a_forged_token_is_not_enough(browser, world):
    review = world.allocate()
    browser.get(reverse("account_login"))
    browser.post(
        section_url(review),
        {"csrfmiddlewaretoken": "x" * 64, "section_version": "0", "save": "1", "text": "Planted with a made-up token"},
    )
    assert PENDING_POST not in browser.session


def test_only_one_post_of_bounded_size_is_kept_and_only_for_real_councils(browser, world):
    review = world.allocate()
    browser.force_login(world.service_manager)
    token = csrf_from(browser.get(section_url(review)).content.decode())
    expire_session(browser)
    big = "x" * 450_000
    for i in range(40):  # the probe that grew a session to 17.5 MB
        browser.post(f"/nosuchcouncil/reviews/{i}/", {"csrfmiddlewaretoken": token, "text": big})
    assert PENDING_POST not in browser.session, "kept for a council that does not exist"
    browser.post(section_url(review), {"csrfmiddlewaretoken": token, "text": "x" * (PENDING_POST_MAX_CHARS + 1)})
    assert PENDING_POST not in browser.session, "kept although larger than the cap"
    for kind in ["summary", "ratings", "feedback"]:
        browser.post(section_url(review, kind), {"csrfmiddlewaretoken": token, "text": f"typed in {kind}"})
    kept = browser.session[PENDING_POST]
    assert kept["path"] == section_url(review, "feedback") and kept["data"]["text"] == ["typed in feedback"]
    session = Session.objects.get(session_key=browser.session.session_key)
    assert len(session.session_data) < 5_000
