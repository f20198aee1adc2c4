"""Home, accessibility statement and the council admin pages for teams and people."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scope

from . import selectors, services
from .forms import (
    AddRoleForm,
    NewPersonForm,
    PersonForm,
    StaffImportForm,
    SupervisionImportForm,
    SupervisorForm,
    TeamForm,
)
from .home import panels_for
from .http import AuthenticatedRequest, CouncilRequest, or_404
from .permissions import can_manage_people, roles_of
from .roles import Role
from .text import without_control_characters


def root(request: HttpRequest) -> HttpResponse:
    """Send people to their council; someone in several councils chooses one."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    councils = list(selectors.councils_for_user(request.user))
    invitations = selectors.invitations_for_user(user=request.user)
    if len(councils) == 1 and not invitations:
        return redirect("home", council_slug=councils[0].slug)
    return render(request, "qaportal/choose_council.html", {"councils": councils, "invitations": invitations})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "qaportal/accessibility.html")


def healthcheck(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def home(request: CouncilRequest, council_slug: str) -> HttpResponse:
    council, user = request.council, request.user
    roles = roles_of(user, council)
    memberships = list(selectors.memberships_of(council=council, user=user))
    context = {
        "roles": [Role(r).label for r in Role.values if r in roles],
        "memberships": memberships,
        "own_teams": sorted({m.team.name for m in memberships if m.team and m.role != Role.GROUP_MANAGER}),
        "teams_over": (
            list(
                selectors.teams_over(council=council, user=user).annotate(
                    people_count=Count("memberships__user", distinct=True)
                )
            )
            if Role.GROUP_MANAGER in roles
            else []
        ),
        "can_manage_people": can_manage_people(user, council),
        "panels": panels_for(request),
        "invitations": selectors.invitations_for_user(user=user),
    }
    if context["can_manage_people"]:
        context["people_count"] = selectors.people_in_council(council=council).count()
        context["team_count"] = selectors.teams_in_council(council=council).count()
    return render(request, "qaportal/home.html", context)


# --- council admin: teams ----------------------------------------------------------------------


def _require_people_admin(request: CouncilRequest) -> None:
    if not can_manage_people(request.user, request.council):
        raise PermissionDenied(_("Only council admins can manage teams and people."))


def team_list(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_people_admin(request)
    teams = selectors.teams_in_council(council=request.council)
    return render(request, "qaportal/team_list.html", {"teams": teams})


def team_edit(request: CouncilRequest, council_slug: str, team_pk: int | None = None) -> HttpResponse:
    _require_people_admin(request)
    team = or_404(selectors.team_in_council(council=request.council, pk=team_pk)) if team_pk else None
    initial = {"name": team.name, "kind": team.kind, "service": team.service} if team else None
    form = TeamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_save(council=request.council, team=team, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Team %(name)s saved.") % {"name": form.cleaned_data["name"]})
            return redirect("people:team_list", council_slug=council_slug)
    return render(request, "qaportal/team_form.html", {"form": form, "team": team})


# --- council admin: people ---------------------------------------------------------------------


def person_list(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_people_admin(request)
    search = without_control_characters(request.GET.get("q", "")).strip()[:100]
    page = Paginator(selectors.people_in_council(council=request.council, search=search), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "qaportal/person_list.html",
        {"page": page, "search": search, "invitations": selectors.pending_invitations(council=request.council)},
    )


@require_POST
def invitation_withdraw(request: CouncilRequest, council_slug: str, invitation_pk: int) -> HttpResponse:
    _require_people_admin(request)
    invitation = or_404(selectors.invitation_in_council(council=request.council, pk=invitation_pk))
    services.invitation_withdraw(invitation=invitation)
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.user.email})
    return redirect("people:person_list", council_slug=council_slug)


# --- invitations, answered by the person invited (outside any council) ------------------------


@login_required
def invitations(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request, "qaportal/invitations.html", {"invitations": selectors.invitations_for_user(user=request.user)}
    )


@login_required
@require_POST
def invitation_answer(request: AuthenticatedRequest, token: str, answer: str) -> HttpResponse:
    invitation = or_404(selectors.invitation_for_user(user=request.user, token=token))
    try:
        with scope(council=invitation.council):
            if answer == "accept":
                services.invitation_accept(invitation=invitation, by=request.user)
            else:
                services.invitation_decline(invitation=invitation, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("invitations")
    if answer == "accept":
        messages.success(request, _("You have joined %(council)s.") % {"council": invitation.council})
        return redirect("home", council_slug=invitation.council.slug)
    messages.success(request, _("Invitation from %(council)s declined.") % {"council": invitation.council})
    return redirect("invitations")


def person_add(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_people_admin(request)
    form = NewPersonForm(request.POST or None, council=request.council)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.person_add(council=request.council, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if added.invited:
                messages.success(
                    request,
                    _(
                        "%(email)s already has a QA Portal account with another council, so they have been sent an "
                        "invitation. They will appear in your list of people when they accept it."
                    )
                    % {"email": added.person.email},
                )
                return redirect("people:person_list", council_slug=council_slug)
            messages.success(request, _("%(person)s added.") % {"person": added.person})
            return redirect("people:person_detail", council_slug=council_slug, person_pk=added.person.pk)
    return render(request, "qaportal/person_add.html", {"form": form})


def person_detail(request: CouncilRequest, council_slug: str, person_pk: int) -> HttpResponse:
    _require_people_admin(request)
    person = or_404(selectors.person_in_council(council=request.council, pk=person_pk))
    form = AddRoleForm(request.POST or None, council=request.council)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(council=request.council, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Role added."))
            return redirect("people:person_detail", council_slug=council_slug, person_pk=person.pk)
    return render(
        request,
        "qaportal/person_detail.html",
        {
            "person": person,
            "form": form,
            "identity_shared": services.identity_is_shared(person=person, council=request.council),
            "supervisor": selectors.supervisor_of(council=request.council, person=person),
        },
    )


def supervisor_edit(request: CouncilRequest, council_slug: str, person_pk: int) -> HttpResponse:
    _require_people_admin(request)
    person = or_404(selectors.person_in_council(council=request.council, pk=person_pk))
    current = selectors.supervisor_of(council=request.council, person=person)
    form = SupervisorForm(request.POST or None, council=request.council, person=person, initial={"supervisor": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.supervisor_set(
                council=request.council, supervisee=person, supervisor=form.cleaned_data["supervisor"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None if not hasattr(exc, "error_dict") else "supervisor", exc.messages)
        else:
            messages.success(request, _("Supervisor saved."))
            return redirect("people:person_detail", council_slug=council_slug, person_pk=person.pk)
    return render(request, "qaportal/supervisor_edit.html", {"person": person, "form": form})


def supervision(request: CouncilRequest, council_slug: str) -> HttpResponse:
    """Who supervises whom, and the CSV import that records it for many people at once."""
    _require_people_admin(request)
    form = SupervisionImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.supervision_import_csv(
            council=request.council, data=form.cleaned_data["file"].read(), by=request.user
        )
        if not result.errors:
            messages.success(
                request,
                _("Import complete: %(n)d supervisors recorded.") % {"n": result.recorded},
            )
            return redirect("people:supervision", council_slug=council_slug)
    return render(
        request,
        "qaportal/supervision.html",
        {"form": form, "result": result, "lines": selectors.supervision_lines(council=request.council)},
    )


def person_edit(request: CouncilRequest, council_slug: str, person_pk: int) -> HttpResponse:
    _require_people_admin(request)
    person = or_404(selectors.person_in_council(council=request.council, pk=person_pk))
    if services.identity_is_shared(person=person, council=request.council):
        # Their account is theirs everywhere: this council's admin sees why, and changes nothing.
        return render(request, "qaportal/person_edit_shared.html", {"person": person}, status=403)
    initial = {"first_name": person.first_name, "last_name": person.last_name, "email": person.email}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(council=request.council, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Details saved."))
            return redirect("people:person_detail", council_slug=council_slug, person_pk=person.pk)
    return render(request, "qaportal/person_edit.html", {"person": person, "form": form})


@require_POST
def role_remove(request: CouncilRequest, council_slug: str, person_pk: int, membership_pk: int) -> HttpResponse:
    _require_people_admin(request)
    person = or_404(selectors.person_in_council(council=request.council, pk=person_pk))
    membership = or_404(selectors.membership_in_council(council=request.council, person=person, pk=membership_pk))
    if person == request.user and membership.role == Role.COUNCIL_ADMIN:
        messages.error(request, _("You cannot remove your own council admin role."))
    else:
        services.membership_remove(membership=membership)
        messages.success(request, _("Role removed."))
    return redirect("people:person_detail", council_slug=council_slug, person_pk=person.pk)


def staff_import(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_people_admin(request)
    form = StaffImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.staff_import_csv(
            council=request.council, data=form.cleaned_data["file"].read(), by=request.user
        )
        if result.ok:
            messages.success(
                request,
                _(
                    "Import complete: %(people)d people added, %(roles)d roles added, %(invited)d people with an "
                    "account elsewhere invited."
                )
                % {"people": result.people_created, "roles": result.roles_added, "invited": result.invited},
            )
            return redirect(reverse("people:person_list", kwargs={"council_slug": council_slug}))
    return render(request, "qaportal/staff_import.html", {"form": form, "result": result})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: no context processors (they may be what failed), a hint where to look locally."""
    hint = getattr(settings, "QAPORTAL_ERROR_HINT", "")
    return HttpResponse(loader.get_template("500.html").render({"error_hint": hint}), status=500)
