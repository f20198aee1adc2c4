"""Tenancy (Council) and people (User, Team, Membership)."""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .roles import Profession, Role, TeamKind, default_mfa_roles

RESERVED_SLUGS = {"accounts", "accessibility", "healthz", "platform-admin", "f", "static", "media"}


def validate_council_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("%(slug)s is used by the service itself; choose another."), params={"slug": value})


class Council(models.Model):
    """A tenant: one council's adult social care department."""

    slug = models.SlugField(unique=True, max_length=40, validators=[validate_council_slug])
    name = models.CharField(max_length=120)
    department = models.CharField(max_length=160, default="Adult Social Care")
    lookback_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A case reviewed within this many months cannot get another mandatory review of that type."),
    )
    recommended_contact_attempts = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    compliments_email = models.EmailField(blank=True)
    complaints_email = models.EmailField(blank=True)
    complaints_policy = models.TextField(blank=True)
    quality_team_email = models.EmailField(blank=True)
    mi_team_email = models.EmailField(
        blank=True, help_text=_("The management information team, told when a sampled case was reviewed recently.")
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Send reminders this many working days before a review is due."),
    )
    access_log_retention_days = models.PositiveIntegerField(
        default=730,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text=_(
            "How many days the access log (who viewed or downloaded which review, report or feedback) is kept."
        ),
    )
    mfa_required_roles = models.JSONField(
        default=default_mfa_roles,
        help_text=_("People holding any of these roles here must sign in with two-factor authentication."),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


_M = TypeVar("_M", bound=models.Model)

if TYPE_CHECKING:

    class CouncilManager(models.Manager[_M]):
        """What type checkers see: a plain manager."""

else:

    class CouncilManager(type(ScopedManager(council="council"))):
        """django-scopes' scoped manager, as a class of ours: django-scopes builds its class at run time,
        where neither the type checker nor its Django plugin could find it."""


class CouncilOwned(models.Model):
    """A row that belongs to one council: the council is part of every lookup (a scoped manager
    raises if no council is active), so a forgotten filter fails loudly instead of leaking.
    Models that need a reverse accessor on Council redefine `council` with a related_name."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")

    objects: ClassVar[Any] = CouncilManager()  # each model's own manager type; see CouncilManager

    class Meta:
        abstract = True


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = cast(User, self.model(email=self.normalize_email(email).lower(), **extra))
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A member of staff. Signs in with their work email address.

    Platform superusers are the only cross-council accounts.
    """

    username = None  # type: ignore[assignment]  # people sign in with their email address instead
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]  # email, not username

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Team(CouncilOwned):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=TeamKind.choices, default=TeamKind.LONG_TERM)
    service = models.CharField(
        _("service or area"), max_length=120, blank=True, help_text=_("For example, North Derbyshire.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["service", "name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="team_name_unique_in_council")]

    def __str__(self) -> str:
        return self.name


class Membership(CouncilOwned):
    """One role a person holds in a council, in a team where the role has one.

    A group manager has one membership per team they are over.
    """

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    profession = models.CharField(max_length=40, choices=Profession.choices, blank=True)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user", "role", "team"],
                condition=models.Q(team__isnull=False),
                name="membership_unique_in_team",
            ),
            models.UniqueConstraint(
                fields=["council", "user", "role"],
                condition=models.Q(team__isnull=True),
                name="membership_unique_without_team",
            ),
        ]
        indexes = [models.Index(fields=["council", "role"])]

    def __str__(self) -> str:
        where = f" ({self.team})" if self.team_id else ""
        return f"{self.user} — {self.get_role_display()}{where}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(CouncilOwned):
    """A council's invitation to someone who already has a QA Portal account elsewhere.

    Their account is theirs, not the council's: a council admin cannot take a person from another
    council (or change their name, email or sign-in) by typing their email address. The person
    sees the invitation when they sign in and accepts or declines it; only then do they get the role."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for them to accept")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="invitations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=40, choices=Role.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    profession = models.CharField(max_length=40, choices=Profession.choices, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user", "role"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.user} to {self.council} as {self.get_role_display()}"


class Document(CouncilOwned):
    """A generated file — a review's PDF, a report — made by a Celery task, kept with who asked for it.

    `key` names what the file shows (for a review, its id and latest change), so asking again for the
    same thing joins the run under way or reuses the finished file instead of rendering it twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    file = models.FileField(upload_to="documents/", blank=True, max_length=300)
    filename = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # While one run of a document is under way, a second request joins it.
            models.UniqueConstraint(
                fields=["council", "kind", "key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_run_per_document",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(file=""), name="done_document_has_a_file"
            ),
        ]
        indexes = [models.Index(fields=["council", "kind", "key", "status"])]

    def __str__(self) -> str:
        return self.title


