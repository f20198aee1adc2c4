from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import can_manage_people, roles_of
from .roles import CASE_ROLES, Role


def _nav_items(request: HttpRequest) -> list[dict]:
    council = getattr(request, "council", None)
    user = request.user
    if council is None or not user.is_authenticated:
        return []
    slug = {"council_slug": council.slug}
    roles = roles_of(user, council)
    items = [(_("Home"), reverse("home", kwargs=slug), "home")]
    items.append((_("Your reviews"), reverse("audits:my_reviews", kwargs=slug), "my_reviews"))
    if Role.GROUP_MANAGER in roles:
        items.append((_("Authorise"), reverse("audits:authorisation_queue", kwargs=slug), "authorise"))
    if roles & CASE_ROLES or user.is_superuser:
        items.append((_("Cases"), reverse("audits:case_search", kwargs=slug), "cases"))
    if roles & {Role.QUALITY_TEAM, Role.PRINCIPAL_SOCIAL_WORKER, Role.DIRECTOR} or user.is_superuser:
        items.append((_("Programme"), reverse("audits:programme", kwargs=slug), "programme"))
    if roles & {Role.QUALITY_TEAM, Role.PRINCIPAL_SOCIAL_WORKER} or user.is_superuser:
        items.append((_("Feedback"), reverse("feedback:inbox", kwargs=slug), "feedback"))

    items.append((_("Standards"), reverse("catalogue:index", kwargs=slug), "catalogue"))
    if can_manage_people(user, council):
        items.append((_("People"), reverse("people:person_list", kwargs={"council_slug": council.slug}), "people"))
        items.append((_("Teams"), reverse("people:team_list", kwargs={"council_slug": council.slug}), "teams"))
    match = request.resolver_match
    current = ""
    if match:
        name = match.url_name or ""
        if name.startswith("team"):
            current = "teams"
        elif match.namespace == "audits":
            current = {
                "authorisation_queue": "authorise",
                "authorise": "authorise",
                "case_search": "cases",
                "case": "cases",
                "allocation": "authorise",
                "programme": "programme",
                "rule_edit": "programme",
                "sample_upload": "programme",
                "compliance": "programme",
            }.get(name, "my_reviews")

        else:
            current = match.namespace or name
    return [{"label": label, "url": url, "active": key == current} for label, url, key in items]


def portal(request: HttpRequest) -> dict:
    return {
        "service_name": settings.QAPORTAL_SERVICE_NAME,
        "council": getattr(request, "council", None),
        "nav_items": _nav_items(request),
    }
