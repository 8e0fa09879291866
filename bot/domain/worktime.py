"""Office working time: the SOP's limits ("mutu baku: waktu") count only hours the office works.

A step limited to 15 minutes that starts at 15:50 on a Thursday is not late at 16:05, because the
office closed at 16:00; it is due at 07:35 on Friday. One started Monday 11:55 is due 13:10:
the rest break 12:00-13:00 is not working time. This module turns a start instant and a
`Limit` into a deadline, and tells how much working time lies between two instants (how late a
step is). It is plain Python so it can be tested without Telegram or a database.

A day's hours are one or more spans with breaks between them (`office_hours.py`: the default
37.5-hour KPU week, date-range periods, Ramadan). Days off are weekdays without office hours,
Indonesian public holidays and "cuti bersama" (collective leave, the `holidays` package's
``government`` category), plus closures from config. Election (voting) days, which the package
lists as public holidays, are working days for a KPU office unless ``election_days_off``.
All inputs must be timezone-aware; computations use the office's zone; outputs are UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from zoneinfo import ZoneInfo

import holidays

from bot.domain.limits import Limit, LimitUnit
from bot.domain.office_hours import (
    DEFAULT_HOURS,
    DEFAULT_RAMADAN,
    DayHours,
    HoursInput,
    HoursPeriod,
    OfficeHours,
    Ramadan,
    week_hours,
)

__all__ = [
    "DEFAULT_HOURS",
    "HOLIDAYS_VERSION",
    "OFFICE_CLOSURE_NAME",
    "HolidaySource",
    "OfficeHours",
    "WorkCalendar",
    "is_election_day_name",
]

OFFICE_CLOSURE_NAME = "Libur kantor"
HOLIDAYS_VERSION = version("holidays")  # named in the warning about stale holiday data
# How far ahead to search for a working day before deciding the calendar has none left
# (only possible when every working day comes from a finite list of extra working dates).
_SEARCH_HORIZON_DAYS = 3660
_PUBLIC, _GOVERNMENT = "public", "government"  # the `holidays` categories; government: cuti bersama
# How the `holidays` package names voting days in Indonesian ("Hari Pemilihan Umum", "... Kepala
# Daerah", "... Presiden", "... Legislatif"); tests/test_worktime.py checks the real 2024 ones.
_ELECTION_WORDS = ("Hari Pemilihan", "Pemungutan Suara")

# Indonesia's holidays of one year in the given categories, names in Indonesian (several on one
# date joined by "; "). Injected in tests to simulate an older `holidays` release.
HolidaySource = Callable[[int, tuple[str, ...]], Mapping[date, str]]


def indonesian_holidays(year: int, categories: tuple[str, ...]) -> Mapping[date, str]:
    """The installed `holidays` package's data for Indonesia."""
    return holidays.country_holidays(
        "ID", categories=categories, language="id", years=year, expand=False
    )


def is_election_day_name(name: str) -> bool:
    return any(word in name for word in _ELECTION_WORDS)


_Segment = tuple[datetime, datetime]


