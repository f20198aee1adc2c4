"""The common review model. Cases are identified only by the council's person identifier (PIN)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from qaportal.models import Council, Team
from standards.models import ReviewKind


class Case(models.Model):
    """A person's case file, known to QA Portal only by its PIN and who holds the work."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="cases")
    pin = models.CharField(_("PIN"), max_length=32, help_text=_("The council's person identifier."))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases", verbose_name=_("owning team"))
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responsible_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(council="council")

    class Meta:
        ordering = ["pin"]
        constraints = [models.UniqueConstraint(fields=["council", "pin"], name="case_pin_unique_in_council")]

    def __str__(self) -> str:
        return f"PIN {self.pin}"


class Review(models.Model):
    """One audit of one case by one reviewer against one template version.

    The version is fixed when the review starts: publishing a newer version of the template never
    changes the wording or standards of a review already under way.
    """

    class Status(models.TextChoices):
        ALLOCATED = "allocated", _("Allocated")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        AUTHORISED = "authorised", _("Authorised")
        CANCELLED = "cancelled", _("Cancelled")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="reviews")
    template_version = models.ForeignKey(
        "standards.TemplateVersion", on_delete=models.PROTECT, related_name="reviews"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=12, choices=ReviewKind.choices, default=ReviewKind.MANDATORY)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ALLOCATED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(council="council")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "status"])]

    def __str__(self) -> str:
        return f"{self.template_version.template} of {self.case}"
