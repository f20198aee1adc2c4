"""Writes about teams and people. Each is atomic and validates before it saves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from . import outbox, tasks
from .models import Council, Invitation, Membership, SupervisionRelationship, Team, User
from .permissions import forget_memberships
from .roles import TEAM_ROLES, Profession, Role
from .text import clean_one_line
from .uploads import csv_rows


def team_save(*, council: Council, name: str, kind: str, service: str = "", team: Team | None = None) -> Team:
    name, service = clean_one_line(name), clean_one_line(service)
    clash = Team.objects.filter(council=council, name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": _("There is already a team called %(name)s.") % {"name": name}})
    team = team or Team(council=council)
    team.name, team.kind, team.service = name, kind, service
    team.full_clean()
    team.save()
    return team


def _check_role(*, role: str, team: Team | None, profession: str) -> None:
    if role in TEAM_ROLES and team is None:
        raise ValidationError({"team": _("Choose the team for this role.")})
    if role == Role.PRACTITIONER and not profession:
        raise ValidationError({"profession": _("Choose the practitioner's profession.")})
    if role != Role.PRACTITIONER and profession:
        raise ValidationError({"profession": _("Only practitioners have a profession here.")})


@transaction.atomic
def membership_add(
    *, council: Council, person: User, role: str, team: Team | None = None, profession: str = ""
) -> Membership:
    _check_role(role=role, team=team, profession=profession)
    if team is not None and team.council_id != council.pk:
        raise ValidationError({"team": _("Choose a team in this council.")})
    if Membership.objects.filter(council=council, user=person, role=role, team=team).exists():
        raise ValidationError(_("%(person)s already has this role.") % {"person": person})
    forget_memberships(person)
    return Membership.objects.create(council=council, user=person, role=role, team=team, profession=profession)


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    forget_memberships(membership.user)
    membership.delete()


def identity_is_shared(*, person: User, council: Council) -> bool:
    """True when the account is not this council's alone — the person holds a role in another
    council, or is a platform admin. Its name, email, password and two-factor authentication are
    then the person's to change (or a platform admin's), never one council admin's."""
    if person.is_superuser or person.is_staff:
        return True
    # Deliberately across councils: who else does this account belong to?
    with scopes_disabled():
        return Membership.objects.filter(user=person).exclude(council=council).exists()


@dataclass(frozen=True)
class PersonAdded:
    person: User
    invited: bool = False  # they already had an account elsewhere and have been asked to accept
    created: bool = False  # a new account


@transaction.atomic
def person_add(
    *,
    council: Council,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    team: Team | None = None,
    profession: str = "",
    by: User | None = None,
) -> PersonAdded:
    """Add a person to the council with their first role.

    Someone new gets an account and an email to choose their password. Someone who already has an
    account in another council is sent an invitation instead, and gets the role only when they accept
    it: an admin typing another council's email address must never gain a hold on that account."""
    email = email.strip().lower()
    person = User.objects.filter(email__iexact=email).first()
    if person is None:
        person = User(email=email, first_name=clean_one_line(first_name), last_name=clean_one_line(last_name))
        person.set_unusable_password()
        person.full_clean()
        person.save()
        membership_add(council=council, person=person, role=role, team=team, profession=profession)
        _invite_on_commit(council, person)
        return PersonAdded(person=person, created=True)
    if Membership.objects.filter(council=council, user=person).exists():
        membership_add(council=council, person=person, role=role, team=team, profession=profession)
        return PersonAdded(person=person)
    invitation_create(council=council, person=person, role=role, team=team, profession=profession, by=by)
    return PersonAdded(person=person, invited=True)


def _invite_on_commit(council: Council, person: User) -> None:
    outbox.enqueue(tasks.send_account_invitation.name, [council.pk, person.pk])


@transaction.atomic
def person_update(*, council: Council, person: User, email: str, first_name: str, last_name: str) -> User:
    if identity_is_shared(person=person, council=council):
        raise PermissionDenied(
            _("%(person)s also works for another council, so only they can change their name or email address.")
            % {"person": person}
        )
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
        raise ValidationError({"email": _("Another account already uses this email address.")})
    person.email, person.first_name, person.last_name = email, clean_one_line(first_name), clean_one_line(last_name)
    person.full_clean()
    person.save()
    return person


# --- invitations to people who already have an account ---------------------------------------


INVITATION_DAYS = 30


@transaction.atomic
def invitation_create(
    *, council: Council, person: User, role: str, team: Team | None, profession: str, by: User | None
) -> Invitation:
    _check_role(role=role, team=team, profession=profession)
    if team is not None and team.council_id != council.pk:
        raise ValidationError({"team": _("Choose a team in this council.")})
    if Invitation.objects.filter(council=council, user=person, role=role, status=Invitation.Status.PENDING).exists():
        raise ValidationError(_("%(email)s has already been invited to this role.") % {"email": person.email})
    invitation = Invitation.objects.create(
        council=council, user=person, role=role, team=team, profession=profession, invited_by=by
    )
    outbox.enqueue(tasks.send_membership_invitation.name, [council.pk, invitation.pk])
    return invitation


