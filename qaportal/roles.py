"""The roles a person can hold in a council, in the councils' own words."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    SENIOR_PRACTITIONER = "senior_practitioner", _("Senior practitioner")
    ADVANCED_PRACTITIONER = "advanced_practitioner", _("Advanced practitioner")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    STRATEGIC_MANAGER = "strategic_manager", _("Strategic manager")
    GROUP_MANAGER = "group_manager", _("Group manager")
    MODERATOR = "moderator", _("Moderator")
    PRINCIPAL_SOCIAL_WORKER = "principal_social_worker", _("Principal social worker")
    QUALITY_TEAM = "quality_team", _("Quality team")
    DIRECTOR = "director", _("Director")
    COUNCIL_ADMIN = "council_admin", _("Council admin")


class Profession(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("Occupational therapist")
    ADULT_SOCIAL_CARE_PRACTITIONER = "asc_practitioner", _("Adult social care practitioner")
    OT_ASSISTANT = "ot_assistant", _("Occupational therapy assistant")


class TeamKind(models.TextChoices):
    LONG_TERM = "long_term", _("Long-term")
    START = "start", _("START (short-term assessment and reablement)")
    OT = "ot", _("Occupational therapy")
    AMHP = "amhp", _("AMHP service")
    DOLS = "dols", _("DoLS")
    SAFEGUARDING = "safeguarding", _("Safeguarding")
    PRACTICE_DEVELOPMENT = "practice_development", _("Practice development")
    OTHER = "other", _("Other")


# --- role groups, each named once and used everywhere ---------------------------------------------

# The quality side: owns the catalogue and the programme, reads the public's feedback.
QUALITY_ROLES = frozenset({Role.QUALITY_TEAM, Role.PRINCIPAL_SOCIAL_WORKER})
# See every review of their council, in full.
OVERSIGHT_ROLES = QUALITY_ROLES | {Role.DIRECTOR}
# Read the council's compliance and reports.
LEADERSHIP_ROLES = OVERSIGHT_ROLES | {Role.STRATEGIC_MANAGER}
# Allocate reviews to others.
ALLOCATOR_ROLES = frozenset({Role.GROUP_MANAGER, Role.QUALITY_TEAM})
# Complete reviews (their own, or delegated to them): their home page shows their reviews to do.
REVIEWER_ROLES = frozenset(
    {Role.SERVICE_MANAGER, Role.SENIOR_PRACTITIONER, Role.ADVANCED_PRACTITIONER, Role.PRACTITIONER}
)
# Hold cases of their own: their home page shows what audits found on them.
PRACTICE_ROLES = frozenset({Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.ADVANCED_PRACTITIONER})

# Roles that hold a team (their own, or for group managers each team they are over).
TEAM_ROLES = {
    Role.PRACTITIONER,
    Role.SENIOR_PRACTITIONER,
    Role.ADVANCED_PRACTITIONER,
    Role.SERVICE_MANAGER,
    Role.GROUP_MANAGER,
}

# Roles that look cases up by PIN and read their review history.
CASE_ROLES = {
    Role.SERVICE_MANAGER,
    Role.SENIOR_PRACTITIONER,
    Role.ADVANCED_PRACTITIONER,
    Role.GROUP_MANAGER,
    Role.STRATEGIC_MANAGER,
    Role.QUALITY_TEAM,
    Role.PRINCIPAL_SOCIAL_WORKER,
    Role.MODERATOR,
    Role.DIRECTOR,
}


# Roles that read other people's reviews, or the public's names and contact details, or manage
# people: they sign in with two-factor authentication. A council may require it of more roles
# (Council.mfa_required_roles); this is the safe default every council starts with.
MFA_REQUIRED_BY_DEFAULT = [
    Role.COUNCIL_ADMIN,
    Role.QUALITY_TEAM,
    Role.PRINCIPAL_SOCIAL_WORKER,
    Role.DIRECTOR,
    Role.MODERATOR,
    Role.GROUP_MANAGER,
]


def default_mfa_roles() -> list[str]:
    return [str(role) for role in MFA_REQUIRED_BY_DEFAULT]
