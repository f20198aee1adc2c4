"""The figures dashboards and reports show, as tables and charts built from the selectors.

A table here is what the page shows and what its CSV and Excel downloads hold: both are made from
the same `Table`, so a download can never disagree with the page it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qaportal.exports import Cell
from qaportal.models import Council

from . import charts, selectors
from .selectors import COMPLIANCE_FIGURES, COMPLIANCE_HEADINGS, Filters

GROUPINGS = {
    "team": gettext_lazy("Team"),
    "person": gettext_lazy("Person"),
    "area": gettext_lazy("Area"),
    "group": gettext_lazy("Group manager"),
    "template": gettext_lazy("Form"),
    "month": gettext_lazy("Month"),
    "council": gettext_lazy("Council"),
}


@dataclass
class Table:
    key: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    empty: str = ""
    # Columns after the first are numbers unless listed here.
    text_columns: frozenset[int] = field(default_factory=frozenset)

    @property
    def download_rows(self) -> list[list[Cell]]:
        return [*self.rows, *([self.total] if self.total else [])]


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{round(100 * share)}%"


def compliance_table(council: Council, filters: Filters, by: str) -> Table:
    rows = selectors.compliance(
        council=council, period=filters.start, until=filters.end, by=by, teams=filters.teams, template=filters.template
    )
    total = selectors.compliance_total(rows)
    return Table(
        key=f"compliance-{by}",
        caption=_(
            "Programme reviews expected, allocated, completed, authorised and overdue, "
            "and additional reviews, by %(by)s"
        )
        % {"by": str(GROUPINGS[by]).lower()},
        headers=[str(GROUPINGS[by]), *(_(COMPLIANCE_HEADINGS[f]) for f in COMPLIANCE_FIGURES)],
        rows=[[r["name"], *(r[f] for f in COMPLIANCE_FIGURES)] for r in rows],
        total=[str(total["name"]), *(total[f] for f in COMPLIANCE_FIGURES)] if rows else None,
        empty=_("No reviews were expected or completed in this period."),
    )


def compliance_chart(table: Table) -> list[dict]:
    """Expected, completed and authorised per month, from the month table, with it."""
    if not table.rows:
        return []
    index = {h: i for i, h in enumerate(table.headers)}
    months = [str(r[0]) for r in table.rows]

    def column(name: str) -> list[float]:
        return [float(r[index[_(COMPLIANCE_HEADINGS[name])]] or 0) for r in table.rows]

    chart = charts.bars(
        title=_("Reviews expected, completed and authorised each month"),
        alt=_(
            "Bar chart of programme reviews expected, completed and authorised in each month; "
            "the figures are in the table below it."
        ),
        categories=months,
        series=[
            (_("Expected"), column("expected")),
            (_("Completed"), column("completed")),
            (_("Authorised"), column("authorised")),
        ],
    )
    return [{"chart": chart, "table": table}]


@dataclass
class RatingsFigures:
    forms: list[dict]
    # Each chart with the table of its figures: {"chart": Chart, "table": Table}.
    charted: list[dict]
    tables: list[Table]


def ratings(council: Council, filters: Filters, *, with_trends: bool) -> RatingsFigures:
    forms = selectors.ratings_by_standard(council=council, filters=filters)
    trend = selectors.ratings_trend(council=council, filters=filters) if with_trends else {}
    charted, tables = [], []
    month_labels = [date_format(m, "M y") for m in filters.months]
    for form in forms:
        labels = [level.label for level in form["levels"]]
        table = Table(
            key=f"ratings-{form['key']}",
            caption=_("%(form)s: ratings given for each standard") % {"form": form["name"]},
            headers=[_("Standard"), *labels, _("Ratings"), _("Meeting the standard")],
            rows=[
                [f"{s['number']}. {s['title']}", *s["counts"], s["total"], _percent(s["share"])]
                for s in form["standards"]
            ],
        )
        if not any(s["total"] for s in form["standards"]):
            tables.append(table)
            continue
        chart = charts.stacked_bars(
            title=_("%(form)s: ratings by standard") % {"form": form["name"]},
            alt=_(
                "Bar chart of the share of each rating given for each standard of the %(form)s; "
                "the figures are in the table with it."
            )
            % {"form": form["name"]},
            categories=[f"{s['number']}. {s['title']}" for s in form["standards"]],
            series=[(label, [s["counts"][i] for s in form["standards"]]) for i, label in enumerate(labels)],
            percent=True,
        )
        charted.append({"chart": chart, "table": table})
        by_standard = trend.get(form["key"], {})
        if with_trends and by_standard and len(filters.months) > 1:
            series = [
                (f"{s['number']}. {s['title']}", by_standard.get(s["number"], [None] * len(month_labels)))
                for s in form["standards"]
            ]
            charted.append(
                {
                    "chart": charts.lines(
                        title=_("%(form)s: share of ratings meeting the standard, month by month")
                        % {"form": form["name"]},
                        alt=_(
                            "Line chart of the share of ratings meeting each standard of the %(form)s in each "
                            "month; the figures are in the table with it."
                        )
                        % {"form": form["name"]},
                        categories=month_labels,
                        series=series,
                    ),
                    "table": Table(
                        key=f"ratings-trend-{form['key']}",
                        caption=_("%(form)s: share of ratings meeting each standard, month by month")
                        % {"form": form["name"]},
                        headers=[_("Standard"), *month_labels],
                        rows=[
                            [label, *(_percent(None if v is None else v / 100) for v in values)]
                            for label, values in series
                        ],
                    ),
                }
            )
    teams = selectors.ratings_by_team(council=council, filters=filters)
    tables.append(
        Table(
            key="ratings-by-team",
            caption=_("Ratings of each team's work and the share meeting the standard"),
            headers=[_("Team"), _("Ratings"), _("Meeting the standard"), _("Share meeting the standard")],
            rows=[[t["name"], t["rated"], t["met"], _percent(t["share"])] for t in teams],
            empty=_("No ratings in this period."),
        )
    )
    return RatingsFigures(forms, charted, tables)


def feedback(council: Council, filters: Filters) -> tuple[dict, Table, Table]:
    summary = selectors.feedback_summary(council=council, filters=filters)
    given = Table(
        key="feedback",
        caption=_("Who gave feedback in the completed reviews"),
        headers=[_("Feedback from"), _("Reviews")],
        rows=[[str(label), n] for label, n in summary["given"]]
        + [[_("No one: a reason was recorded"), sum(n for _l, n in summary["reasons"])]]
        + [[_("Nothing recorded yet"), summary["not_recorded"]]],
        total=[_("Completed reviews"), summary["reviews"]],
    )
    reasons = Table(
        key="feedback-reasons",
        caption=_("Why the person was not asked for feedback"),
        headers=[_("Reason"), _("Reviews")],
        rows=[[str(label), n] for label, n in summary["reasons"]],
    )
    return summary, given, reasons


def qa_actions(council: Council, filters: Filters) -> Table:
    figures = selectors.qa_actions_summary(council=council, filters=filters)
    return Table(
        key="qa-actions",
        caption=_("Quality assurance plan actions written in the period's reviews"),
        headers=[_("Actions"), _("Number")],
        rows=[
            [_("Open"), figures["open"]],
            [_("Of which overdue"), figures["overdue"]],
            [_("Done"), figures["done"]],
            [_("Not needed"), figures["not_needed"]],
        ],
        total=[_("All actions"), figures["total"]],
    )


def escalations(council: Council, filters: Filters) -> Table:
    rows = selectors.escalations_summary(council=council, filters=filters)
    return Table(
        key="escalations",
        caption=_("Concerns escalated to the group manager at once, and how many they acknowledged"),
        headers=[_("Concern"), _("Raised"), _("Acknowledged")],
        rows=[[str(r["concern"]), r["raised"], r["acknowledged"]] for r in rows],
        total=[_("All escalations"), sum(r["raised"] for r in rows), sum(r["acknowledged"] for r in rows)],
    )


def moderation(council: Council, filters: Filters) -> tuple[dict, Table, Table]:
    summary = selectors.moderation_summary(council=council, filters=filters)

    def coefficient(row, name: str) -> str:
        found = next((c for c in row.coefficients if c.name == name), None)
        if found is None or found.value is None:
            return "–"
        return f"{found.value:.0%}" if name.startswith("Percentage") else f"{found.value:.2f}"

    headers = [_("Ratings"), _("Pairs"), _("Agreement"), _("Cohen's kappa"), _("Gwet's AC1")]
    agreement = Table(
        key="moderation-agreement",
        caption=_("How far moderators agreed with the reviewers' ratings"),
        headers=headers,
        rows=[
            [
                row.label,
                row.pairs,
                coefficient(row, "Percentage agreement"),
                coefficient(row, "Cohen's kappa"),
                coefficient(row, "Gwet's AC1"),
            ]
            for row in [*summary["overall"], *summary["by_standard"]]
        ],
        empty=_("No moderated ratings in this period."),
    )
    themes = Table(
        key="learning-themes",
        caption=_("Learning themes moderators recorded"),
        headers=[_("Theme"), _("Reviews")],
        rows=[[name, n] for name, n in summary["themes"]],
        empty=_("No learning themes were recorded in this period."),
    )
    return summary, agreement, themes


def cqc_evidence(council: Council, filters: Filters) -> Table:
    evidence = selectors.evidence_by_statement(council=council, start=filters.start, end=filters.end_day)
    return Table(
        key="cqc-evidence",
        caption=_("Evidence for each CQC quality statement"),
        headers=[_("Quality statement"), _("Theme"), _("Reviews"), _("Ratings"), _("Meeting the standard")],
        rows=[
            [str(e["statement"].title), str(e["statement"].theme), e["reviews"], e["rated"], _percent(e["share"])]
            for e in evidence
        ],
        text_columns=frozenset({1}),
    )


class Figures:
    """The figures of one council and filters, each read once however many sections of a report or
    dashboard show it (the summary and the feedback section share the feedback figures, the moderation
    and themes sections the moderation ones)."""

    def __init__(self, council: Council, filters: Filters):
        self.council, self.filters = council, filters
        self._compliance: dict[str, Table] = {}

    def compliance(self, by: str) -> Table:
        if by not in self._compliance:
            self._compliance[by] = compliance_table(self.council, self.filters, by)
        return self._compliance[by]

    @cached_property
    def ratings(self) -> RatingsFigures:
        return ratings(self.council, self.filters, with_trends=len(self.filters.months) > 2)

    @cached_property
    def feedback(self) -> tuple[dict, Table, Table]:
        return feedback(self.council, self.filters)

    @cached_property
    def moderation(self) -> tuple[dict, Table, Table]:
        return moderation(self.council, self.filters)


def dashboard(data: Figures, *, by: str, whole_council: bool) -> dict:
    """The dashboard's sections, and every table in them by key (for the downloads)."""
    by_month = data.compliance("month")
    feedback_summary, given, reasons = data.feedback
    _summary, agreement, themes = data.moderation
    sections = [
        {
            "key": "compliance",
            "title": _("Compliance with the programme"),
            "charted": compliance_chart(by_month),
            "tables": [data.compliance(by)] if by_month.rows else [data.compliance(by), by_month],
        },
        {
            "key": "ratings",
            "title": _("Ratings per standard"),
            "forms": data.ratings.forms,
            "charted": data.ratings.charted,
            "tables": data.ratings.tables,
        },
        {
            "key": "feedback",
            "title": _("The person's feedback"),
            "feedback": feedback_summary,
            "tables": [given, reasons],
        },
        {
            "key": "actions",
            "title": _("QA plan actions and escalations"),
            "tables": [qa_actions(data.council, data.filters), escalations(data.council, data.filters)],
        },
        {"key": "moderation", "title": _("Moderation"), "tables": [agreement, themes]},
    ]
    if whole_council:
        sections.append(
            {
                "key": "cqc",
                "title": _("CQC quality statements"),
                "tables": [cqc_evidence(data.council, data.filters)],
            }
        )
    tables = [t for s in sections for t in [*(c["table"] for c in s.get("charted", [])), *s["tables"]]]
    return {"sections": sections, "tables": {t.key: t for t in tables}}
