"""Report periods as the office names them: a semester "2026-S2" (PermenPANRB 35/2012 asks for
monitoring every six months), a month "2026-11", a quarter "2026-Q4", a year "2026", or two
dates as staff type them ("1/7/2026 - 15/8/2026", "1 - 15 Juli 2026"; see `dates.py`).

Whole office days, both ends included; `bounds` gives the instants [first day 00:00, the day
after the last 00:00) in the office's zone. Pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.dates import DateNotUnderstood, parse_period


class PeriodKind(StrEnum):
    SEMESTER = "semester"
    QUARTER = "quarter"
    MONTH = "month"
    YEAR = "year"
    DATES = "dates"


class PeriodNotUnderstood(ValueError):
    """The text is no period the report knows; `examples` are right ones near today."""

    def __init__(self, text: str, examples: tuple[str, ...]) -> None:
        super().__init__(text)
        self.text = text
        self.examples = examples


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    first: date
    last: date  # included

    @property
    def spec(self) -> str:
        """The short form that names it again: "2026-S2", "2026-11", "2026-Q4", "2026", or
        "2026-07-01..2026-08-15" for two dates (also what file names use)."""
        year = self.first.year
        if self.kind is PeriodKind.SEMESTER:
            return f"{year}-S{1 if self.first.month == 1 else 2}"
        if self.kind is PeriodKind.QUARTER:
            return f"{year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{year}-{self.first.month:02d}"
        if self.kind is PeriodKind.YEAR:
            return str(year)
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as instants: the first day's midnight to the midnight after the last."""
        start = datetime.combine(self.first, time(0), tzinfo=zone)
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=zone)
        return start, end

    def days(self) -> int:
        return (self.last - self.first).days + 1


def semester(year: int, half: int) -> Period:
    first = date(year, 1 if half == 1 else 7, 1)
    last = date(year, 6, 30) if half == 1 else date(year, 12, 31)
    return Period(PeriodKind.SEMESTER, first, last)


def current_semester(today: date) -> Period:
    """The semester `today` falls in: the report's default."""
    return semester(today.year, 1 if today.month <= 6 else 2)


def previous_semester(today: date) -> Period:
    """The semester before today's (what is sent on the first working day of January and
    July)."""
    if today.month <= 6:
        return semester(today.year - 1, 2)
    return semester(today.year, 1)


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * (number - 1) + 1, 1)
    return Period(PeriodKind.QUARTER, first, _month_end(year, 3 * number))


def month(year: int, number: int) -> Period:
    return Period(PeriodKind.MONTH, date(year, number, 1), _month_end(year, number))


def year(number: int) -> Period:
    return Period(PeriodKind.YEAR, date(number, 1, 1), date(number, 12, 31))


def _month_end(year_: int, month_: int) -> date:
    following = date(year_ + month_ // 12, month_ % 12 + 1, 1)
    return following - timedelta(days=1)


_SEMESTER = re.compile(r"^(\d{4})\s*-?\s*s(?:emester)?\s*-?\s*([12])$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*(?:q|tw|triwulan)\s*-?\s*([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_FIRST_YEAR, _LAST_YEAR = 2000, 2100


def parse_report_period(text: str | None, today: date) -> Period:
    """The period a report was asked for; empty: the current semester. PeriodNotUnderstood
    (with examples near today) for anything else."""
    cleaned = " ".join((text or "").strip().lower().split())
    if not cleaned:
        return current_semester(today)
    period = _named(cleaned)
    if period is None:
        try:
            first, last = parse_period(cleaned)
        except DateNotUnderstood:
            raise PeriodNotUnderstood(text or "", examples(today)) from None
        if last < first:
            raise PeriodNotUnderstood(text or "", examples(today))
        period = Period(PeriodKind.DATES, first, last)
    if not _FIRST_YEAR <= period.first.year <= _LAST_YEAR:
        raise PeriodNotUnderstood(text or "", examples(today))
    return period


def _named(cleaned: str) -> Period | None:
    try:
        if match := _SEMESTER.match(cleaned):
            return semester(int(match[1]), int(match[2]))
        if match := _QUARTER.match(cleaned):
            return quarter(int(match[1]), int(match[2]))
        if match := _MONTH.match(cleaned):
            return month(int(match[1]), int(match[2]))
        if match := _YEAR.match(cleaned):
            return year(int(match[1]))
    except ValueError:  # month 13, year 0: no such period
        return None
    return None


def examples(today: date) -> tuple[str, ...]:
    """Right ways to name a period, near today: semester, month, quarter, year, two dates."""
    half = current_semester(today)
    return (
        half.spec,
        month(today.year, today.month).spec,
        quarter(today.year, (today.month - 1) // 3 + 1).spec,
        str(today.year),
        f"{half.first.day}/{half.first.month}/{half.first.year} - "
        f"{today.day}/{today.month}/{today.year}",
    )
