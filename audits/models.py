"""The common review model. Cases are identified only by the council's person identifier (PIN)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from qaportal.models import Council, Team


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
