"""The councils' moderation timetables, which Celery beat runs each morning.

- Somerset: "Moderation of a random sample of completed audits will take place during the first two
  weeks of the following month" (Practice Quality Framework): a round opens on the first working day
  for the previous month and closes after ten working days. Moderators are the L&D Advanced
  Practitioners.
- Derbyshire: "Members of the moderation panel are each assigned two completed Practice Standard
  Reviews each", moderation "throughout the year" (PSR / SPSR practice guidance v4): a round each
  quarter for the quarter before, two reviews for each panel member.
Coventry and Lincolnshire moderate by hand: their quality team opens rounds when it chooses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qaportal.calendar import add_months, first_working_day, nth_working_day_from


@dataclass(frozen=True)
class Schedule:
    key: str
    months: int  # the length of the period moderated: 1 a month, 3 a quarter
    sample_rule: str
    amount: int
    working_days_open: int
    name: str  # e.g. "Moderation for {period}"

    def due_period(self, today: dt.date) -> tuple[dt.date, dt.date] | None:
        """The period whose round opens on or after this morning, or None if it is not time yet.

        Rounds open on the first working day of a month that starts a period (every month, or
        January, April, July and October), for the period just ended; a missed morning is caught up
        on any later day of that month."""
        month = today.replace(day=1)
        if (month.month - 1) % self.months or today < first_working_day(month):
            return None
        start = add_months(month, -self.months)
        return start, month - dt.timedelta(days=1)

    def closes_on(self, opened: dt.date) -> dt.date:
        """The last day of the round: its `working_days_open`-th working day, counting the day it opened."""
        return nth_working_day_from(opened, self.working_days_open)


SCHEDULES: dict[str, Schedule] = {
    "somerset": Schedule(
        key="somerset-monthly",
        months=1,
        sample_rule="percent",
        amount=10,
        working_days_open=10,
        name="Moderation of {period} audits",
    ),
    "derbyshire": Schedule(
        key="derbyshire-quarterly",
        months=3,
        sample_rule="per_member",
        amount=2,
        working_days_open=20,
        name="Moderation of PSRs and SPSRs, {period}",
    ),
}
