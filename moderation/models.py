"""Moderation rounds: a sample of completed reviews, each assigned to a panel member who records a
verdict on how well it was rated."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audits.models import Review
from qaportal.models import Council, CouncilOwned


class ModerationRound(CouncilOwned):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class SampleRule(models.TextChoices):
        PERCENT = "percent", _("A percentage of the completed reviews")
        PER_MEMBER = "per_member", _("A number for each panel member")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="moderation_rounds")
    name = models.CharField(max_length=160)
    period_start = models.DateField(help_text=_("Reviews completed from this day…"))
    period_end = models.DateField(help_text=_("…to this day."))
    template_keys = models.JSONField(default=list, help_text=_("The forms whose reviews are sampled."))
    sample_rule = models.CharField(max_length=12, choices=SampleRule.choices)
    amount = models.PositiveSmallIntegerField(help_text=_("The percentage, or the number for each panel member."))
    # Stored, so the round shows the same sample whenever it is drawn again.
    seed = models.CharField(max_length=120)
    closes_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # A scheduled round's schedule ("somerset-monthly"): one round per council, schedule and period.
    schedule = models.CharField(max_length=40, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)
    # Set when the outcomes have been e-mailed to reviewers and their group managers: once a round.
    outcomes_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "schedule", "period_start"],
                condition=~models.Q(schedule=""),
                name="one_scheduled_round_a_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="round_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PanelMember(CouncilOwned):
    round = models.ForeignKey(ModerationRound, on_delete=models.CASCADE, related_name="panel")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "round", "person"], name="on_panel_once")]


class Assignment(CouncilOwned):
    """One sampled review for one panel member to moderate."""

    round = models.ForeignKey(ModerationRound, on_delete=models.CASCADE, related_name="assignments")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="moderation_assignments")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "position"]
        constraints = [models.UniqueConstraint(fields=["council", "round", "review"], name="review_once_a_round")]
        indexes = [models.Index(fields=["council", "moderator"])]

    @property
    def submitted(self) -> bool:
        verdict = getattr(self, "verdict", None)
        return verdict is not None and verdict.status == Verdict.Status.SUBMITTED


class Reassignment(CouncilOwned):
    """A review moved from one panel member to another (someone away), with the reason kept."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reassignments")
    from_moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class LearningTheme(CouncilOwned):
    """A tag from the council's list of learning themes, kept by the quality team."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="learning_themes")
    name = models.CharField(max_length=120)
    # Retired themes stay on the verdicts that used them but are not offered again.
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="learning_theme_once")]

    def __str__(self) -> str:
        return self.name


class Verdict(CouncilOwned):
    """A panel member's verdict on the review they were assigned."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="verdict")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # A code from the council's review quality scale (moderation.quality).
    quality = models.CharField(max_length=40, blank=True)
    practice = models.TextField(blank=True)
    feedback = models.TextField(blank=True)
    themes = models.ManyToManyField(LearningTheme, blank=True, related_name="verdicts")
    # Bumped on each save: a save from a form opened before someone else's is a conflict, not a loss.
    version = models.PositiveIntegerField(default=0)
    # The form as last typed but not saved (autosave), given back when the page is opened again.
    draft_data = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Verdict on {self.assignment.review}"


class StandardVerdict(CouncilOwned):
    """Agree or disagree with one rating of the review. The reviewer's rating is never changed: the
    moderator's own rating, and the quality team's final rating after discussion, sit beside it."""

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="standards")
    rating = models.ForeignKey("audits.StandardRating", on_delete=models.CASCADE, related_name="+")
    agrees = models.BooleanField(null=True)
    level = models.ForeignKey("standards.ScaleLevel", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    final_level = models.ForeignKey(
        "standards.ScaleLevel", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["verdict", "rating__standard__order"]
        constraints = [models.UniqueConstraint(fields=["council", "verdict", "rating"], name="one_verdict_a_rating")]

    @property
    def awaiting_resolution(self) -> bool:
        return self.agrees is False and self.resolved_at is None


class DisagreementComment(CouncilOwned):
    """The discussion of a disagreement between the reviewer, their group manager, the moderator and
    the quality team."""

    standard_verdict = models.ForeignKey(StandardVerdict, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