class WorkCalendar:
    """Which instants are office working time, and deadlines counted in that time.

    A working day is a date that is either in ``extra_working_dates`` (a make-up day, worked even
    on a weekend or holiday), or has office hours for its weekday, is not in ``closed_dates`` and
    (when ``use_public_holidays``) is not an Indonesian public holiday or cuti bersama (a voting
    day counts as a holiday only with ``election_days_off``). Its hours are its weekday's, unless
    a period covers it (the later one in ``periods`` wins; any of them wins over Ramadan). A
    make-up day uses its weekday's hours if defined, else Monday's, else the default Monday.
    """

    def __init__(
        self,
        *,
        timezone: str | ZoneInfo = "Asia/Pontianak",
        hours: Mapping[int, HoursInput] | None = None,
        closed_dates: Iterable[date] = (),
        extra_working_dates: Iterable[date] = (),
        use_public_holidays: bool = True,
        periods: Iterable[HoursPeriod] = (),
        ramadan: Ramadan | None = DEFAULT_RAMADAN,
        election_days_off: bool = False,
        holiday_source: HolidaySource = indonesian_holidays,
    ) -> None:
        self.tz = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
        given = week_hours(DEFAULT_HOURS if hours is None else hours)
        self.hours: dict[int, DayHours] = {day: spans for day, spans in given.items() if spans}
        self.closed_dates = frozenset(closed_dates)
        self.extra_working_dates = frozenset(extra_working_dates)
        if not self.hours and not self.extra_working_dates:
            raise ValueError("a work calendar needs office hours or extra working dates")
        if overlap := self.closed_dates & self.extra_working_dates:
            raise ValueError(f"dates both closed and extra working: {sorted(overlap)}")
        self.use_public_holidays = use_public_holidays
        self.periods = tuple(periods)
        self.ramadan = ramadan
        self.election_days_off = election_days_off
        self._source = holiday_source
        self._days_off: dict[int, dict[date, tuple[str, ...]]] = {}
        self._ramadan_periods: dict[int, list[HoursPeriod]] = {}

    @classmethod
    def default(cls) -> WorkCalendar:
        """Pulang Pisau: Asia/Pontianak, the 37.5-hour KPU week with its breaks, Ramadan's
        hours, national holidays and cuti bersama; voting days are worked."""
        return cls()

    # --- days -------------------------------------------------------------------------------

    def _public_holidays(self, year: int) -> dict[date, tuple[str, ...]]:
        """Indonesian holidays and cuti bersama of one year, built on first use (building all
        years is slow), voting days left out unless the office closes on them."""
        if year not in self._days_off:
            found = self._source(year, (_PUBLIC, _GOVERNMENT))
            days: dict[date, tuple[str, ...]] = {}
            for day, joined in found.items():
                names = tuple(
                    name
                    for name in joined.split("; ")
                    if self.election_days_off or not is_election_day_name(name)
                )
                if names:
                    days[day] = names
            self._days_off[year] = days
        return self._days_off[year]

    def holiday_name(self, day: date) -> str | None:
        """Why the date is a day off: "Libur kantor" for config closures, else the Indonesian
        holiday name(s) from `holidays` (joined by "; "), else None. Informational: a make-up day
        that falls on a holiday still reports the holiday's name; a worked voting day has none."""
        if day in self.closed_dates:
            return OFFICE_CLOSURE_NAME
        if self.use_public_holidays:
            names = self._public_holidays(day.year).get(day)
            return "; ".join(names) if names else None
        return None

    def election_days(self, year: int) -> list[date]:
        """The voting days the `holidays` data lists in that year (worked unless configured)."""
        found = self._source(year, (_PUBLIC,))
        return sorted(
            day
            for day, joined in found.items()
            if any(is_election_day_name(name) for name in joined.split("; "))
        )

    def missing_cuti_bersama(self, today: date) -> tuple[int, ...]:
        """This year and next, those for which the holiday data has no cuti bersama at all: the
        installed `holidays` predates that year's SKB (or the SKB is not out yet)."""
        if not self.use_public_holidays:
            return ()
        years = (today.year, today.year + 1)
        return tuple(year for year in years if not self._source(year, (_GOVERNMENT,)))

    def _period_hours(self, day: date, weekday: int) -> DayHours | None:
        """That date's hours from a period covering it (the last listed first, then Ramadan)."""
        for period in reversed(self.periods):
            if period.first <= day <= period.last and weekday in period.hours:
                return period.hours[weekday]
        if self.ramadan is not None:
            if day.year not in self._ramadan_periods:
                self._ramadan_periods[day.year] = self.ramadan.periods(day.year)
            for period in self._ramadan_periods[day.year]:
                if period.first <= day <= period.last and weekday in period.hours:
                    return period.hours[weekday]
        return None

    def hours_on(self, day: date) -> DayHours:
        """That date's working spans in order; () when the office is closed all day."""
        weekday = day.weekday()
        if day in self.extra_working_dates:
            for candidate in (weekday, 0):
                spans = self._period_hours(day, candidate) or self.hours.get(candidate)
                if spans:
                    return spans
            return DEFAULT_HOURS[0]
        if day in self.closed_dates or weekday not in self.hours:
            return ()
        if self.use_public_holidays and day in self._public_holidays(day.year):
            return ()
        special = self._period_hours(day, weekday)
        return self.hours[weekday] if special is None else special

    def is_working_day(self, day: date) -> bool:
        """True when the office is open at some time on that date."""
        return bool(self.hours_on(day))

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for offset in range(1, _SEARCH_HORIZON_DAYS + 1):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_SEARCH_HORIZON_DAYS} days after {day}")

    def _segments(self, day: date) -> list[_Segment]:
        """That date's working spans as instants (office zone); empty on a day off."""
        return [
            (
                datetime.combine(day, span.opens, tzinfo=self.tz),
                datetime.combine(day, span.closes, tzinfo=self.tz),
            )
            for span in self.hours_on(day)
        ]

    def opening_of(self, day: date) -> datetime | None:
        """When the office opens on that date (UTC), None if it is closed all day."""
        segments = self._segments(day)
        return segments[0][0].astimezone(UTC) if segments else None

    # --- instants ---------------------------------------------------------------------------

    def _local(self, instant: datetime) -> datetime:
        """The instant in the office zone; naive datetimes are refused, their zone is a guess."""
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(f"timezone-aware datetime required, got naive {instant!r}")
        return instant.astimezone(self.tz)

    def is_open(self, instant: datetime) -> bool:
        """True inside a working span: the closing instant of a span (the start of a break,
        or of the evening) is closed."""
        local = self._local(instant)
        return any(opens <= local < closes for opens, closes in self._segments(local.date()))

    def _next_opening_local(self, local: datetime) -> datetime:
        """``local`` if the office is open then, else the next opening (office zone): after a
        break, or on the next working day."""
        for opens, closes in self._segments(local.date()):
            if local < closes:
                return max(local, opens)
        following = self._segments(self.next_working_day(local.date()))
        return following[0][0]

    def next_opening(self, instant: datetime) -> datetime:
        """The instant itself (in UTC) if the office is open then, else the next opening (UTC)."""
        return self._next_opening_local(self._local(instant)).astimezone(UTC)

    def due_at(self, start: datetime, limit: Limit) -> datetime:
        """The deadline (UTC) of a step started at ``start`` with time limit ``limit``.

        Minutes and hours count only working time, from the next opening if ``start`` is
        outside it (in a break: from the end of the break); a deadline may fall exactly on the
        end of a span (15:45 + 15 min on a Monday is due 16:00 that day, not the next morning;
        11:45 + 15 min is due 12:00, the break's start), never inside a break.

        N working days: ``start`` is first moved to the next opening (Saturday 10:00 -> Monday
        07:30); the deadline is the same local clock time on the N-th working day after that
        date (Friday 15:50 + 1 -> Monday 15:50; holidays and cuti bersama are skipped). If that
        clock time is outside the target day's hours it is moved into them: before opening to
        the opening, in a break to the break's end (Thursday 11:45 + 1 -> Friday 13:00, after
        Friday prayers), after closing to the closing (Friday 16:20 + 1 -> Monday 16:00). This
        is applied on the target day only, so it does not drift over several days.
        """
        if limit.amount <= 0:
            raise ValueError(f"a time limit must be positive, got {limit.amount}")
        cursor = self._next_opening_local(self._local(start))
        if limit.unit is LimitUnit.WORKING_DAYS:
            day = cursor.date()
            for _ in range(limit.amount):
                day = self.next_working_day(day)
            closing = self._segments(day)[-1][1]  # next_working_day only returns days with hours
            target = datetime.combine(day, cursor.timetz())
            due = closing if target >= closing else self._next_opening_local(target)
            return due.astimezone(UTC)
        per_unit = 1 if limit.unit is LimitUnit.MINUTES else 60
        remaining = timedelta(minutes=limit.amount * per_unit)
        while True:  # one iteration per working span the limit touches
            closes = next(
                end for begin, end in self._segments(cursor.date()) if begin <= cursor < end
            )
            available = closes - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(UTC)
            remaining -= available
            cursor = self._next_opening_local(closes)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time within [a, b), breaks excluded: how late a step is; 0 if b <= a."""
        start, end = self._local(a), self._local(b)
        total = timedelta(0)
        day = start.date()
        while day <= end.date():
            for opens, closes in self._segments(day):
                total += max(min(end, closes) - max(start, opens), timedelta(0))
            day += timedelta(days=1)
        return total
