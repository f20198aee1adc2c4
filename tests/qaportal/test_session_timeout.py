"""Sessions end after a while without activity, and a fixed time after signing in however active the
person is; "Stay signed in" moves the end; nothing typed is lost; and no page reads more queries for it.

The clock the timeout reads is moved by the tests (`clock`); the idle time is 10 minutes and the
longest session an hour here, so the arithmetic is easy to follow."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qaportal import sessions
from qaportal.middleware import PENDING_POST
from qaportal.sessions import ACTIVE_AT, SESSION_ENDS_COOKIE, SIGNED_IN_AT, SessionClock, clock_cookie_value

from .test_kept_input import csrf_from, section_url, sign_in_again

IDLE = 10 * 60
LONGEST = 60 * 60
BACKGROUND = {"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}


@pytest.fixture(autouse=True)
def short_sessions(settings):
    settings.QAPORTAL_SESSION_IDLE_SECONDS = IDLE
    settings.SESSION_COOKIE_AGE = LONGEST


class Clock:
    def __init__(self, start: int):
        self.now = start

    def advance(self, seconds: int) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """The time the timeout sees; it moves only when the test says so."""
    fake = Clock(1_800_000_000)
    monkeypatch.setattr(sessions, "now", lambda: fake.now)
    return fake


def home() -> str:
    return reverse("home", kwargs={"council_slug": "derbyshire"})


def is_signed_in(client: Client) -> bool:
    response = client.get(home())
    return response.status_code == 200


def test_a_person_who_does_nothing_for_the_idle_time_is_signed_out_and_told_why(client, world, clock):
    client.force_login(world.service_manager)
    key = client.session.session_key
    assert is_signed_in(client)
    for _ in range(3):  # each page opened moves the end: longer in all than the idle time
        clock.advance(IDLE - 1)
        assert is_signed_in(client)
    clock.advance(IDLE)
    response = client.get(home())
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    page = client.get(response.url).content.decode()
    assert "For your security, we signed you out because you had not used QA Portal for 10 minutes." in page
    assert not Session.objects.filter(session_key=key).exists()
    assert not is_signed_in(client)


def test_reading_in_the_background_does_not_keep_a_session_alive(client, world, clock):
    """A report's progress, asked for every two seconds by a page left open, is not the person."""
    client.force_login(world.service_manager)
    assert is_signed_in(client)
    clock.advance(IDLE - 10)
    status = client.get(home(), headers=BACKGROUND)
    assert status.status_code == 200
    assert SESSION_ENDS_COOKIE not in status.cookies, "the end did not move, so there is nothing to tell"
    assert client.get(home(), headers={"X-Requested-With": "fetch"}).status_code == 200  # without Sec-Fetch
    clock.advance(10)
    assert not is_signed_in(client)


def test_an_autosaved_draft_is_activity(client, world, clock):
    review = world.allocate()
    client.force_login(world.service_manager)
    assert is_signed_in(client)
    autosave = reverse(
        "audits:autosave", kwargs={"council_slug": "derbyshire", "review_pk": review.pk, "kind": "summary"}
    )
    for _ in range(3):
        clock.advance(IDLE - 1)
        saved = client.post(autosave, {"section_version": "0", "text": "Still typing."}, headers=BACKGROUND)
        assert saved.status_code == 200, saved.content
    clock.advance(IDLE - 1)
    assert is_signed_in(client)


def test_nobody_stays_signed_in_longer_than_the_longest_session_however_active(client, world, clock):
    client.force_login(world.service_manager)
    signed_in_at = clock.now
    while clock.now + IDLE - 1 < signed_in_at + LONGEST:
        clock.advance(IDLE - 1)
        assert is_signed_in(client)
    clock.advance(IDLE - 1)
    response = client.get(home())
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "because you signed in more than 1 hour ago" in page


def test_the_browser_is_told_when_the_session_ends_in_a_cookie_its_script_can_read(client, world, clock):
    client.force_login(world.service_manager)
    signed_in_at = clock.now
    clock.advance(30)
    response = client.get(home())
    cookie = response.cookies[SESSION_ENDS_COOKIE]
    assert cookie.value.startswith(f"{clock.now + IDLE}.{signed_in_at + LONGEST}:")
    assert not cookie["httponly"], "the page's script reads it"
    assert cookie["samesite"] == "Lax"


