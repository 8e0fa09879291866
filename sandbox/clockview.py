"""The sandbox clock's controls and how the page shows it, in office time."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.worktime import WorkCalendar

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)  # fmt: skip


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
    """The label the page shows, e.g. "Senin, 23 November 2026 09:00 WIB"."""
    local = instant.astimezone(zone)
    return (
        f"{DAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year} "
        f"{local:%H:%M} {local.tzname()}"
    )


def clock_json(now: datetime, calendar: WorkCalendar, zone: ZoneInfo) -> dict[str, object]:
    return {
        "iso": now.astimezone(zone).isoformat(timespec="minutes"),
        "label": label(now, zone),
        "open": calendar.is_open(now),
        "holiday": calendar.holiday_name(now.astimezone(zone).date()),
    }
