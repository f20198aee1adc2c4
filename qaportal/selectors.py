"""Reads about councils and people. Each takes the council explicitly."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django_scopes import scopes_disabled

from .models import Council, Invitation, Membership, SupervisionRelationship, Team, User
from .roles import Role


def councils_for_user(user: User) -> QuerySet[Council]:
    if user.is_superuser:
        return Council.objects.filter(is_active=True)
    # Deliberately across councils: which councils may this person enter?
    with scopes_disabled():
        ids = list(Membership.objects.filter(user=user).values_list("council_id", flat=True).distinct())
    return Council.objects.filter(pk__in=ids, is_active=True)


def people_in_council(*, council: Council, search: str = "") -> QuerySet[User]:
    people = (
        User.objects.filter(memberships__council=council)
        .distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(council=council).select_related("team"),
                to_attr="council_memberships",
            )
        )
        .order_by("last_name", "first_name", "email")
    )
    if search:
        people = people.filter(
            Q(first_name__icontains=search) | Q(last_name__icontains=search) | Q(email__icontains=search)
        )
    return people


def person_in_council(*, council: Council, pk: int) -> User | None:
    """A person who holds a role in this council; anyone else is a 404, whatever their id."""
    person = people_in_council(council=council).filter(pk=pk).first()
    return person


def teams_in_council(*, council: Council) -> QuerySet[Team]:
    return Team.objects.filter(council=council).annotate(people_count=Count("memberships__user", distinct=True))


def team_in_council(*, council: Council, pk: int) -> Team | None:
    team = Team.objects.filter(council=council, pk=pk).first()
    return team


def membership_in_council(*, council: Council, person: User, pk: int) -> Membership | None:
    membership = Membership.objects.filter(council=council, user=person, pk=pk).select_related("team").first()
    return membership


def teams_over(*, council: Council, user: User) -> QuerySet[Team]:
    """The teams a group manager is over: use `.values("pk")` of it as a subquery."""
    return Team.objects.filter(council=council, memberships__user=user, memberships__role=Role.GROUP_MANAGER)


def memberships_of(*, council: Council, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(council=council, user=user).select_related("team")


def pending_invitations(*, council: Council) -> QuerySet[Invitation]:
    return Invitation.objects.filter(council=council, status=Invitation.Status.PENDING).select_related(
        "user", "team", "invited_by"
    )


def invitation_in_council(*, council: Council, pk: int) -> Invitation | None:
    invitation = pending_invitations(council=council).filter(pk=pk).first()
    return invitation


def invitations_for_user(*, user: User) -> list[Invitation]:
    """The person's own open invitations, from any council."""
    # Deliberately across councils: they are the person's to answer, wherever they come from.
    with scopes_disabled():
        return list(
            Invitation.objects.filter(user=user, status=Invitation.Status.PENDING)
            .select_related("council", "team", "invited_by")
            .order_by("-created_at")
        )


def invitation_for_user(*, user: User, token: str) -> Invitation | None:
    """The person's own invitation with this token; anyone else's is a 404."""
    with scopes_disabled():
        invitation = Invitation.objects.filter(user=user, token=token).select_related("council", "team").first()
    return invitation


def group_managers_of(*, council: Council, team_id: int) -> QuerySet[User]:
    """The active group managers over a team: the people told about its escalations and reviews."""
    return User.objects.filter(
        memberships__council=council,
        memberships__role=Role.GROUP_MANAGER,
        memberships__team_id=team_id,
        is_active=True,
    ).distinct()


def supervisors_of(*, council: Council) -> dict[int, int]:
    """Supervisee -> supervisor, for the whole council in one query (a line manager is a supervisor's supervisor)."""
    return dict(SupervisionRelationship.objects.filter(council=council).values_list("supervisee_id", "supervisor_id"))


def supervision_lines(*, council: Council) -> list[tuple[SupervisionRelationship, User | None]]:
    """Every supervisee with their supervisor and the supervisor's line manager (None when not recorded)."""
    rows = list(
        SupervisionRelationship.objects.filter(council=council)
        .select_related("supervisor", "supervisee")
        .order_by("supervisor__last_name", "supervisor__first_name", "supervisee__last_name")
    )
    by_supervisee = {r.supervisee_id: r.supervisor for r in rows}
    return [(r, by_supervisee.get(r.supervisor_id)) for r in rows]


def supervisor_of(*, council: Council, person: User) -> User | None:
    row = (
        SupervisionRelationship.objects.filter(council=council, supervisee=person).select_related("supervisor").first()
    )
    return row.supervisor if row else None
