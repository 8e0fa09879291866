"""Configuration: read once from TOML, validated, typed. Every error names its key."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config.backup import BackupSettings, parse_backup
from bot.config.monitoring import (
    LoggingSettings,
    MonitoringSettings,
    parse_logging,
    parse_monitoring,
)
from bot.config.office import RESPONSIBLE, ReminderSettings, parse_calendar, parse_reminders
from bot.config.publish import PublishSettings, parse_publish
from bot.config.report import ReportSettings, parse_report
from bot.config.telegram import (
    TOKEN_ENV,
    TelegramSettings,
    WebhookSettings,
    parse_telegram,
    parse_webhook,
)
from bot.config.values import ConfigError, Secret, table, text
from bot.domain.sop import (
    Sop,
    SopError,
    SopPurpose,
    load_default_sop,
    load_example_takedown_sop,
    load_sop,
)
from bot.domain.sop_catalog import SopCatalog
from bot.domain.worktime import WorkCalendar
from bot.media.images import DEFAULT_PLATFORMS, PlatformFormat

# Names other modules import from here; the settings themselves live in config_*.py.
__all__ = [
    "RESPONSIBLE",
    "TOKEN_ENV",
    "BackupSettings",
    "Config",
    "ConfigError",
    "LoggingSettings",
    "Member",
    "MonitoringSettings",
    "PublishSettings",
    "ReminderSettings",
    "ReportSettings",
    "Secret",
    "TelegramSettings",
    "WebhookSettings",
    "load_config",
    "parse_config",
]

DEFAULT_DB_URL = "sqlite+aiosqlite:///data/jdih.db"


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    name: str
    roles: frozenset[str]


@dataclass(frozen=True, slots=True)
class Config:
    telegram: TelegramSettings
    webhook: WebhookSettings | None  # None: long polling
    database_url: str
    office_name: str
    timezone: ZoneInfo
    sops: SopCatalog  # the office's SOPs; `sop` is the default one
    members: tuple[Member, ...]
    role_chats: Mapping[str, int]  # role -> group chat that receives that role's cards
    calendar: WorkCalendar
    reminders: ReminderSettings
    platforms: tuple[PlatformFormat, ...]  # the formats designs are checked against
    files_dir: Path  # the bot's copies of uploaded files
    archive_dir: Path  # the digital archive of published items
    report: ReportSettings = field(default_factory=ReportSettings)  # the monitoring report
    # python -m bot backup / restore, and the daily backup
    backup: BackupSettings = field(default_factory=BackupSettings)
    # the local /healthz and /metrics endpoint, and the log lines' format (issue 17)
    monitoring: MonitoringSettings = field(default_factory=MonitoringSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    # [publish.telegram]: the office's channel the bot posts approved content to (issue 19)
    publish: PublishSettings = field(default_factory=PublishSettings)

    @property
    def sop(self) -> Sop:
        """The default SOP: the first that publishes (the only one in most offices)."""
        return self.sops.default

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
    office = table(data, "office")
    sops = _load_sops(table(data, "sop"), base_dir)
    sop = sops.default
    members = _members(data.get("members", []), sops)
    zone = _zone(text(office, "office.timezone", "Asia/Pontianak"))
    return Config(
        telegram=parse_telegram(table(data, "telegram"), base_dir, environ),
        webhook=parse_webhook(table(data, "webhook"), base_dir, environ),
        database_url=text(table(data, "database"), "database.url", DEFAULT_DB_URL),
        office_name=text(office, "office.name", "KPU Kabupaten Pulang Pisau"),
        timezone=zone,
        sops=sops,
        members=members,
        role_chats=_role_chats(table(data, "role_chats"), sops),
        calendar=parse_calendar(office, zone),
        reminders=parse_reminders(table(data, "reminders"), sop),
        platforms=_platforms(data.get("platforms")),
        files_dir=base_dir / text(table(data, "storage"), "storage.files_dir", "data/files"),
        archive_dir=base_dir / text(table(data, "storage"), "storage.archive_dir", "arsip"),
        report=parse_report(table(data, "report"), sop),
        backup=parse_backup(table(data, "backup"), base_dir),
        monitoring=parse_monitoring(table(data, "monitoring")),
        logging=parse_logging(table(data, "logging")),
        publish=parse_publish(table(data, "publish")),
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
        "webhook",
        "report",
        "backup",
        "monitoring",
        "logging",
        "publish",
    },
    "publish": {"telegram"},  # publish.telegram's own keys: bot/config/publish.py
    "storage": {"files_dir", "archive_dir"},
    "backup": {"dir", "keep", "daily", "time", "pg_dump", "pg_restore"},
    "monitoring": {"port", "listen", "outbox_stuck_minutes", "updates_stale_seconds"},
    "logging": {"format"},
    "telegram": {"token", "token_file", "api_base_url", "file_base_url", "admins", "http"},
    "database": {"url"},
    "webhook": {"url", "listen", "port", "secret_token", "secret_token_file"},
    "office": {
        "name",
        "timezone",
        "hours",
        "closed_dates",
        "extra_working_dates",
        "public_holidays",
        "election_days_off",
        "periods",
        "ramadan",
    },
    "sop": {"file", "files"},
    "reminders": {"enabled", "interval", "max_rounds", "notify", "digest", "digest_time"},
    "report": {"threshold", "schedule", "review_month"},
}


def _check_known_keys(data: Mapping[str, Any]) -> None:
    for name, known in _KNOWN_KEYS.items():
        value = data.get(name, {}) if name else data
        if not isinstance(value, Mapping):
            continue  # reported by table() with its own message
        for key in value:
            if key not in known:
                dotted = f"{name}.{key}" if name else key
                raise ConfigError(f"{dotted}: unknown setting (see config.example.toml)")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"office.timezone: unknown time zone {name!r}") from exc


def _load_sops(table: Mapping[str, Any], base_dir: Path) -> SopCatalog:
    """`file = "sop.toml"` (one SOP) or `files = ["a.toml", "b.toml"]` (several, side by
    side); neither: the default SOP No. 3/2022."""
    if "file" in table and "files" in table:
        raise ConfigError("sop: give either file (one SOP) or files (several), not both")
    file = table.get("file", "")
    if not isinstance(file, str):
        raise ConfigError("sop.file: must be a path (text)")
    files = table.get("files", [file] if file else [])
    if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
        raise ConfigError('sop.files: must be a list of paths, e.g. ["sop_jdih.toml"]')
    if "files" in table and not files:
        raise ConfigError("sop.files: name at least one SOP file")
    try:
        sops = tuple(load_sop(base_dir / f) for f in files) if files else (load_default_sop(),)
        return SopCatalog(_with_takedown(sops))
    except SopError as exc:
        raise ConfigError(str(exc)) from exc


def _with_takedown(sops: tuple[Sop, ...]) -> tuple[Sop, ...]:
    """The office's SOPs, with the shipped example takedown SOP (an office DRAFT) when none
    of them is the takedown SOP and they have its roles; its roles take the titles the
    office's SOPs give them."""
    if any(sop.purpose is SopPurpose.TAKEDOWN for sop in sops):
        return sops
    example = load_example_takedown_sop()
    titles = {key: role for sop in sops for key, role in sop.roles.items()}
    if set(example.roles) - set(titles):
        # a revised SOP without the example's roles: no takedowns until the office writes
        # its own takedown SOP (`python -m bot check` says there is none)
        return sops
    roles = {key: titles[key] for key in example.roles}
    return (*sops, replace(example, roles=roles))


def _members(raw: Any, sops: SopCatalog) -> tuple[Member, ...]:
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
            if not isinstance(role, str) or role not in sops.roles:
                known = ", ".join(sops.roles)
                raise ConfigError(f"{where}.roles: unknown role {role!r} (known: {known})")
        members.append(Member(user_id, text(entry, f"{where}.name", ""), frozenset(roles)))
    return tuple(members)


def _role_chats(table: Mapping[str, Any], sops: SopCatalog) -> dict[str, int]:
    chats: dict[str, int] = {}
    for role, chat_id in table.items():
        if role not in sops.roles:
            raise ConfigError(f"role_chats.{role}: unknown role")
        if type(chat_id) is not int:
            raise ConfigError(f"role_chats.{role}: must be a chat id (a number)")
        chats[role] = chat_id
    return chats


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
        name = text(entry, f"{where}.name", "")
        width, height = entry.get("width"), entry.get("height")
        if not all(type(n) is int and 0 < n <= 10_000 for n in (width, height)):
            raise ConfigError(f"{where}: width and height must be pixels (1 to 10000)")
        formats.append(PlatformFormat(name, int(width), int(height)))  # type: ignore[arg-type]
    return tuple(formats)
