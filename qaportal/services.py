"""Writes about teams and people. Each is atomic and validates before it saves."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Council, Membership, Team, User
from .roles import TEAM_ROLES, Profession, Role


def team_save(*, council: Council, name: str, kind: str, service: str = "", team: Team | None = None) -> Team:
    name = name.strip()
    clash = Team.objects.filter(council=council, name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": _("There is already a team called %(name)s.") % {"name": name}})
    team = team or Team(council=council)
    team.name, team.kind, team.service = name, kind, service.strip()
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
    return Membership.objects.create(council=council, user=person, role=role, team=team, profession=profession)


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    membership.delete()


@transaction.atomic
def person_create(
    *,
    council: Council,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    team: Team | None = None,
    profession: str = "",
) -> User:
    """Add a person to the council with their first role. They choose a password by resetting it."""
    email = email.strip().lower()
    person = User.objects.filter(email__iexact=email).first()
    is_new = person is None
    if person is None:
        person = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
        person.set_unusable_password()
        person.full_clean()
        person.save()
    membership_add(council=council, person=person, role=role, team=team, profession=profession)
    if is_new:
        _invite_on_commit(council, person)
    return person


def _invite_on_commit(council: Council, person: User) -> None:
    from .tasks import send_account_invitation

    transaction.on_commit(lambda: send_account_invitation.delay(council.pk, person.pk))


@transaction.atomic
def person_update(*, person: User, email: str, first_name: str, last_name: str) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
        raise ValidationError({"email": _("Another account already uses this email address.")})
    person.email, person.first_name, person.last_name = email, first_name.strip(), last_name.strip()
    person.full_clean()
    person.save()
    return person


# --- Staff CSV import --------------------------------------------------------------------------

STAFF_CSV_COLUMNS = ["email", "first_name", "last_name", "role", "team", "profession"]


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    people_created: int = 0
    roles_added: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _lookup_choice(value: str, choices: type) -> str | None:
    wanted = value.strip().lower()
    for code, label in choices.choices:
        if wanted in {code.lower(), str(label).lower()}:
            return code
    return None


def staff_import_csv(*, council: Council, data: bytes) -> ImportResult:
    """Import staff, one role per line. Every line is checked first; if any line is wrong,
    nothing is applied and each problem is reported with its line number."""
    result = ImportResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append((1, _("The file must be a CSV file saved as UTF-8.")))
        return result
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in STAFF_CSV_COLUMNS if c not in header and c != "profession"]
    if missing:
        result.errors.append((1, _("The header row is missing: %(cols)s.") % {"cols": ", ".join(missing)}))
        return result

    teams = {t.name.lower(): t for t in Team.objects.filter(council=council)}
    existing = set(Membership.objects.filter(council=council).values_list("user__email", "role", "team_id"))
    seen: set[tuple[str, str, int | None]] = set()
    rows: list[dict] = []
    for line_no, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue
        problems = []
        email = row.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("'%(email)s' is not a valid email address") % {"email": email})
        if not row.get("first_name") or not row.get("last_name"):
            problems.append(_("first name and last name are required"))
        role = _lookup_choice(row.get("role", ""), Role)
        if role is None:
            problems.append(_("'%(role)s' is not a role") % {"role": row.get("role", "")})
        team = None
        if row.get("team"):
            team = teams.get(row["team"].lower())
            if team is None:
                problems.append(_("there is no team called '%(team)s'") % {"team": row["team"]})
        elif role in TEAM_ROLES:
            problems.append(_("a team is required for this role"))
        profession = ""
        if row.get("profession"):
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
            message = "; ".join(problems)
            result.errors.append((line_no, message[0].upper() + message[1:] + "."))
        elif key not in existing:
            rows.append({**row, "email": email, "role": role, "team": team, "profession": profession})
    if result.errors:
        return result
    if not rows and reader.line_num <= 1:
        result.errors.append((1, _("The file has no staff in it.")))
        return result

    with transaction.atomic():
        for row in rows:
            person = User.objects.filter(email__iexact=row["email"]).first()
            if person is None:
                person = User(email=row["email"], first_name=row["first_name"], last_name=row["last_name"])
                person.set_unusable_password()
                person.save()
                result.people_created += 1
                _invite_on_commit(council, person)
            Membership.objects.create(
                council=council, user=person, role=row["role"], team=row["team"], profession=row["profession"]
            )
            result.roles_added += 1
    return result
