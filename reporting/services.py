"""Changes reporting keeps: the council's mapping of standards to the CQC quality statements."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qaportal.models import Council

from .cqc import BY_KEY, default_mapping
from .models import StatementLink


@transaction.atomic
def statements_set(*, council: Council, template_key: str, standard_number: str, statements: list[str]) -> None:
    """The statements one standard is evidence for, replacing what it had."""
    unknown = [s for s in statements if s not in BY_KEY]
    if unknown:
        raise ValidationError(_("Choose quality statements from the list."))
    StatementLink.objects.filter(council=council, template_key=template_key, standard_number=standard_number).delete()
    StatementLink.objects.bulk_create(
        StatementLink(council=council, template_key=template_key, standard_number=standard_number, statement=s)
        for s in dict.fromkeys(statements)
    )


@transaction.atomic
def default_statements_load(*, council: Council) -> int:
    """The suggested mapping for a launch council's catalogue, where it has no mapping yet."""
    if StatementLink.objects.filter(council=council).exists():
        return 0
    links = [
        StatementLink(council=council, template_key=key, standard_number=number, statement=statement)
        for key, standards in default_mapping(council.slug).items()
        for number, statements in standards.items()
        for statement in statements
    ]
    StatementLink.objects.bulk_create(links)
    return len(links)