class Notification(CouncilOwned):
    """Every e-mail that must go once only (reminders, digests, notices, routed feedback): the row is
    written in the same transaction as the sending, and unique, so a retried task sends nothing more."""

    purpose = models.CharField(max_length=40, help_text=_("What it is, e.g. reminder, overdue, digest."))
    key = models.CharField(max_length=200, help_text=_("What it is about, e.g. expected-42 or 2026-W49."))
    to = models.CharField(max_length=260, help_text=_("user:<id> for a person, or the address it went to."))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["council", "purpose", "key", "to"], name="notification_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.key} to {self.to}"


class OutboxMessage(models.Model):
    """A Celery task waiting for the broker (the transactional outbox, see docs/resilience.md).

    Written in the same transaction as the change that asks for the task, so the two commit or roll
    back together; sent as soon as that commits, or, if the broker was down, by the relay
    (`manage.py outbox_relay`) once it is back. `sent_at` is set under a row lock in the transaction
    that sends it, so two relays never send one row twice. Global: the relay sends every council's
    tasks, and a task names its council in its own arguments."""

    # The Celery task id, the same on every attempt: a message the broker took but did not confirm
    # (a timeout) and was sent again shows up as one id twice in the worker's log.
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    queue = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            # The relay's one query, oldest unsent first: only the rows still waiting are indexed, so it
            # stays a few pages however many sent rows are kept before they are pruned.
            models.Index(fields=["id"], condition=models.Q(sent_at__isnull=True), name="outbox_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)} {'sent' if self.sent_at else 'waiting'}"


class SupervisionRelationship(CouncilOwned):
    """Who supervises whom (Coventry's framework: supervisors audit and observe their own supervisees;
    supervisors' line managers audit supervision records). A supervisor's line manager is the
    supervisor's own supervisor, so one relationship per supervisee makes the whole line."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="supervision")
    supervisor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="supervisees_in")
    supervisee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="supervisors_in")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["supervisor", "supervisee"]
        constraints = [
            # One supervisor at a time: a second line for the same person replaces the first.
            models.UniqueConstraint(fields=["council", "supervisee"], name="one_supervisor_each"),
            models.CheckConstraint(condition=~models.Q(supervisor=models.F("supervisee")), name="not_own_supervisor"),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} supervises {self.supervisee}"


class AccessRecord(CouncilOwned):
    """That someone viewed, downloaded or exported a review, a report, the public's feedback or a table:
    the access log the quality team reads. Who *changed* what is kept with each review (its events
    and changes); this is who *saw* what.

    A thing is named by its kind, its id and a short label ("PSR review 1234"), never by the person it
    is about (no PIN, no name): erasing a person's case leaves nothing of theirs here. Rows older than
    the council's `access_log_retention_days` are deleted every night."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPORTED = "exported", _("Exported")

    class Kind(models.TextChoices):
        REVIEW = "review", _("Review")
        REVIEW_PDF = "review_pdf", _("Review PDF")
        REPORT = "report", _("Report")
        REPORT_PDF = "report_pdf", _("Report PDF")
        FEEDBACK_ITEM = "feedback_item", _("Feedback from the public")
        EXPORT = "export", _("Table (CSV or Excel)")

    # One INSERT per page view: the composite indexes below cover every lookup, so the foreign keys
    # carry no index of their own (each would be one more index to write on every view).
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Kept when an account is deleted (as "a deleted account"); accounts are normally deactivated instead.
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=12, choices=Action.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.CharField(max_length=40, blank=True)
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # The log page, newest first, and the nightly purge of rows older than the council's
            # retention (the same index read backwards).
            models.Index(fields=["council", "-at"], name="accessrecord_council_at"),
            # One person's views and downloads: the page's person filter.
            models.Index(fields=["council", "user", "-at"], name="accessrecord_council_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.kind} {self.object_id} at {self.at:%Y-%m-%d %H:%M}"
