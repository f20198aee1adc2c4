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