@pytest.fixture
def browser(world, clock):
    """A browser that sends the CSRF token as a real one does, signed in as the reviewer."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.service_manager)
    return client


def test_stay_signed_in_moves_the_end_and_needs_the_pages_csrf_token(browser, world, clock):
    page = browser.get(home()).content.decode()
    token = csrf_from(page)
    clock.advance(IDLE - 5)
    stayed = browser.post(reverse("session_extend"), {"csrfmiddlewaretoken": token})
    assert stayed.status_code == 200
    assert stayed.json() == {"signed_in": True, "ends_at": clock.now + IDLE, "now": clock.now}
    assert stayed.cookies[SESSION_ENDS_COOKIE].value.startswith(f"{clock.now + IDLE}.")
    clock.advance(IDLE - 5)
    assert is_signed_in(browser), "without staying, the session would have ended"
    assert browser.get(reverse("session_extend")).status_code == 405
    assert browser.post(reverse("session_extend")).status_code == 403, "not without the token"


def test_stay_signed_in_after_the_session_ended_says_so(browser, clock):
    token = csrf_from(browser.get(home()).content.decode())
    clock.advance(IDLE)
    late = browser.post(reverse("session_extend"), {"csrfmiddlewaretoken": token})
    assert late.status_code == 401 and late.json() == {"signed_in": False}
    assert Client().post(reverse("session_extend")).status_code == 401


def test_the_end_cookie_cannot_be_moved_to_another_session_or_altered(client, world, clock):
    other = Client()
    other.force_login(world.group_manager)
    client.force_login(world.service_manager)
    assert is_signed_in(client) and is_signed_in(other)
    clock.advance(IDLE - 1)
    assert is_signed_in(other)  # the other session's cookie now says a later end
    client.cookies[SESSION_ENDS_COOKIE] = other.cookies[SESSION_ENDS_COOKIE].value
    clock.advance(2)
    assert not is_signed_in(client), "another session's cookie counts for nothing here"

    client.force_login(world.service_manager)
    assert is_signed_in(client)
    ends, rest = client.cookies[SESSION_ENDS_COOKIE].value.split(".", 1)
    client.cookies[SESSION_ENDS_COOKIE] = f"{int(ends) + 10 * IDLE}.{rest}"  # a later time, the old signature
    clock.advance(IDLE)
    assert not is_signed_in(client)

    client.force_login(world.service_manager)
    key = client.session.session_key
    forged = SessionClock(ends_at=clock.now + 10 * IDLE, cap_at=clock.now + LONGEST)
    client.cookies[SESSION_ENDS_COOKIE] = clock_cookie_value(key, forged).rsplit(":", 1)[0] + ":made-up"
    clock.advance(IDLE)
    assert not is_signed_in(client)


def test_without_the_cookie_the_last_activity_the_session_recorded_counts(client, world, clock):
    client.force_login(world.service_manager)
    clock.advance(IDLE - 1)
    assert is_signed_in(client)
    del client.cookies[SESSION_ENDS_COOKIE]  # a browser that drops it only ends its session sooner
    clock.advance(2)
    assert not is_signed_in(client)


def test_a_session_from_before_sign_in_times_were_recorded_is_ended(client, world, clock):
    client.force_login(world.service_manager)
    session = client.session
    del session[SIGNED_IN_AT]
    del session[ACTIVE_AT]
    session.save()
    assert not is_signed_in(client)


def test_a_form_posted_after_the_timeout_is_kept_and_given_back_after_signing_in_again(browser, world, clock):
    """Without JavaScript nothing warns the person: what they send after the timeout is kept."""
    review = world.allocate()
    token = csrf_from(browser.get(section_url(review)).content.decode())
    clock.advance(IDLE + 60)
    response = browser.post(
        section_url(review),
        {"csrfmiddlewaretoken": token, "section_version": "0", "save": "1", "text": "Typed over a long lunch."},
    )
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert browser.session[PENDING_POST]["data"]["text"] == ["Typed over a long lunch."]
    login = browser.get(response.url).content.decode()
    assert "we signed you out because you had not used QA Portal for 10 minutes" in login
    page = sign_in_again(browser, world.service_manager, section_url(review)).content.decode()
    assert "Typed over a long lunch." in page
    assert "This is input you typed before you were signed out" in page
    assert not review.texts.exists(), "nothing is saved until the person saves it"


def test_time_running_out_in_the_browser_signs_out_and_offers_to_sign_in_where_they_were(browser, world, clock):
    review = world.allocate()
    token = csrf_from(browser.get(section_url(review)).content.decode())
    ended = browser.post(reverse("session_end"), {"csrfmiddlewaretoken": token, "next": section_url(review)})
    assert ended.status_code == 302 and ended.url == reverse("session_signed_out")
    assert SESSION_ENDS_COOKIE in ended.cookies and not ended.cookies[SESSION_ENDS_COOKIE].value, "deleted"
    page = browser.get(ended.url).content.decode()
    assert '<h1 class="govuk-heading-l">You have been signed out</h1>' in page
    assert "had not used QA Portal for 10 minutes" in page
    assert "has been kept" in page
    link = re.search(r'href="([^"]+)"[^>]*class="govuk-button"', page).group(1)
    assert link == f"{reverse('account_login')}?next={section_url(review).replace('/', '%2F')}"
    assert 'id="timeout-warning"' not in page
    assert not is_signed_in(browser)


@pytest.mark.parametrize(
    "nonsense",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\\\\evil.example", "x" * 3000, "\x00/"],
)
def test_the_signed_out_page_never_sends_people_elsewhere(world, nonsense):
    visitor = Client()
    visitor.force_login(world.service_manager)
    page = visitor.post(reverse("session_end"), {"next": nonsense}, follow=True).content.decode()
    assert f'href="{reverse("account_login")}" role="button"' in page


def test_markup_in_where_they_were_comes_back_escaped(world):
    visitor = Client()
    visitor.force_login(world.service_manager)
    page = visitor.post(reverse("session_end"), {"next": '/derbyshire/"><script>x</script>'}, follow=True)
    assert "<script>x</script>" not in page.content.decode()


def test_someone_signed_in_again_is_not_told_they_were_signed_out(client, world):
    client.force_login(world.service_manager)
    assert client.get(reverse("session_signed_out")).status_code == 302


def test_the_warning_is_on_pages_for_signed_in_people_only(client, world, clock):
    client.force_login(world.service_manager)
    page = client.get(home()).content.decode()
    dialog = re.search(r"<dialog [^>]*>", page).group(0)
    assert 'id="timeout-warning"' in dialog and 'aria-modal="true"' in dialog
    assert 'aria-labelledby="timeout-warning-title"' in dialog
    assert f'data-ends-at="{clock.now + IDLE}"' in dialog and 'data-warn-seconds="120"' in dialog
    assert "Stay signed in" in page and 'src="/static/js/session_timeout.mjs"' in page
    assert 'name="next" value="/derbyshire/"' in page
    login = Client().get(reverse("account_login")).content.decode()
    assert "timeout-warning" not in login and "session_timeout.mjs" not in login


def test_no_page_reads_another_query_for_the_timeout(world, settings):
    """Activity goes in a signed cookie, not the database: the same queries with the timeout as without."""
    review = world.allocate()
    pages = [
        home(),
        section_url(review),
        reverse("audits:review", kwargs={"council_slug": "derbyshire", "review_pk": review.pk}),
    ]

    def queries() -> list[int]:
        client = Client()
        client.force_login(world.service_manager)
        counts = []
        for url in pages * 2:  # the first visit has no cookie yet; the second has
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts

    queries()  # the first visit of a section writes that its guidance was read: not measured
    with_timeout = queries()
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "qaportal.sessions.SessionTimeoutMiddleware"]
    assert queries() == with_timeout


@pytest.mark.django_db
def test_sessions_past_their_end_are_deleted_nightly_and_live_ones_kept(settings):
    import datetime as dt

    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from qaportal.tasks import clear_sessions

    live, ended = SessionStore(), SessionStore()
    live.create()
    ended.create()
    Session.objects.filter(session_key=ended.session_key).update(expire_date=timezone.now() - dt.timedelta(hours=1))

    assert clear_sessions() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert settings.CELERY_BEAT_SCHEDULE["clear-sessions"]["task"] == "qaportal.clear_sessions"
