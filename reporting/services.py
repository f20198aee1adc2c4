"""Changes reporting makes: the mapping of standards to the CQC quality statements, report narratives,
and requests for reports (by people and by the beat schedule)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qaportal.calendar import add_months, first_working_day, month_start
from qaportal.documents import document_request
from qaportal.models import Council, Document, User

from .cqc import BY_KEY, default_mapping
from .models import ReportNarrative, ScheduledReport, StatementLink
from .reports import DOCUMENT_KIND, REPORT_KINDS, report_key, report_title


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


# --- reports ------------------------------------------------------------------------------------


class NarrativeConflict(Exception):
    """Someone saved the narrative after this editor opened it."""


def narrative_for(*, council: Council, kind: str, start: dt.date) -> ReportNarrative:
    """The saved narrative of a report, or an empty one (not saved)."""
    found = ReportNarrative.objects.filter(council=council, kind=kind, start=start).first()
    return found or ReportNarrative(council=council, kind=kind, start=start, sections={}, version=0)


@transaction.atomic
def narrative_save(
    *, council: Council, kind: str, start: dt.date, sections: dict[str, str], version: int, by: User
) -> ReportNarrative:
    """Save the words for each section as a draft. `version` is the one the editor opened: if someone
    saved since, nothing is written and NarrativeConflict says so (the editor keeps their words)."""
    ReportNarrative.objects.get_or_create(council=council, kind=kind, start=start)
    narrative = ReportNarrative.objects.select_for_update().get(council=council, kind=kind, start=start)
    if narrative.version != version:
        raise NarrativeConflict(narrative)
    narrative.sections = {key: text.strip() for key, text in sections.items() if text.strip()}
    narrative.version += 1
    narrative.updated_by = by
    narrative.save()
    return narrative


def report_request(
    *, council: Council, kind: str, start: dt.date, by: User | None, scheduled: bool = False
) -> Document:
    """Ask for a report as a PDF, with the narrative saved so far. A request for the same report,
    period and words while one is being made joins it; otherwise a fresh run is made, as the figures
    may have changed since the last."""
    report = REPORT_KINDS[kind]
    if not report.available_to(council):
        raise ValidationError(_("This report is not made for %(council)s.") % {"council": council.name})
    narratives = narrative_for(council=council, kind=kind, start=start).sections if not scheduled else {}
    return document_request(
        council=council,
        kind=DOCUMENT_KIND,
        key=report_key(report, start, narratives),
        title=report_title(report, start),
        by=by,
        params={"kind": kind, "start": start.isoformat(), "narratives": narratives, "scheduled": scheduled},
        reuse=False,
    )


def scheduled_reports_request(*, council: Council, today: dt.date) -> Document | None:
    """From the first working day of a month, the monthly compliance report for the month before, once:
    the row and the request share a transaction, so beat firing again (or twice) asks nothing more."""
    if today < first_working_day(today):
        return None
    start = add_months(month_start(today), -1)
    with transaction.atomic():
        if ScheduledReport.objects.filter(council=council, kind="monthly", start=start).exists():
            return None
        document = report_request(council=council, kind="monthly", start=start, by=None, scheduled=True)
        try:
            with transaction.atomic():
                ScheduledReport.objects.create(council=council, kind="monthly", start=start, document=document)
        except IntegrityError:
            transaction.set_rollback(True)  # another worker got there first: its request stands
            return None
    return document
