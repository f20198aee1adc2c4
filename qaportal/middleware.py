"""Resolve the council from the URL, keep non-members out, and scope every query to the council."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_scopes import scope

from .http import posted_input
from .models import Council
from .permissions import can_enter_council, member_council, must_have_mfa

COUNCIL_KWARG = "council_slug"


def _resolved(request: HttpRequest):
    """The URL's match, resolved once for the middleware that needs it (Django resolves it again for the view)."""
    if not hasattr(request, "_qaportal_match"):
        try:
            request._qaportal_match = resolve(request.path_info)  # type: ignore[attr-defined]
        except Resolver404:
            request._qaportal_match = None  # type: ignore[attr-defined]
    return request._qaportal_match  # type: ignore[attr-defined]


class CouncilMiddleware:
    """For `/<council-slug>/…` URLs: 404 for non-members, sign-in for anonymous visitors,
    and `scope(council=…)` around the view so an unscoped query fails loudly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Set here for every request (None outside councils); views of council pages see a CouncilRequest.
        request.council = None  # type: ignore[attr-defined]
        match = _resolved(request)
        if match is None:
            with scope(council=None):
                return self.get_response(request)
        slug = match.kwargs.get(COUNCIL_KWARG)
        if slug is None:
            # Pages outside any council (sign-in, accessibility statement) see no tenant data.
            with scope(council=None):
                return self.get_response(request)

        is_public = getattr(match.func, "qaportal_public", False)
        # A member's council is among the memberships the sign-in checks read; anyone else's is looked up.
        member_of = member_council(request.user, slug) if request.user.is_authenticated else None
        council = member_of or Council.objects.filter(slug=slug, is_active=True).first()
        if not request.user.is_authenticated and not is_public:
            if request.method == "POST" and council is not None:
                _keep_pending_post(request, match)
            return redirect_to_login(request.get_full_path())
        if council is None:
            raise Http404("No such council.")
        if not is_public and not (request.user.is_authenticated and can_enter_council(request.user, council)):
            raise Http404("No such council.")
        request.council = council  # type: ignore[attr-defined]
        with scope(council=council):
            return self.get_response(request)


def public(view):
    """Mark a council page as open to people without an account (e.g. the feedback form)."""
    view.qaportal_public = True
    return view


_MFA_EXEMPT_PREFIXES = ("account_", "mfa_")
_MFA_EXEMPT_NAMES = {"accessibility", "healthcheck"}


class RequireMFAMiddleware:
    """Send people whose role requires two-factor authentication to set it up before anything else.

    allauth makes MFA available but cannot require it (allauth issue 3649)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not self._exempt(request):
            # The role first: from the memberships every page reads anyway, so only people who must
            # have two-factor authentication cost a query to see whether they have it.
            if must_have_mfa(user) and not is_mfa_enabled(user):
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        match = _resolved(request)
        if match is None:
            return True
        name = match.url_name or ""
        return name.startswith(_MFA_EXEMPT_PREFIXES) or name in _MFA_EXEMPT_NAMES


PENDING_POST = "qaportal_pending_post"
# Enough for the longest section of a review form; a session never holds more than this.
PENDING_POST_MAX_CHARS = 100_000


def _keep_pending_post(request: HttpRequest, match) -> None:
    """Keep a form posted after the session expired, so its page can offer it again after sign-in.

    Only a post that passes the CSRF check is kept — it was typed on our own page in this browser,
    not planted by another site — and only one, of bounded size, per browser session. Nothing is
    saved until the person checks it and saves it again."""
    if getattr(match.func, "csrf_exempt", False):
        return
    rejected = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, match.func, match.args, match.kwargs)
    if rejected is not None:
        return
    data = posted_input(request)
    if sum(len(key) + sum(len(v) for v in values) for key, values in data.items()) > PENDING_POST_MAX_CHARS:
        return
    request.session[PENDING_POST] = {"path": request.path, "data": data, "at": timezone.now().isoformat()}


@dataclass(frozen=True)
class PendingPost:
    data: QueryDict
    typed_at: dt.datetime


def pop_pending_post(request: HttpRequest) -> PendingPost | None:
    """The input posted to this page while signed out, or None. Given back once."""
    pending = request.session.get(PENDING_POST)
    if not isinstance(pending, dict) or pending.get("path") != request.path:
        return None
    del request.session[PENDING_POST]
    qd = QueryDict(mutable=True)
    for key, values in (pending.get("data") or {}).items():
        qd.setlist(key, [str(v) for v in values])
    try:
        typed_at = dt.datetime.fromisoformat(pending.get("at", ""))
    except ValueError:
        typed_at = timezone.now()
    return PendingPost(data=qd, typed_at=typed_at)
