"""Office hours as a KPU secretariat keeps them: working spans per weekday with the rest breaks
between them, date ranges with their own hours, and Ramadan's hours on the Hijri calendar.

Perpres 21/2023 sets 37.5 working hours a week for civil servants, breaks excluded. The usual
KPU week (the default here): Monday to Thursday 07.30-12.00 and 13.00-16.00 (istirahat
12.00-13.00), Friday 07.30-11.30 and 13.00-16.30 (istirahat and Friday prayers 11.30-13.00).

Each year a circular of MenPANRB shortens the hours in Ramadan; recent ones set Monday to
Thursday 08.00-15.00 with a break 12.00-12.30 and Friday 08.00-15.30 with 11.30-12.30 (32.5 hours
a week), the default Ramadan hours here. The month itself is computed from the Umm al-Qura
calendar (`hijridate`), so an office sets the hours once, not the dates each year; an exact
from/to replaces the computed month when the government's announcement (sidang isbat) differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from types import MappingProxyType
from typing import TypeAlias

from hijridate import Gregorian, Hijri

RAMADAN_NAME = "Ramadan"
_RAMADAN, _SHAWWAL = 9, 10


@dataclass(frozen=True)
class OfficeHours:
    """One working span of a day: the office is open in [opens, closes)."""

    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError(f"office opens ({self.opens}) after it closes ({self.closes})")

    def __str__(self) -> str:
        return f"{self.opens:%H:%M}-{self.closes:%H:%M}"


# A day's working spans in order, the breaks between them; () is a day the office is closed.
DayHours: TypeAlias = tuple[OfficeHours, ...]
HoursInput: TypeAlias = OfficeHours | Iterable[OfficeHours]


def day_hours(spans: HoursInput) -> DayHours:
    """One day's spans in order; spans that touch become one, overlapping ones are refused."""
    ordered = sorted([spans] if isinstance(spans, OfficeHours) else spans, key=lambda s: s.opens)
    merged: list[OfficeHours] = []
    for span in ordered:
        if merged and span.opens < merged[-1].closes:
            raise ValueError(f"office hours {merged[-1]} and {span} overlap")
        if merged and span.opens == merged[-1].closes:
            merged[-1] = OfficeHours(merged[-1].opens, span.closes)
        else:
            merged.append(span)
    return tuple(merged)


def week_hours(hours: Mapping[int, HoursInput]) -> dict[int, DayHours]:
    """Hours per weekday (0 Monday .. 6 Sunday), each day's spans in order."""
    if any(day not in range(7) for day in hours):
        raise ValueError("office hours keys must be weekdays 0 (Monday) .. 6 (Sunday)")
    return {day: day_hours(spans) for day, spans in sorted(hours.items())}


def _span(opens: str, closes: str) -> OfficeHours:
    return OfficeHours(time.fromisoformat(opens), time.fromisoformat(closes))


_MON_THU = (_span("07:30", "12:00"), _span("13:00", "16:00"))
_FRIDAY = (_span("07:30", "11:30"), _span("13:00", "16:30"))
DEFAULT_HOURS: Mapping[int, DayHours] = MappingProxyType(
    {0: _MON_THU, 1: _MON_THU, 2: _MON_THU, 3: _MON_THU, 4: _FRIDAY}
)
_RAMADAN_MON_THU = (_span("08:00", "12:00"), _span("12:30", "15:00"))
_RAMADAN_FRIDAY = (_span("08:00", "11:30"), _span("12:30", "15:30"))
DEFAULT_RAMADAN_HOURS: Mapping[int, DayHours] = MappingProxyType(
    {0: _RAMADAN_MON_THU, 1: _RAMADAN_MON_THU, 2: _RAMADAN_MON_THU, 3: _RAMADAN_MON_THU}
    | {4: _RAMADAN_FRIDAY}
)


def weekly_total(hours: Mapping[int, DayHours]) -> timedelta:
    """The working time of a week with these hours, breaks excluded."""
    return sum(
        (
            _minutes(span.closes) - _minutes(span.opens)
            for spans in hours.values()
            for span in spans
        ),
        timedelta(0),
    )


def _minutes(moment: time) -> timedelta:
    return timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second)


@dataclass(frozen=True)
class HoursPeriod:
    """Dates `first`..`last` (both included) with their own hours: a half day, a ceremony,
    Ramadan. A weekday in `hours` works those spans there (an empty tuple closes it); any other
    weekday keeps its usual hours. A period changes the hours of days the office works; it
    never opens a weekend or a holiday (that is an extra working date)."""

    first: date
    last: date
    hours: Mapping[int, DayHours]
    name: str = ""

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"period {self.name!r} ends ({self.last}) before it starts")
        object.__setattr__(self, "hours", MappingProxyType(week_hours(self.hours)))


def every_day(spans: HoursInput) -> dict[int, DayHours]:
    """The same hours on every weekday of a period (the days off stay off)."""
    hours = day_hours(spans)
    return dict.fromkeys(range(7), hours)


def ramadan_months(year: int) -> list[tuple[date, date]]:
    """The first and last day of each Ramadan touching that Gregorian year, on the Umm al-Qura
    calendar; none outside the calendar's range (1924-2077)."""
    months: list[tuple[date, date]] = []
    try:  # a Gregorian year overlaps at most three Hijri years around its middle's
        middle = Gregorian.fromdate(date(year, 7, 1)).to_hijri().year
    except OverflowError:
        return months
    for hijri_year in (middle - 1, middle, middle + 1):
        try:
            start = Hijri(hijri_year, _RAMADAN, 1).to_gregorian()
            after = Hijri(hijri_year, _SHAWWAL, 1).to_gregorian()
        except OverflowError:
            continue
        first, last = _plain(start), _plain(after) - timedelta(days=1)
        if first.year <= year <= last.year:
            months.append((first, last))
    return months


def _plain(day: date) -> date:
    return date(day.year, day.month, day.day)  # hijridate returns a date subclass


@dataclass(frozen=True)
class Ramadan:
    """The office's hours in Ramadan; the month is computed each year (`ramadan_months`), and
    each exact from/to in `dates` replaces the computed month it overlaps."""

    hours: Mapping[int, DayHours] = field(default_factory=lambda: DEFAULT_RAMADAN_HOURS)
    dates: tuple[tuple[date, date], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", MappingProxyType(week_hours(self.hours)))
        for first, last in self.dates:
            if first > last:
                raise ValueError(f"Ramadan from {first} ends ({last}) before it starts")

    def months(self, year: int) -> list[tuple[date, date]]:
        """Ramadan's first and last days touching that year: the given dates, else computed."""
        given = [(a, b) for a, b in self.dates if a.year <= year <= b.year]
        computed = [
            (a, b)
            for a, b in ramadan_months(year)
            if not any(a <= last and first <= b for first, last in self.dates)
        ]
        return sorted(given + computed)

    def periods(self, year: int) -> list[HoursPeriod]:
        return [HoursPeriod(a, b, self.hours, RAMADAN_NAME) for a, b in self.months(year)]


DEFAULT_RAMADAN = Ramadan()
