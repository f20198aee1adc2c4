"""The audit programme: which reviews each person is expected to complete, month by month, and the
monthly case samples group managers allocate from. Every council's cycle is configuration here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qaportal.models import Council, CouncilOwned, Team
from qaportal.roles import Role, TeamKind
from standards.models import ReviewKind

from .reviews import Case, Review


class AuditProgramme(CouncilOwned):
    """A council's programme for a year, edited by the quality team."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(max_length=160)
    starts_on = models.DateField(help_text=_("The first month the programme applies to."))
    ends_on = models.DateField(null=True, blank=True, help_text=_("Leave empty to run until replaced."))
    is_active = models.BooleanField(default=True)
    unsaid = models.TextField(
        blank=True,
        help_text=_("What the council's document does not say, and so what here is our placeholder to change."),
    )

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.name


class TimetableEntry(CouncilOwned):
    """Which template a programme audits in a month, for programmes that change template each month
    (Somerset: one practice standard a month)."""

    programme = models.ForeignKey(AuditProgramme, on_delete=models.CASCADE, related_name="timetable")
    month = models.PositiveSmallIntegerField()
    template = models.ForeignKey("standards.ReviewTemplate", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["programme", "month"]
        constraints = [models.UniqueConstraint(fields=["council", "programme", "month"], name="one_template_a_month")]


class ProgrammeRule(CouncilOwned):
    """“Template T, for people with role R (in teams of kind K), in months M, N, each, self or peer,
    due by the last working day of the month.”"""

    class Mode(models.TextChoices):
        SAMPLE = "sample", _("Group managers allocate from a monthly case sample")
        DIRECT = "direct", _("Each person is asked directly and chooses the case")
        TEAM = (
            "team",
            _("One for each team of the kind, asked of the people with the role in turn (facilitated sessions)"),
        )
        DRAWN = "drawn", _("Each person is asked directly and chooses from cases drawn at random for them")
        SUPERVISEE = (
            "supervisee",
            _(
                "One for each supervisee with the role, asked of their supervisor or the supervisor's line manager "
                "(as the form says), spread across the months"
            ),
        )

    programme = models.ForeignKey(AuditProgramme, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=160)
    template = models.ForeignKey(
        "standards.ReviewTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: use the programme's timetable."),
    )
    role = models.CharField(
        max_length=40, choices=Role.choices, help_text=_("Of the supervisees, for a rule for each supervisee.")
    )
    team_kind = models.CharField(
        max_length=20,
        choices=TeamKind.choices,
        blank=True,
        help_text=_("Only people in teams of this kind. Empty: any team."),
    )
    except_team_kind = models.CharField(
        max_length=20,
        choices=TeamKind.choices,
        blank=True,
        help_text=_("Not people in teams of this kind, who have a rule of their own (Coventry's therapy audit)."),
    )
    months = models.JSONField(default=list, help_text=_("Months of the year, 1 to 12."))
    count = models.PositiveSmallIntegerField(
        default=1,
        help_text=_("Reviews each person is expected to complete; for each supervisee, the number in a year."),
    )
    kind = models.CharField(max_length=12, choices=ReviewKind.choices, default=ReviewKind.MANDATORY)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.SAMPLE)

    class Meta:
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return self.name


class ProgrammeRun(CouncilOwned):
    """One council's monthly run. Unique per council and month: the run is idempotent in the database."""

    class Status(models.TextChoices):
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    period = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices)
    expected_created = models.PositiveIntegerField(default=0)
    samples_created = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    ran_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["council", "period"], name="one_run_a_month")]


class CaseSample(CouncilOwned):
    """A group manager's cases for the month (Derbyshire: 10 PINs from the MI team, or a seeded draw)."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded by the MI team")
        DRAW = "draw", _("Drawn at random")

    period = models.DateField()
    group_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=8, choices=Source.choices)
    seed = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "period", "group_manager"], name="one_sample_a_month")
        ]


class SampleCase(CouncilOwned):
    sample = models.ForeignKey(CaseSample, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    reviewed_recently = models.BooleanField(
        default=False, help_text=_("Reviewed within the look-back window: not offered, and the MI team told.")
    )
    mi_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sample", "position"]
        constraints = [models.UniqueConstraint(fields=["council", "sample", "case"], name="case_once_in_sample")]


class ExpectedReview(CouncilOwned):
    """One review the programme expects of one person in one month: the unit of compliance."""

    rule = models.ForeignKey(ProgrammeRule, on_delete=models.PROTECT, related_name="expected")
    period = models.DateField()
    number = models.PositiveSmallIntegerField(default=1, help_text=_("1 to the rule's count."))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expected_reviews")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a rule for each supervisee: the supervisee the review is about."),
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    template = models.ForeignKey("standards.ReviewTemplate", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=ReviewKind.choices)
    due_date = models.DateField()
    review = models.OneToOneField(Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="expected")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "person", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "rule", "period", "person", "number"],
                condition=models.Q(subject__isnull=True),
                name="one_expected_review",
            ),
            models.UniqueConstraint(
                fields=["council", "rule", "period", "subject"],
                condition=models.Q(subject__isnull=False),
                name="one_expected_review_each_supervisee",
            ),
        ]
        indexes = [models.Index(fields=["council", "period"])]

    def __str__(self) -> str:
        return f"{self.template} for {self.person} ({self.period:%B %Y})"
