"""What reporting keeps: the council's mapping of its standards to the CQC quality statements."""

from django.conf import settings
from django.db import models

from qaportal.models import CouncilOwned

from .cqc import CHOICES


class StatementLink(CouncilOwned):
    """One of the council's standards (by form and number, so it holds across versions of the form)
    is evidence for one CQC quality statement."""

    template_key = models.SlugField(max_length=60)
    standard_number = models.CharField(max_length=12)
    statement = models.CharField(max_length=30, choices=CHOICES)

    class Meta:
        ordering = ["template_key", "standard_number", "statement"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "template_key", "standard_number", "statement"], name="statement_link_once"
            )
        ]


class ReportNarrative(CouncilOwned):
    """The quality team's words for each section of one report (a kind and its first month), kept as a
    draft until the report is asked for; the run keeps a copy of them."""

    kind = models.CharField(max_length=20)
    start = models.DateField(help_text="The first month the report covers.")
    sections = models.JSONField(default=dict, blank=True)
    # Saved with the number the editor started from, so a second tab or person cannot overwrite unseen.
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "kind", "start"], name="one_narrative_per_report")]


class ScheduledReport(CouncilOwned):
    """A report the beat schedule asked for (the monthly compliance report for the month before): one
    row per council, report and month, written in the same transaction as the request, so beat firing
    twice asks once."""

    kind = models.CharField(max_length=20)
    start = models.DateField()
    document = models.ForeignKey("qaportal.Document", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "kind", "start"], name="scheduled_report_once")]
