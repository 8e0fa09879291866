"""The sandbox clock's controls and how the page shows it, in office time."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain.worktime import WorkCalendar


class ClockStep(StrEnum):
    QUARTER = "15m"
    HOUR = "1h"
    NEXT_WORKING_DAY = "next-day"


def step_target(step: ClockStep, now: datetime, calendar: WorkCalendar) -> datetime:
    """Where a control moves the clock. The next working day keeps the clock time (a step of
    one working day falls due then), or takes the opening when that time is outside hours."""
    if step is ClockStep.QUARTER:
        return now + timedelta(minutes=15)
    if step is ClockStep.HOUR:
        return now + timedelta(hours=1)
    local = now.astimezone(calendar.tz)
    day = calendar.next_working_day(local.date())
    same_time = datetime.combine(day, local.timetz())
    if calendar.is_open(same_time):
        return same_time
    opening = calendar.opening_of(day)
    assert opening is not None  # a working day has hours
    return opening


def label(instant: datetime, zone: ZoneInfo) -> str:
    """The label the page shows, as the bot writes a moment: "Senin, 23 November 2026 pukul
    09.00 WIB"."""
    return texts.fmt_moment(instant, zone)


def clock_json(now: datetime, calendar: WorkCalendar, zone: ZoneInfo) -> dict[str, object]:
    return {
        "iso": now.astimezone(zone).isoformat(timespec="minutes"),
        "label": label(now, zone),
        "open": calendar.is_open(now),
        "holiday": calendar.holiday_name(now.astimezone(zone).date()),
    }
