"""The [office] and [reminders] settings: office hours with their breaks, periods with their own
hours (Ramadan among them), days off, and who is reminded when."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.config.values import ConfigError, boolean, dates
from bot.domain.limits import Limit
from bot.domain.office_hours import (
    DEFAULT_RAMADAN_HOURS,
    DayHours,
    HoursPeriod,
    Ramadan,
    day_hours,
    every_day,
)
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
_CLOSED_WORDS = ("", "tutup", "closed")
_HOURS_EXAMPLE = '["07:30-12:00", "13:00-16:00"]'
_RAMADAN_KEYS = {"enabled", "dates", *WEEKDAYS}
_PERIOD_KEYS = {"name", "from", "to", "hours"}


def parse_calendar(office: Mapping[str, Any], zone: ZoneInfo) -> WorkCalendar:
    hours_table = office.get("hours", {})
    if not isinstance(hours_table, Mapping):
        raise ConfigError(f"office.hours: must be a table, e.g. monday = {_HOURS_EXAMPLE}")
    if hours_table:
        hours = _weekday_hours(hours_table, "office.hours")
    else:
        hours = dict(DEFAULT_HOURS)
    try:
        return WorkCalendar(
            timezone=zone,
            hours=hours,
            closed_dates=dates(office, "office.closed_dates"),
            extra_working_dates=dates(office, "office.extra_working_dates"),
            use_public_holidays=boolean(office, "office.public_holidays", True),
            periods=_periods(office.get("periods", [])),
            ramadan=_ramadan(office.get("ramadan", {})),
            election_days_off=boolean(office, "office.election_days_off", False),
        )
    except ValueError as exc:
        raise ConfigError(f"office: {exc}") from exc


def _weekday_hours(table: Mapping[str, Any], where: str) -> dict[int, DayHours]:
    """monday .. sunday in `table` (other keys are the caller's); a weekday given as "tutup"
    or [] has no hours."""
    hours: dict[int, DayHours] = {}
    for index, day in enumerate(WEEKDAYS):
        if day in table:
            hours[index] = _spans(table[day], f"{where}.{day}")
    return hours


def _spans(value: Any, where: str) -> DayHours:
    """ "07:30-16:00", a list of such spans (the breaks between them), or "tutup"."""
    if isinstance(value, str) and value.strip().lower() in _CLOSED_WORDS:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        raise ConfigError(f'{where}: write the working hours as {_HOURS_EXAMPLE} or "tutup"')
    spans = [
        _office_hours(text, f"{where}[{i}]" if len(values) > 1 else where)
        for i, text in enumerate(values)
    ]
    try:
        return day_hours(spans)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def _office_hours(value: Any, where: str) -> OfficeHours:
    match = _HOURS_RE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(f'{where}: write opening and closing time as "07:30-16:00"')
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    try:
        return OfficeHours(time(h1, m1), time(h2, m2))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def _ramadan(table: Any) -> Ramadan | None:
    """[office.ramadan]: its hours (the MenPANRB pattern when no weekday is given) and exact
    dates where the government's announcement differs from the computed month."""
    if not isinstance(table, Mapping):
        raise ConfigError("office.ramadan: must be a table ([office.ramadan])")
    _known(table, _RAMADAN_KEYS, "office.ramadan")
    if not boolean(table, "office.ramadan.enabled", True):
        return None
    hours = _weekday_hours(table, "office.ramadan") or dict(DEFAULT_RAMADAN_HOURS)
    raw = table.get("dates", [])
    if not isinstance(raw, list):
        raise ConfigError('office.ramadan.dates: a list, e.g. [{ from = "2027-02-09", to = ... }]')
    ranges = tuple(_range(entry, f"office.ramadan.dates[{i}]") for i, entry in enumerate(raw))
    return Ramadan(hours, ranges)


def _periods(raw: Any) -> list[HoursPeriod]:
    """[[office.periods]]: date ranges with their own hours (half days, ceremonies)."""
    if not isinstance(raw, list):
        raise ConfigError("office.periods: must be a list of [[office.periods]] tables")
    periods: list[HoursPeriod] = []
    for index, entry in enumerate(raw):
        where = f"office.periods[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: must be a table with from, to and hours")
        _known(entry, _PERIOD_KEYS, where)
        first, last = _range(entry, where)
        hours_value = entry.get("hours")
        if hours_value is None:
            raise ConfigError(f"{where}.hours: give the hours, e.g. {_HOURS_EXAMPLE}")
        if isinstance(hours_value, Mapping):
            _known(hours_value, set(WEEKDAYS), f"{where}.hours")
            hours = _weekday_hours(hours_value, f"{where}.hours")
        else:
            hours = every_day(_spans(hours_value, f"{where}.hours"))
        name = entry.get("name", "")
        if not isinstance(name, str):
            raise ConfigError(f"{where}.name: must be a text")
        periods.append(HoursPeriod(first, last, hours, name.strip()))
    return periods


def _range(entry: Any, where: str) -> tuple[date, date]:
    if not isinstance(entry, Mapping) or "from" not in entry or "to" not in entry:
        raise ConfigError(f'{where}: give from and to, e.g. from = "2026-12-24", to = "2026-12-24"')
    first, last = _date(entry["from"], f"{where}.from"), _date(entry["to"], f"{where}.to")
    if first > last:
        raise ConfigError(f"{where}: to ({last}) is before from ({first})")
    return first, last


def _date(value: Any, where: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _known(table: Mapping[str, Any], keys: set[str], where: str) -> None:
    for key in table:
        if key not in keys:
            raise ConfigError(f"{where}.{key}: unknown setting (see config.example.toml)")


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
