"""The timeout warning in the browser (GOV.UK's pattern): it comes before the session ends, Escape or
"Stay signed in" keep the person signed in past the time it would have ended, and when nobody answers,
what they typed is kept before they are signed out and comes back after signing in again.

The idle time is 20 seconds here and the warning comes 12 seconds before the end, so the journeys
wait for the clock (always for a condition, never a fixed sleep)."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import SectionDraft
from qaportal.models import User
from qaportal.sessions import SESSION_ENDS_COOKIE
from tests.conftest import totp_code

from .test_review_journeys import sign_in_as
from .test_sign_in import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

IDLE = 20
WARNING = 12


@pytest.fixture
def short_sessions(settings):
    def shorten():
        settings.QAPORTAL_SESSION_IDLE_SECONDS = IDLE
        settings.QAPORTAL_SESSION_WARNING_SECONDS = WARNING

    return shorten


def session_ends(page) -> int:
    """When the server says the session ends (epoch seconds), from the cookie the page's script reads."""
    value = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_ENDS_COOKIE)
    return int(value.split(".")[0])


def warning(page):
    return page.get_by_role("dialog", name=re.compile("about to be signed out"))


def test_the_warning_comes_before_the_timeout_and_staying_signed_in_keeps_the_session(page, axe, world, short_sessions):
    sign_in_as(page, axe, world.service_manager.email)
    short_sessions()
    page.goto("/derbyshire/")
    would_have_ended = session_ends(page)

    expect(warning(page)).to_be_visible(timeout=20_000)
    expect(warning(page)).to_contain_text(re.compile(r"For your security, we will sign you out in \d+ seconds?\."))
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    # Screen readers hear the time in steps of 20 seconds in the last minute, not every second.
    expect(page.locator("#timeout-warning-audible")).to_have_text(
        "For your security, we will sign you out in 20 seconds."
    )
    axe(page)

    # Escape is "stay signed in".
    with page.expect_response(lambda r: r.url.endswith("/accounts/session/") and r.request.method == "POST") as stayed:
        page.keyboard.press("Escape")
    assert stayed.value.status == 200
    expect(warning(page)).to_be_hidden()
    assert session_ends(page) > would_have_ended

    # It comes back when the new end draws near; this time the button.
    expect(warning(page)).to_be_visible(timeout=20_000)
    with page.expect_response(lambda r: r.url.endswith("/accounts/session/") and r.request.method == "POST"):
        page.get_by_role("button", name="Stay signed in").click()
    expect(warning(page)).to_be_hidden()

    # After the time the session would have ended without them, they are still signed in.
    page.wait_for_function("end => Date.now() / 1000 > end", arg=would_have_ended + 1, timeout=30_000)
    page.goto("/derbyshire/")
    expect(page).to_have_url(re.compile(r"/derbyshire/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # "Sign out" in the warning signs out as the footer's link does.
    expect(warning(page)).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/derbyshire/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_when_time_runs_out_typed_review_work_is_kept_and_comes_back_after_signing_in(
    page, axe, world, short_sessions, settings
):
    review = world.allocate()
    sign_in_as(page, axe, world.service_manager.email)
    short_sessions()
    section = f"/derbyshire/reviews/{review.pk}/sections/summary/"

    # The connection drops as they type, so autosave cannot send the draft: only the browser has it.
    page.route("**/autosave/", lambda route: route.abort())
    page.goto(section)
    page.get_by_label("Your summary of the review").fill("Typed, then called away from the desk.")
    expect(page.locator("#autosave-status")).to_contain_text("No connection")
    assert not SectionDraft.objects.filter(review=review, kind="summary").exists()
    page.unroute("**/autosave/")
    page.problems[:] = [p for p in page.problems if "ERR_FAILED" not in p]  # the aborted draft, expected

    expect(warning(page)).to_be_visible(timeout=20_000)
    expect(warning(page)).to_contain_text("What you have typed on this page will be kept.")
    # Nobody answers: the draft is sent while they are still signed in, then they are signed out.
    with page.expect_request(lambda r: r.url.endswith("/autosave/") and r.method == "POST"):
        page.wait_for_url("**/accounts/signed-out/", timeout=30_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")
    expect(page.locator("main")).to_contain_text("has been kept")
    axe(page)
    draft = SectionDraft.objects.get(review=review, kind="summary", user=world.service_manager)
    assert draft.data["text"] == ["Typed, then called away from the desk."]
    assert not review.texts.exists(), "kept aside, not saved into the review"

    # Signing in again takes them back to the section, with what they typed.
    settings.QAPORTAL_SESSION_IDLE_SECONDS = 30 * 60
    settings.QAPORTAL_SESSION_WARNING_SECONDS = 2 * 60
    page.get_by_role("button", name="Sign in again").click()
    page.get_by_label("Email").fill(world.service_manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/2fa/authenticate/" in page.url:
        page.get_by_label(re.compile("Code", re.I)).fill(totp_code(User.objects.get(pk=world.service_manager.pk)))
        page.get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page).to_have_url(re.compile(re.escape(section) + "$"))
    expect(page.get_by_label("Your summary of the review")).to_have_value("Typed, then called away from the desk.")
    expect(page.locator("#restored")).to_contain_text("Your unsaved changes from")
    axe(page)