def _open_invitation(invitation: Invitation, by: User) -> Invitation:
    """The invitation locked for an answer, if it is still open and `by` is the person invited."""
    current = Invitation.objects.select_for_update().get(council=invitation.council, pk=invitation.pk)
    if current.user_id != by.pk:
        raise PermissionDenied(_("This invitation is for someone else."))
    if current.status != Invitation.Status.PENDING:
        raise ValidationError(
            _("You have already answered this invitation (%(status)s).")
            % {"status": current.get_status_display().lower()}
        )
    if current.created_at < timezone.now() - dt.timedelta(days=INVITATION_DAYS):
        raise ValidationError(_("This invitation has expired. Ask the council's admin to invite you again."))
    return current


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by: User) -> Membership:
    current = _open_invitation(invitation, by)
    membership = Membership.objects.filter(
        council=current.council, user=by, role=current.role, team=current.team
    ).first() or membership_add(
        council=current.council, person=by, role=current.role, team=current.team, profession=current.profession
    )
    current.status, current.responded_at = Invitation.Status.ACCEPTED, timezone.now()
    current.save(update_fields=["status", "responded_at"])
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation, by: User) -> Invitation:
    current = _open_invitation(invitation, by)
    current.status, current.responded_at = Invitation.Status.DECLINED, timezone.now()
    current.save(update_fields=["status", "responded_at"])
    return current


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation) -> Invitation:
    current = Invitation.objects.select_for_update().get(council=invitation.council, pk=invitation.pk)
    if current.status == Invitation.Status.PENDING:
        current.status, current.responded_at = Invitation.Status.WITHDRAWN, timezone.now()
        current.save(update_fields=["status", "responded_at"])
    return current


# --- Staff CSV import --------------------------------------------------------------------------

STAFF_CSV_COLUMNS = ["email", "first_name", "last_name", "role", "team", "profession"]


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    people_created: int = 0
    roles_added: int = 0
    invited: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _lookup_choice(value: str, choices: type[models.TextChoices]) -> str | None:
    wanted = value.strip().lower()
    for code, label in choices.choices:
        if wanted in {code.lower(), str(label).lower()}:
            return code
    return None


