"""Resolve the council from the URL, keep non-members out, and scope every query to the council."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django_scopes import scope

from .models import Council
from .permissions import can_enter_council, must_have_mfa

COUNCIL_KWARG = "council_slug"


class CouncilMiddleware:
    """For `/<council-slug>/…` URLs: 404 for non-members, sign-in for anonymous visitors,
    and `scope(council=…)` around the view so an unscoped query fails loudly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.council = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            with scope(council=None):
                return self.get_response(request)
        slug = match.kwargs.get(COUNCIL_KWARG)
        if slug is None:
            # Pages outside any council (sign-in, accessibility statement) see no tenant data.
            with scope(council=None):
                return self.get_response(request)

        is_public = getattr(match.func, "qaportal_public", False)
        if not request.user.is_authenticated and not is_public:
            if request.method == "POST":
                _keep_pending_post(request)
            return redirect_to_login(request.get_full_path())
        council = Council.objects.filter(slug=slug, is_active=True).first()
        if council is None:
            raise Http404("No such council.")
        if not is_public and not can_enter_council(request.user, council):
            raise Http404("No such council.")
        request.council = council
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
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user) and must_have_mfa(user):
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        from django.conf import settings

        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            name = resolve(request.path_info).url_name or ""
        except Resolver404:
            return True
        return name.startswith(_MFA_EXEMPT_PREFIXES) or name in _MFA_EXEMPT_NAMES


PENDING_POSTS = "qaportal_pending_posts"


def _keep_pending_post(request: HttpRequest) -> None:
    """A form posted after the session expired is kept, so the page can show it again after sign-in.

    Only the newest post per page is kept, and nothing is saved until the person saves it again."""
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    if sum(len(v) for values in data.values() for v in values) > 500_000:
        return
    pending = request.session.get(PENDING_POSTS, {})
    pending[request.path] = data
    request.session[PENDING_POSTS] = pending


def pop_pending_post(request: HttpRequest):
    """The input posted to this page while signed out, as a QueryDict, or None."""
    from django.http import QueryDict

    pending = request.session.get(PENDING_POSTS) or {}
    data = pending.pop(request.path, None)
    if data is None:
        return None
    request.session[PENDING_POSTS] = pending
    qd = QueryDict(mutable=True)
    for key, values in data.items():
        qd.setlist(key, values)
    return qd
