from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import can_manage_people


def _nav_items(request: HttpRequest) -> list[dict]:
    council = getattr(request, "council", None)
    user = request.user
    if council is None or not user.is_authenticated:
        return []
    items = [(_("Home"), reverse("home", kwargs={"council_slug": council.slug}), "home")]
    items.append((_("Standards"), reverse("catalogue:index", kwargs={"council_slug": council.slug}), "catalogue"))
    if can_manage_people(user, council):
        items.append((_("People"), reverse("people:person_list", kwargs={"council_slug": council.slug}), "people"))
        items.append((_("Teams"), reverse("people:team_list", kwargs={"council_slug": council.slug}), "teams"))
    match = request.resolver_match
    current = ""
    if match:
        current = "teams" if (match.url_name or "").startswith("team") else (match.namespace or match.url_name)
    return [{"label": label, "url": url, "active": key == current} for label, url, key in items]


def portal(request: HttpRequest) -> dict:
    return {
        "service_name": settings.QAPORTAL_SERVICE_NAME,
        "council": getattr(request, "council", None),
        "nav_items": _nav_items(request),
    }