def staff_import_csv(*, council: Council, data: bytes, by: User | None = None) -> ImportResult:
    """Import staff, one role per line. Every line is checked first; if any line is wrong,
    nothing is applied and each problem is reported with its line number.

    People who already have an account in another council are invited, not added (see person_add)."""
    result = ImportResult()
    parsed, result.errors = csv_rows(
        data, columns=STAFF_CSV_COLUMNS, required=[c for c in STAFF_CSV_COLUMNS if c != "profession"]
    )
    if result.errors and not parsed:
        return result

    teams = {t.name.lower(): t for t in Team.objects.filter(council=council)}
    existing = set(Membership.objects.filter(council=council).values_list("user__email", "role", "team_id"))
    seen: set[tuple[str, str, int | None]] = set()
    rows: list[dict] = []
    for line_no, row in parsed:
        problems = []
        email = row["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("'%(email)s' is not a valid email address") % {"email": email})
        if not row["first_name"] or not row["last_name"]:
            problems.append(_("first name and last name are required"))
        elif max(len(row["first_name"]), len(row["last_name"])) > 150:
            problems.append(_("first and last names must be 150 characters or fewer"))
        role = _lookup_choice(row["role"], Role)
        if role is None:
            problems.append(_("'%(role)s' is not a role") % {"role": row["role"]})
        team = None
        if row["team"]:
            team = teams.get(row["team"].lower())
            if team is None:
                problems.append(_("there is no team called '%(team)s'") % {"team": row["team"]})
        elif role in TEAM_ROLES:
            problems.append(_("a team is required for this role"))
        profession = ""
        if row["profession"]:
            profession = _lookup_choice(row["profession"], Profession) or ""
            if not profession:
                problems.append(_("'%(p)s' is not a profession") % {"p": row["profession"]})
        elif role == Role.PRACTITIONER:
            problems.append(_("a profession is required for practitioners"))
        key = (email, role or "", team.pk if team else None)
        if not problems and key in seen:
            problems.append(_("this person and role appear twice in the file"))
        seen.add(key)
        if problems:
            message = "; ".join(str(p) for p in problems)
            result.errors.append((line_no, message[0].upper() + message[1:] + "."))
        elif key not in existing:
            rows.append({**row, "email": email, "role": role, "team": team, "profession": profession})
    result.errors.sort()
    if result.errors:
        return result
    if not rows and not parsed:
        result.errors.append((1, _("The file has no staff in it.")))
        return result

    with transaction.atomic():
        for row in rows:
            added = person_add(
                council=council,
                email=row["email"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                role=row["role"],
                team=row["team"],
                profession=row["profession"],
                by=by,
            )
            if added.invited:
                result.invited += 1
            else:
                result.roles_added += 1
                result.people_created += added.created
    return result


# --- supervision ---------------------------------------------------------------------------------


def _supervision_loop(lines: dict[int, int], supervisee_id: int) -> bool:
    """Whether following supervisors up from `supervisee_id` comes back to them."""
    seen, current = set(), lines.get(supervisee_id)
    while current is not None and current not in seen:
        if current == supervisee_id:
            return True
        seen.add(current)
        current = lines.get(current)
    return current == supervisee_id


@transaction.atomic
def supervisor_set(*, council: Council, supervisee: User, supervisor: User | None, by: User | None = None) -> None:
    """Record who supervises `supervisee` (None: nobody now). Both must work for the council, and a
    line of supervision never loops back on itself."""
    # Serialise changes to the council's lines: two admins editing at once never make a loop between them.
    list(SupervisionRelationship.objects.select_for_update().filter(council=council).values_list("pk"))
    if supervisor is None:
        SupervisionRelationship.objects.filter(council=council, supervisee=supervisee).delete()
        return
    members = set(
        Membership.objects.filter(council=council, user__in=[supervisee.pk, supervisor.pk]).values_list(
            "user_id", flat=True
        )
    )
    if supervisor.pk not in members or supervisee.pk not in members:
        raise ValidationError({"supervisor": _("Choose a person who works for this council.")})
    if supervisor.pk == supervisee.pk:
        raise ValidationError({"supervisor": _("A person cannot supervise themselves.")})
    lines = dict(SupervisionRelationship.objects.filter(council=council).values_list("supervisee_id", "supervisor_id"))
    lines[supervisee.pk] = supervisor.pk
    if _supervision_loop(lines, supervisee.pk):
        raise ValidationError(
            {
                "supervisor": _("%(supervisor)s is supervised, through their line, by %(person)s: choose someone else.")
                % {"supervisor": supervisor, "person": supervisee}
            }
        )
    SupervisionRelationship.objects.update_or_create(
        council=council, supervisee=supervisee, defaults={"supervisor": supervisor, "updated_by": by}
    )


SUPERVISION_CSV_COLUMNS = ["supervisee_email", "supervisor_email"]


@dataclass
class SupervisionImport:
    errors: list[tuple[int, str]] = field(default_factory=list)
    recorded: int = 0


def supervision_import_csv(*, council: Council, data: bytes, by: User | None = None) -> SupervisionImport:
    """Who supervises whom, one supervisee per line. Every line is checked first; if any is wrong
    nothing is applied and each problem names its line. A line replaces that person's supervisor."""
    result = SupervisionImport()
    parsed, result.errors = csv_rows(data, columns=SUPERVISION_CSV_COLUMNS, required=SUPERVISION_CSV_COLUMNS)
    people = {
        email.lower(): user_id
        for email, user_id in Membership.objects.filter(council=council).values_list("user__email", "user_id")
    }
    lines = dict(SupervisionRelationship.objects.filter(council=council).values_list("supervisee_id", "supervisor_id"))
    changes: dict[int, tuple[int, int]] = {}  # supervisee -> (supervisor, line)
    for line_no, row in parsed:
        problems = []
        supervisee = people.get(row["supervisee_email"].strip().lower())
        supervisor = people.get(row["supervisor_email"].strip().lower())
        for who, email in ((supervisee, row["supervisee_email"]), (supervisor, row["supervisor_email"])):
            if who is None:
                problems.append(_("'%(e)s' does not work for this council") % {"e": email.strip()})
        if supervisee and supervisee == supervisor:
            problems.append(_("a person cannot supervise themselves"))
        if supervisee and supervisee in changes:
            problems.append(
                _("this person is also on line %(n)s: a person has one supervisor") % {"n": changes[supervisee][1]}
            )
        if problems:
            message = "; ".join(str(p) for p in problems)
            result.errors.append((line_no, message[0].upper() + message[1:] + "."))
        elif supervisee is not None and supervisor is not None:
            changes[supervisee] = (supervisor, line_no)
    lines.update({supervisee: supervisor for supervisee, (supervisor, _line) in changes.items()})
    for supervisee, (_supervisor, line_no) in changes.items():
        if _supervision_loop(lines, supervisee):
            result.errors.append(
                (line_no, _("This line makes a loop: the person would supervise their own supervisor."))
            )
    result.errors.sort()
    if result.errors:
        return result
    if not changes:
        result.errors.append((1, _("The file has no one in it.")))
        return result
    with transaction.atomic():
        for supervisee, (supervisor, _line) in changes.items():
            SupervisionRelationship.objects.update_or_create(
                council=council, supervisee_id=supervisee, defaults={"supervisor_id": supervisor, "updated_by": by}
            )
            result.recorded += 1
    return result
