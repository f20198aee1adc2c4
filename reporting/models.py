"""What reporting keeps: the council's mapping of its standards to the CQC quality statements."""

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
