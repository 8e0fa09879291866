"""Reading single settings: each reader checks one value's type and names its key on error."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A wrong setting; the message names the key so the admin can fix it."""


class Secret(str):
    """A string that never shows itself in logs, tracebacks or repr."""

    def __repr__(self) -> str:
        return "Secret('***')"


def _leaf(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key}: must be a table ([{key}])")
    return value


def text(values: Mapping[str, Any], dotted: str, default: str) -> str:
    value = values.get(_leaf(dotted), default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{dotted}: must be a non-empty text")
    return value.strip()


def int_list(values: Mapping[str, Any], dotted: str) -> list[int]:
    value = values.get(_leaf(dotted), [])
    if not isinstance(value, list) or not all(type(item) is int for item in value):
        raise ConfigError(f"{dotted}: must be a list of Telegram user ids (numbers)")
    return value


def boolean(values: Mapping[str, Any], dotted: str, default: bool) -> bool:
    value = values.get(_leaf(dotted), default)
    if not isinstance(value, bool):
        raise ConfigError(f"{dotted}: must be true or false")
    return value


def dates(values: Mapping[str, Any], dotted: str) -> list[date]:
    value = values.get(_leaf(dotted), [])
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


def secret(
    values: Mapping[str, Any],
    dotted: str,
    *,
    env: str,
    base_dir: Path,
    environ: Mapping[str, str],
) -> str:
    """A secret from the environment, a file outside git (`<key>_file`), or the config file
    itself, in that order; empty when none is set."""
    found = environ.get(env, "").strip()
    file_key = f"{_leaf(dotted)}_file"
    path = values.get(file_key, "")
    if not found and path:
        try:
            found = (base_dir / str(path)).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{dotted}_file: cannot read it ({exc.strerror})") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{dotted}_file: not UTF-8 text (save it as UTF-8)") from exc
    if not found:
        found = str(values.get(_leaf(dotted), "")).strip()
    return found
