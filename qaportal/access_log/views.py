"""The access log page: who viewed, downloaded or exported what, with filters, and the same as CSV or
Excel for the quality team."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exports import FORMATS, Cell, table_response
from ..http import CouncilRequest
from ..models import AccessRecord
from ..permissions import can_read_access_log
from . import selectors
from .forms import AccessLogFilterForm

PER_PAGE = 50
# A download is built in memory (Excel especially): beyond this many rows, narrow the dates.
EXPORT_LIMIT = 20_000

HEADERS = ["When", "Person", "Email", "Action", "What", "Id", "Label"]


def _row(record: AccessRecord) -> list[Cell]:
    # Local time without its zone: Excel has no time zones, and people read the log in their own.
    at = timezone.localtime(record.at).replace(microsecond=0, tzinfo=None)
    person = record.user
    return [
        at,
        (person.get_full_name() or person.email) if person else _("A deleted account"),
        person.email if person else "",
        str(record.get_action_display()),
        str(record.get_kind_display()),
        record.object_id,
        record.label,
    ]


def access_log(request: CouncilRequest, council_slug: str) -> HttpResponse:
    if not can_read_access_log(request.user, request.council):
        raise PermissionDenied(_("The access log is for the quality team and the council's leaders."))
    form = AccessLogFilterForm(request.GET or None, council=request.council)
    chosen = form.cleaned_data if form.is_valid() else {}
    records = selectors.access_log(
        council=request.council,
        person=chosen.get("person"),
        kind=chosen.get("kind") or "",
        start=chosen.get("start"),
        end=chosen.get("end"),
    )
    fmt = request.GET.get("format")
    if fmt in FORMATS and not form.errors:
        return table_response(
            headers=HEADERS,
            rows=(_row(r) for r in records[:EXPORT_LIMIT]),
            fmt=fmt,
            filename=f"{council_slug}-access-log",
            title="Access log",
            council=request.council,
            by=request.user,
        )
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    # The filters as chosen, for the pages' and downloads' links.
    query = request.GET.copy()
    for key in ("page", "format"):
        query.pop(key, None)
    return render(
        request,
        "qaportal/access_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "export_limit": EXPORT_LIMIT,
            "retention_days": request.council.access_log_retention_days,
        },
        status=400 if form.errors else 200,
    )
