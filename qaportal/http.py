"""Requests typed for what the middleware guarantees the views that receive them."""

from __future__ import annotations

from typing import TypeVar

from django.http import Http404, HttpRequest

from .models import Council, User


class AuthenticatedRequest(HttpRequest):
    """A request to a view that requires sign-in (`login_required`): the person is never anonymous."""

    user: User


class CouncilRequest(AuthenticatedRequest):
    """A request for a page under /<council>/: the council is resolved and the person is a signed-in
    member of it (or a platform superuser); anyone else has been sent to sign in, or given a 404."""

    council: Council


_T = TypeVar("_T")


def or_404(found: _T | None) -> _T:
    """What a selector found, or a 404: "missing" and "another council's" get the same answer."""
    if found is None:
        raise Http404("Not found in this council.")
    return found


def version_from_form(value) -> int:
    """A version number (or id) posted by a form; anything that is not one (text, a huge number) is
    -1, which never matches: the save is treated as a conflict and the input kept."""
    try:
        number = int(str(value)[:12])
    except (TypeError, ValueError):
        return -1
    return number if 0 <= number < 2**31 else -1


def posted_input(request: HttpRequest) -> dict[str, list[str]]:
    """What a form posted, every value of every field but the CSRF token: the shape in which typed
    input is kept (autosaved drafts, input posted after the session expired)."""
    return {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
