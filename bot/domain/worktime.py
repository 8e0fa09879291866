"""Office working time: the SOP's limits ("mutu baku: waktu") count only hours the office is open.

A step limited to 15 minutes that starts at 15:50 on a Thursday is not late at 16:05, because the
office closed at 16:00; it is due at 07:35 on Friday. This module turns a start instant and a
`Limit` into a deadline, and tells how much working time lies between two instants (how late a
step is). It is plain Python so it can be tested without Telegram or a database.

Days off are weekdays without office hours, Indonesian public holidays and "cuti bersama"
(collective leave, the `holidays` package's ``government`` category), plus closures from config.
All inputs must be timezone-aware; computations use the office's zone; outputs are UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from bot.domain.limits import Limit, LimitUnit

OFFICE_CLOSURE_NAME = "Libur kantor"
# How far ahead to search for a working day before deciding the calendar has none left
# (only possible when every working day comes from a finite list of extra working dates).
_SEARCH_HORIZON_DAYS = 3660


@dataclass(frozen=True)
class OfficeHours:
    """Opening and closing time for one weekday (the office is open in [opens, closes))."""

    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError(f"office opens ({self.opens}) after it closes ({self.closes})")


_MON_THU = OfficeHours(time(7, 30), time(16, 0))
_FRIDAY = OfficeHours(time(7, 30), time(16, 30))
DEFAULT_HOURS: Mapping[int, OfficeHours] = {
    0: _MON_THU,
    1: _MON_THU,
    2: _MON_THU,
    3: _MON_THU,
    4: _FRIDAY,
}


class WorkCalendar:
    """Which instants are office working time, and deadlines counted in that time.

    A working day is a date that is either in ``extra_working_dates`` (a make-up day, worked even
    on a weekend or holiday), or has office hours for its weekday, is not in ``closed_dates`` and
    (when ``use_public_holidays``) is not an Indonesian public holiday or cuti bersama.
    A make-up day uses its weekday's hours if defined, else Monday's hours, else the default
    Monday hours (07:30-16:00).
    """

    def __init__(
        self,
        *,
        timezone: str | ZoneInfo = "Asia/Pontianak",
        hours: Mapping[int, OfficeHours] | None = None,
        closed_dates: Iterable[date] = (),
        extra_working_dates: Iterable[date] = (),
        use_public_holidays: bool = True,
    ) -> None:
        self.tz = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
        self.hours: dict[int, OfficeHours] = dict(DEFAULT_HOURS if hours is None else hours)
        if any(day not in range(7) for day in self.hours):
            raise ValueError("office hours keys must be weekdays 0 (Monday) .. 6 (Sunday)")
        self.closed_dates = frozenset(closed_dates)
        self.extra_working_dates = frozenset(extra_working_dates)
        if not self.hours and not self.extra_working_dates:
            raise ValueError("a work calendar needs office hours or extra working dates")
        if overlap := self.closed_dates & self.extra_working_dates:
            raise ValueError(f"dates both closed and extra working: {sorted(overlap)}")
        self.use_public_holidays = use_public_holidays
        self._holidays: dict[int, holidays.HolidayBase] = {}

    @classmethod
    def default(cls) -> WorkCalendar:
        """Pulang Pisau: Asia/Pontianak, Mon-Thu 07:30-16:00, Fri 07:30-16:30, national holidays."""
        return cls()

    # --- days -------------------------------------------------------------------------------

    def _public_holidays(self, year: int) -> holidays.HolidayBase:
        """Indonesian holidays for one year, built on first use: building all years is slow."""
        if year not in self._holidays:
            self._holidays[year] = holidays.country_holidays(
                "ID", categories=("public", "government"), language="id", years=year, expand=False
            )
        return self._holidays[year]

    def holiday_name(self, day: date) -> str | None:
        """Why the date is a day off: "Libur kantor" for config closures, else the Indonesian
        holiday name(s) from `holidays` (joined by "; "), else None. Informational: a make-up day
        that falls on a holiday still reports the holiday's name."""
        if day in self.closed_dates:
            return OFFICE_CLOSURE_NAME
        if self.use_public_holidays:
            return self._public_holidays(day.year).get(day)
        return None

    def _hours_on(self, day: date) -> OfficeHours | None:
        """That date's office hours, or None when the office is closed all day."""
        if day in self.extra_working_dates:
            return self.hours.get(day.weekday()) or self.hours.get(0) or _MON_THU
        if day in self.closed_dates or day.weekday() not in self.hours:
            return None
        if self.use_public_holidays and day in self._public_holidays(day.year):
            return None
        return self.hours[day.weekday()]

    def is_working_day(self, day: date) -> bool:
        """True when the office is open at some time on that date."""
        return self._hours_on(day) is not None

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for offset in range(1, _SEARCH_HORIZON_DAYS + 1):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_SEARCH_HORIZON_DAYS} days after {day}")

    def _segment(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing instants (office zone) of that date, None if it is a day off."""
        hours = self._hours_on(day)
        if hours is None:
            return None
        return (
            datetime.combine(day, hours.opens, tzinfo=self.tz),
            datetime.combine(day, hours.closes, tzinfo=self.tz),
        )

    def opening_of(self, day: date) -> datetime | None:
        """When the office opens on that date (UTC), None if it is closed all day."""
        segment = self._segment(day)
        return segment[0].astimezone(UTC) if segment else None

    # --- instants ---------------------------------------------------------------------------

    def _local(self, instant: datetime) -> datetime:
        """The instant in the office zone; naive datetimes are refused, their zone is a guess."""
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(f"timezone-aware datetime required, got naive {instant!r}")
        return instant.astimezone(self.tz)

    def is_open(self, instant: datetime) -> bool:
        """True in [opening, closing) of a working day: the closing instant itself is closed."""
        local = self._local(instant)
        segment = self._segment(local.date())
        return segment is not None and segment[0] <= local < segment[1]

    def _next_opening_local(self, local: datetime) -> datetime:
        """``local`` if the office is open then, else the next opening (office zone)."""
        segment = self._segment(local.date())
        if segment is not None and local < segment[1]:
            return max(local, segment[0])
        following = self._segment(self.next_working_day(local.date()))
        assert following is not None
        return following[0]

    def next_opening(self, instant: datetime) -> datetime:
        """The instant itself (in UTC) if the office is open then, else the next opening (UTC)."""
        return self._next_opening_local(self._local(instant)).astimezone(UTC)

    def due_at(self, start: datetime, limit: Limit) -> datetime:
        """The deadline (UTC) of a step started at ``start`` with time limit ``limit``.

        Minutes and hours count only open office time, from the next opening if ``start`` is
        outside office hours; a deadline may fall exactly on a closing instant (15:45 + 15 min
        on a Monday is due 16:00 that day, not the next morning).

        N working days: ``start`` is first moved to the next opening (Saturday 10:00 -> Monday
        07:30); the deadline is the same local clock time on the N-th working day after that
        date (Friday 15:50 + 1 -> Monday 15:50; holidays and cuti bersama are skipped). If that
        clock time is outside the target day's hours it is clamped to them (Friday 16:20 + 1 ->
        Monday 16:00, the Monday closing). The clamp is applied on the target day only, so with
        uniform hours this equals adding one working day N times, without drift from clamping.
        """
        if limit.amount <= 0:
            raise ValueError(f"a time limit must be positive, got {limit.amount}")
        cursor = self._next_opening_local(self._local(start))
        if limit.unit is LimitUnit.WORKING_DAYS:
            day = cursor.date()
            for _ in range(limit.amount):
                day = self.next_working_day(day)
            segment = self._segment(day)
            assert segment is not None  # next_working_day only returns days with hours
            opens, closes = segment
            target = datetime.combine(day, cursor.timetz())
            return min(max(target, opens), closes).astimezone(UTC)
        per_unit = 1 if limit.unit is LimitUnit.MINUTES else 60
        remaining = timedelta(minutes=limit.amount * per_unit)
        while True:  # one iteration per working day the limit touches
            segment = self._segment(cursor.date())
            assert segment is not None  # cursor always sits inside a working day's hours
            available = segment[1] - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(UTC)
            remaining -= available
            cursor = self._next_opening_local(segment[1])

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Open office time within [a, b): how late a step is, in working time; 0 if b <= a."""
        start, end = self._local(a), self._local(b)
        total = timedelta(0)
        day = start.date()
        while day <= end.date():
            segment = self._segment(day)
            if segment is not None:
                overlap = min(end, segment[1]) - max(start, segment[0])
                total += max(overlap, timedelta(0))
            day += timedelta(days=1)
        return total
