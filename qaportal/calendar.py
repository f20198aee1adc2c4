"""Working days in England and Wales: weekends and bank holidays (the `holidays` package) are not."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def first_working_day(month: dt.date) -> dt.date:
    day = month.replace(day=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def last_working_day(month: dt.date) -> dt.date:
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    day = next_month - dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def nth_working_day_from(day: dt.date, n: int) -> dt.date:
    """The n-th working day counting from `day` (itself the first when it is a working day)."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    while n > 1:
        day += dt.timedelta(days=1)
        n -= is_working_day(day)
    return day


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


# Months a page may be asked about: anything else in a query string is treated as "this month".
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099


def parse_month(value: str | None, *, default: dt.date) -> dt.date:
    """The first day of the month written as YYYY-MM, or `default`'s month when it is not one."""
    try:
        month = dt.date.fromisoformat(f"{(value or '').strip()[:7]}-01")
    except ValueError:
        return month_start(default)
    if not EARLIEST_YEAR <= month.year <= LATEST_YEAR:
        return month_start(default)
    return month
