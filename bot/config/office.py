"""The [office] and [reminders] settings: office hours, days off, and who is reminded when."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from bot.config.values import ConfigError, boolean, dates
from bot.domain.limits import Limit
from bot.domain.sop import Sop
from bot.domain.worktime import DEFAULT_HOURS, OfficeHours, WorkCalendar

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RESPONSIBLE = "responsible"  # in reminders.notify: the role that must act at the step


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    enabled: bool = True
    interval: Limit | None = None  # None: the step's own limit, never less than 15 minutes
    max_rounds: int = 3
    notify: tuple[str, ...] = (RESPONSIBLE, "sekretaris")
    digest: bool = True
    digest_time: time | None = None  # None: at office opening


_HOURS_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def parse_calendar(office: Mapping[str, Any], zone: ZoneInfo) -> WorkCalendar:
    hours_table = office.get("hours", {})
    if not isinstance(hours_table, Mapping):
        raise ConfigError('office.hours: must be a table, e.g. monday = "07:30-16:00"')
    for key in hours_table:
        if key not in WEEKDAYS:
            raise ConfigError(f"office.hours.{key}: use monday .. sunday")
    hours: dict[int, OfficeHours] = {}
    for index, day in enumerate(WEEKDAYS):
        if day not in hours_table:
            if not hours_table and index in DEFAULT_HOURS:
                hours[index] = DEFAULT_HOURS[index]
            continue
        value = hours_table[day]
        if value in ("", "tutup", "closed"):
            continue
        hours[index] = _office_hours(value, f"office.hours.{day}")
    try:
        return WorkCalendar(
            timezone=zone,
            hours=hours,
            closed_dates=dates(office, "office.closed_dates"),
            extra_working_dates=dates(office, "office.extra_working_dates"),
            use_public_holidays=boolean(office, "office.public_holidays", True),
        )
    except ValueError as exc:
        raise ConfigError(f"office: {exc}") from exc


def _office_hours(value: Any, where: str) -> OfficeHours:
    match = _HOURS_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(f'{where}: write opening and closing time as "07:30-16:00"')
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    try:
        return OfficeHours(time(h1, m1), time(h2, m2))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def parse_reminders(table: Mapping[str, Any], sop: Sop) -> ReminderSettings:
    interval_text = table.get("interval", "")
    try:
        interval = Limit.parse(interval_text) if interval_text else None
    except (ValueError, AttributeError) as exc:
        raise ConfigError(f"reminders.interval: {exc}") from exc
    max_rounds = table.get("max_rounds", 3)
    if type(max_rounds) is not int or not 1 <= max_rounds <= 100:
        raise ConfigError("reminders.max_rounds: must be a number from 1 to 100")
    notify = table.get("notify", [RESPONSIBLE, "sekretaris"])
    if not isinstance(notify, list):
        raise ConfigError("reminders.notify: must be a list of roles")
    for role in notify:
        if role != RESPONSIBLE and role not in sop.roles:
            raise ConfigError(f"reminders.notify: unknown role {role!r}")
    digest_time_text = table.get("digest_time", "")
    try:
        digest_time = time.fromisoformat(digest_time_text) if digest_time_text else None
    except (ValueError, TypeError) as exc:
        raise ConfigError('reminders.digest_time: write a time like "07:30"') from exc
    return ReminderSettings(
        enabled=boolean(table, "reminders.enabled", True),
        interval=interval,
        max_rounds=max_rounds,
        notify=tuple(notify),
        digest=boolean(table, "reminders.digest", True),
        digest_time=digest_time,
    )
