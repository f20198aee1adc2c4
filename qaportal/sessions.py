"""Sessions end after a while without activity, and a fixed time after signing in whatever happens.

A person who leaves their desk is signed out after QAPORTAL_SESSION_IDLE_SECONDS without opening a
page or sending a form (30 minutes); nobody stays signed in longer than SESSION_COOKIE_AGE after
signing in (8 hours). The page warns two minutes before (static/js/session_timeout.mjs).

Activity is recorded without touching the database, so no page reads or writes more queries for it:
each response to a signed-in person carries a cookie, signed with the secret key and bound to their
session, saying when the session ends. It cannot be forged, moved to another session or made to say
a later time; a replayed older one says an earlier time. The page's script reads it to know when to
warn (every tab sees the same time). The session itself holds when the person signed in and, each
time it is saved anyway, when they were last active: without the cookie that is the time that
counts, which can only end a session sooner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import auth, messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SESSION_ENDS_COOKIE = "qaportal_session_ends"
SIGNED_IN_AT = "qaportal_signed_in_at"
ACTIVE_AT = "qaportal_active_at"


def now() -> int:
    """The time in whole seconds since the epoch (tests move it)."""
    return int(time.time())


def idle_seconds() -> int:
    return settings.QAPORTAL_SESSION_IDLE_SECONDS


def longest_seconds() -> int:
    return settings.SESSION_COOKIE_AGE


@dataclass(frozen=True)
class SessionClock:
    """When a signed-in person's session ends (epoch seconds): `ends_at` unless they do something
    first, `cap_at` whatever they do."""

    ends_at: int
    cap_at: int

    def after_activity(self, at: int) -> SessionClock:
        return SessionClock(ends_at=min(at + idle_seconds(), self.cap_at), cap_at=self.cap_at)


def _signer(session_key: str) -> signing.Signer:
    return signing.Signer(salt=f"qaportal.session-ends:{session_key}")


def clock_cookie_value(session_key: str, clock: SessionClock) -> str:
    """`<ends_at>.<cap_at>:<signature>`: the script reads the first number."""
    return _signer(session_key).sign(f"{clock.ends_at}.{clock.cap_at}")


def _clock_from_cookie(request: HttpRequest) -> SessionClock | None:
    raw = request.COOKIES.get(SESSION_ENDS_COOKIE)
    key = request.session.session_key
    if not raw or not key:
        return None
    try:
        ends_at, _sep, cap_at = _signer(key).unsign(raw).partition(".")
        return SessionClock(ends_at=int(ends_at), cap_at=int(cap_at))
    except (signing.BadSignature, ValueError):
        return None


def _clock_from_session(request: HttpRequest, cookie: SessionClock | None) -> SessionClock | None:
    """The session's own record (loads the session, which the sign-in check does anyway). None for a
    session from before sign-in times were recorded: it is ended."""
    signed_in_at = request.session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int):
        return None
    active_at = request.session.get(ACTIVE_AT)
    last = max(
        active_at if isinstance(active_at, int) else signed_in_at,
        cookie.ends_at - idle_seconds() if cookie else 0,
    )
    cap_at = signed_in_at + longest_seconds()
    return SessionClock(ends_at=cap_at, cap_at=cap_at).after_activity(last)


def is_activity(request: HttpRequest) -> bool:
    """A page opened or a form sent is the person at work; a script reading in the background (a
    report's progress) is not, or a page left open would never time out."""
    if request.method not in ("GET", "HEAD"):
        return True
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode:
        return mode == "navigate"
    return "X-Requested-With" not in request.headers


def describe_seconds(seconds: int) -> str:
    """8 hours, 30 minutes, 45 seconds: how long, for people."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return ngettext("%(n)d hour", "%(n)d hours", seconds // 3600) % {"n": seconds // 3600}
    if seconds >= 120 or (seconds >= 60 and seconds % 60 == 0):
        minutes = round(seconds / 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}


def stamp_sign_in(sender, request: HttpRequest, user, **kwargs) -> None:
    """On signing in (the `user_logged_in` signal): the start of the longest session, and activity."""
    if request is None or not hasattr(request, "session"):
        return
    at = now()
    request.session[SIGNED_IN_AT] = at
    request.session[ACTIVE_AT] = at


class SessionTimeoutMiddleware:
    """Sign out a person whose session has run out, before anything else sees the request; then tell
    the browser when the session now ends. Sits inside SessionMiddleware, after authentication and
    messages.

    A post that arrives after the timeout is kept by CouncilMiddleware, as after any sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clock = self._clock_before(request)
        request.session_clock = clock  # type: ignore[attr-defined]  # the page's timeout warning reads it
        response = self.get_response(request)
        self._tell_browser(request, response, clock)
        return response

    def _clock_before(self, request: HttpRequest) -> SessionClock | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        at = now()
        cookie = _clock_from_cookie(request)
        if cookie is not None and at < cookie.ends_at:
            clock: SessionClock | None = cookie
        elif auth.SESSION_KEY not in request.session:
            return None  # nobody signed in: nothing to time out
        else:
            clock = _clock_from_session(request, cookie)
            if clock is None or at >= clock.ends_at:
                self._sign_out(request, clock)
                return None
        assert clock is not None
        return clock.after_activity(at) if is_activity(request) else clock

    @staticmethod
    def _sign_out(request: HttpRequest, clock: SessionClock | None) -> None:
        auth.logout(request)
        if clock is not None and clock.ends_at >= clock.cap_at:
            reason = _("For your security, we signed you out because you signed in more than %(time)s ago.") % {
                "time": describe_seconds(longest_seconds())
            }
        else:
            reason = _("For your security, we signed you out because you had not used QA Portal for %(time)s.") % {
                "time": describe_seconds(idle_seconds())
            }
        messages.info(request, reason)

    @staticmethod
    def _tell_browser(request: HttpRequest, response: HttpResponse, clock: SessionClock | None) -> None:
        session = request.session
        if session.accessed:
            # Read during this request (signing in or out, or the sign-in check): asking it is free.
            signed_in = auth.SESSION_KEY in session
            signed_in_at = session.get(SIGNED_IN_AT)
            cap_at = signed_in_at + longest_seconds() if isinstance(signed_in_at, int) else None
            if signed_in and cap_at is not None and (clock is None or clock.cap_at != cap_at):
                clock = SessionClock(ends_at=cap_at, cap_at=cap_at).after_activity(now())  # just signed in
        else:
            signed_in = clock is not None
        if not signed_in or clock is None or not session.session_key:
            if SESSION_ENDS_COOKIE in request.COOKIES:
                response.delete_cookie(
                    SESSION_ENDS_COOKIE,
                    path=settings.SESSION_COOKIE_PATH,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
            return
        if session.modified and is_activity(request):
            session[ACTIVE_AT] = now()  # saved anyway: the record behind the cookie, for free
        value = clock_cookie_value(session.session_key, clock)
        if request.COOKIES.get(SESSION_ENDS_COOKIE) != value:
            # Not HttpOnly: the page's script reads when to warn. It holds no secret, only a time.
            response.set_cookie(
                SESSION_ENDS_COOKIE,
                value,
                domain=settings.SESSION_COOKIE_DOMAIN,
                path=settings.SESSION_COOKIE_PATH,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=False,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
