"""The timeout warning's endpoints (static/js/session_timeout.mjs): stay signed in, and sign out when
the time has run out; and the page that says so."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import sessions

# Where the person was when the time ran out: the sign-in link after the timeout takes them back.
SIGNED_OUT_NEXT = "qaportal_signed_out_next"


@require_POST
def session_extend(request: HttpRequest) -> JsonResponse:
    """Stay signed in. Sending it is activity, so SessionTimeoutMiddleware has already moved the
    session's end (and the cookie that says when); this says when it now is. Nothing is written."""
    clock = getattr(request, "session_clock", None)
    if clock is None or not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    return JsonResponse({"signed_in": True, "ends_at": clock.ends_at, "now": sessions.now()})


@require_POST
def session_end(request: HttpRequest) -> HttpResponse:
    """The time ran out in the browser, which has kept what was typed first: sign out, and say so."""
    next_url = str(request.POST.get("next", ""))[:2000]
    logout(request)
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[SIGNED_OUT_NEXT] = next_url
    return redirect("session_signed_out")


def session_signed_out(request: HttpRequest) -> HttpResponse:
    """The GOV.UK timeout page: what happened, that typed work was kept, and a way back in."""
    if request.user.is_authenticated:  # signed in again, in another tab
        return redirect("root")
    next_url = request.session.get(SIGNED_OUT_NEXT, "")
    sign_in_url = reverse("account_login")
    if next_url:
        sign_in_url += "?" + urlencode({"next": next_url})
    return render(
        request,
        "qaportal/signed_out.html",
        {"sign_in_url": sign_in_url, "idle": sessions.describe_seconds(sessions.idle_seconds())},
    )
