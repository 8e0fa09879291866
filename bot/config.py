"""Configuration: read once from TOML, validated, typed. Every error names its key."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.images import DEFAULT_PLATFORMS, PlatformFormat
from bot.limits import Limit
from bot.sop import Sop, SopError, load_default_sop, load_sop
from bot.worktime import DEFAULT_HOURS, OfficeHours, WorkCalendar

TOKEN_ENV = "JDIH_BOT_TOKEN"
DEFAULT_DB_URL = "sqlite+aiosqlite:///data/jdih.db"


class ConfigError(ValueError):
    """A wrong setting; the message names the key so the admin can fix it."""


class Secret(str):
    """A string that never shows itself in logs, tracebacks or repr."""

    def __repr__(self) -> str:
        return "Secret('***')"


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    name: str
    roles: frozenset[str]


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    token: Secret = field(repr=False)
    api_base_url: str
    file_base_url: str
    admins: frozenset[int]


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


@dataclass(frozen=True, slots=True)
class Config:
    telegram: TelegramSettings
    database_url: str
    office_name: str
    timezone: ZoneInfo
    sop: Sop
    members: tuple[Member, ...]
    role_chats: Mapping[str, int]  # role -> group chat that receives that role's cards
    calendar: WorkCalendar
    reminders: ReminderSettings
    platforms: tuple[PlatformFormat, ...]  # the formats designs are checked against
    files_dir: Path  # the bot's copies of uploaded files
    archive_dir: Path  # the digital archive of published items

    def member(self, user_id: int) -> Member | None:
        for member in self.members:
            if member.user_id == user_id:
                return member
        return None


def load_config(path: Path, *, environ: Mapping[str, str] = os.environ) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"{path}: file not found (copy config.example.toml to {path.name} and edit it)"
        ) from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (save it as UTF-8): {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return parse_config(data, base_dir=path.parent, environ=environ)


def parse_config(
    data: Mapping[str, Any], *, base_dir: Path, environ: Mapping[str, str] = os.environ
) -> Config:
    _check_known_keys(data)
    telegram = _table(data, "telegram")
    office = _table(data, "office")
    sop = _load_sop(_table(data, "sop"), base_dir)
    members = _members(data.get("members", []), sop)
    zone = _zone(_str(office, "office.timezone", "Asia/Pontianak"))
    return Config(
        telegram=TelegramSettings(
            token=_token(telegram, base_dir, environ),
            api_base_url=_str(telegram, "telegram.api_base_url", "https://api.telegram.org/bot"),
            file_base_url=_str(
                telegram, "telegram.file_base_url", "https://api.telegram.org/file/bot"
            ),
            admins=frozenset(_int_list(telegram, "telegram.admins")),
        ),
        database_url=_str(_table(data, "database"), "database.url", DEFAULT_DB_URL),
        office_name=_str(office, "office.name", "KPU Kabupaten Pulang Pisau"),
        timezone=zone,
        sop=sop,
        members=members,
        role_chats=_role_chats(_table(data, "role_chats"), sop),
        calendar=_calendar(office, zone),
        reminders=_reminders(_table(data, "reminders"), sop),
        platforms=_platforms(data.get("platforms")),
        files_dir=base_dir / _str(_table(data, "storage"), "storage.files_dir", "data/files"),
        archive_dir=base_dir / _str(_table(data, "storage"), "storage.archive_dir", "arsip"),
    )


# Every setting there is; a misspelled key is an error, not a silent default.
_KNOWN_KEYS: dict[str, set[str]] = {
    "": {
        "telegram",
        "database",
        "office",
        "sop",
        "role_chats",
        "members",
        "reminders",
        "storage",
        "platforms",
    },
    "storage": {"files_dir", "archive_dir"},
    "telegram": {"token", "token_file", "api_base_url", "file_base_url", "admins"},
    "database": {"url"},
    "office": {
        "name",
        "timezone",
        "hours",
        "closed_dates",
        "extra_working_dates",
        "public_holidays",
    },
    "sop": {"file"},
    "reminders": {"enabled", "interval", "max_rounds", "notify", "digest", "digest_time"},
}


def _check_known_keys(data: Mapping[str, Any]) -> None:
    for table, known in _KNOWN_KEYS.items():
        value = data.get(table, {}) if table else data
        if not isinstance(value, Mapping):
            continue  # reported by _table with its own message
        for key in value:
            if key not in known:
                dotted = f"{table}.{key}" if table else key
                raise ConfigError(f"{dotted}: unknown setting (see config.example.toml)")


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key}: must be a table ([{key}])")
    return value


def _str(table: Mapping[str, Any], dotted: str, default: str) -> str:
    value = table.get(dotted.rsplit(".", 1)[1], default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{dotted}: must be a non-empty text")
    return value.strip()


def _int_list(table: Mapping[str, Any], dotted: str) -> list[int]:
    value = table.get(dotted.rsplit(".", 1)[1], [])
    if not isinstance(value, list) or not all(type(item) is int for item in value):
        raise ConfigError(f"{dotted}: must be a list of Telegram user ids (numbers)")
    return value


def _token(table: Mapping[str, Any], base_dir: Path, environ: Mapping[str, str]) -> Secret:
    """The token from the environment, a file outside git, or the config file, in that order."""
    token = environ.get(TOKEN_ENV, "").strip()
    token_file = table.get("token_file", "")
    if not token and token_file:
        try:
            token = (base_dir / str(token_file)).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"telegram.token_file: cannot read it ({exc.strerror})") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError("telegram.token_file: not UTF-8 text (save it as UTF-8)") from exc
    if not token:
        token = str(table.get("token", "")).strip()
    if not token:
        raise ConfigError(
            f"telegram.token: no bot token; set the {TOKEN_ENV} environment variable "
            "or telegram.token_file"
        )
    head, _, tail = token.partition(":")
    if not head.isdigit() or not tail:
        raise ConfigError("telegram.token: does not look like a bot token (digits:letters)")
    return Secret(token)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"office.timezone: unknown time zone {name!r}") from exc


def _load_sop(table: Mapping[str, Any], base_dir: Path) -> Sop:
    file = table.get("file", "")
    if not isinstance(file, str):
        raise ConfigError("sop.file: must be a path (text)")
    try:
        return load_sop(base_dir / file) if file else load_default_sop()
    except SopError as exc:
        raise ConfigError(str(exc)) from exc


def _members(raw: Any, sop: Sop) -> tuple[Member, ...]:
    if not isinstance(raw, list):
        raise ConfigError("members: must be a list of [[members]] tables")
    members: list[Member] = []
    seen: set[int] = set()
    for index, entry in enumerate(raw):
        where = f"members[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: must be a table")
        user_id = entry.get("id")
        if type(user_id) is not int or user_id <= 0:
            raise ConfigError(f"{where}.id: must be the member's Telegram user id (a number)")
        if user_id in seen:
            raise ConfigError(f"{where}.id: {user_id} is listed twice")
        seen.add(user_id)
        roles = entry.get("roles")
        if not isinstance(roles, list) or not roles:
            raise ConfigError(f"{where}.roles: must list at least one role")
        for role in roles:
            if not isinstance(role, str) or role not in sop.roles:
                known = ", ".join(sop.roles)
                raise ConfigError(f"{where}.roles: unknown role {role!r} (known: {known})")
        members.append(Member(user_id, _str(entry, f"{where}.name", ""), frozenset(roles)))
    return tuple(members)


def _role_chats(table: Mapping[str, Any], sop: Sop) -> dict[str, int]:
    chats: dict[str, int] = {}
    for role, chat_id in table.items():
        if role not in sop.roles:
            raise ConfigError(f"role_chats.{role}: unknown role")
        if type(chat_id) is not int:
            raise ConfigError(f"role_chats.{role}: must be a chat id (a number)")
        chats[role] = chat_id
    return chats


_HOURS_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def _calendar(office: Mapping[str, Any], zone: ZoneInfo) -> WorkCalendar:
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
            closed_dates=_dates(office, "office.closed_dates"),
            extra_working_dates=_dates(office, "office.extra_working_dates"),
            use_public_holidays=_bool(office, "office.public_holidays", True),
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


def _dates(table: Mapping[str, Any], dotted: str) -> list[date]:
    value = table.get(dotted.rsplit(".", 1)[1], [])
    if not isinstance(value, list):
        raise ConfigError(f'{dotted}: must be a list of dates, e.g. ["2026-12-24"]')
    days: list[date] = []
    for item in value:
        if isinstance(item, date):
            days.append(item)
            continue
        try:
            days.append(date.fromisoformat(str(item)))
        except ValueError as exc:
            raise ConfigError(f"{dotted}: {item!r} is not a date (YYYY-MM-DD)") from exc
    return days


def _bool(table: Mapping[str, Any], dotted: str, default: bool) -> bool:
    value = table.get(dotted.rsplit(".", 1)[1], default)
    if not isinstance(value, bool):
        raise ConfigError(f"{dotted}: must be true or false")
    return value


def _reminders(table: Mapping[str, Any], sop: Sop) -> ReminderSettings:
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
        enabled=_bool(table, "reminders.enabled", True),
        interval=interval,
        max_rounds=max_rounds,
        notify=tuple(notify),
        digest=_bool(table, "reminders.digest", True),
        digest_time=digest_time,
    )


def _platforms(raw: Any) -> tuple[PlatformFormat, ...]:
    """[[platforms]] tables (name, width, height); none given: the built-in list."""
    if raw is None:
        return DEFAULT_PLATFORMS
    if not isinstance(raw, list) or not raw:
        raise ConfigError("platforms: must be one or more [[platforms]] tables")
    formats: list[PlatformFormat] = []
    for index, entry in enumerate(raw):
        where = f"platforms[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: must be a table with name, width and height")
        name = _str(entry, f"{where}.name", "")
        sizes = [entry.get("width"), entry.get("height")]
        if not all(type(n) is int and 0 < n <= 10_000 for n in sizes):
            raise ConfigError(f"{where}: width and height must be pixels (1 to 10000)")
        formats.append(PlatformFormat(name, sizes[0], sizes[1]))
    return tuple(formats)
