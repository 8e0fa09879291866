"""Configuration: read once from TOML, validated, typed. Every error names its key."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.sop import Sop, SopError, load_default_sop, load_sop

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


@dataclass(frozen=True, slots=True)
class Config:
    telegram: TelegramSettings
    database_url: str
    office_name: str
    timezone: ZoneInfo
    sop: Sop
    members: tuple[Member, ...]
    role_chats: Mapping[str, int]  # role -> group chat that receives that role's cards

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
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return parse_config(data, base_dir=path.parent, environ=environ)


def parse_config(
    data: Mapping[str, Any], *, base_dir: Path, environ: Mapping[str, str] = os.environ
) -> Config:
    telegram = _table(data, "telegram")
    office = _table(data, "office")
    sop = _load_sop(_table(data, "sop"), base_dir)
    members = _members(data.get("members", []), sop)
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
        timezone=_zone(_str(office, "office.timezone", "Asia/Pontianak")),
        sop=sop,
        members=members,
        role_chats=_role_chats(_table(data, "role_chats"), sop),
    )


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
            if role not in sop.roles:
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
