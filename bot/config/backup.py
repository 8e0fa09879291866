"""The [backup] settings: where `python -m bot backup` writes its archives, how many it keeps,
and whether the bot makes one itself every day."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from bot.config.values import ConfigError, boolean, text

_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class BackupSettings:
    dir: Path = Path("backups")  # the archives, jdih-backup-YYYYMMDD-HHMMSS.tar.gz
    keep: int = 14  # the newest this many archives stay; older ones are deleted
    daily: bool = False  # the bot itself makes one every day at `time`
    time: time = time(2, 0)  # office local time
    pg_dump: str = "pg_dump"  # PostgreSQL's tools: a path when several versions are installed
    pg_restore: str = "pg_restore"


def parse_backup(table: Mapping[str, Any], base_dir: Path) -> BackupSettings:
    keep = table.get("keep", 14)
    if type(keep) is not int or not 1 <= keep <= 10_000:
        raise ConfigError("backup.keep: must be a number of archives to keep (1 or more)")
    at = text(table, "backup.time", "02:00")
    match = _TIME_RE.match(at)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ConfigError(f'backup.time: {at!r} is not a time of day, e.g. "02:00"')
    return BackupSettings(
        dir=base_dir / text(table, "backup.dir", "backups"),
        keep=keep,
        daily=boolean(table, "backup.daily", False),
        time=time(int(match[1]), int(match[2])),
        pg_dump=text(table, "backup.pg_dump", "pg_dump"),
        pg_restore=text(table, "backup.pg_restore", "pg_restore"),
    )
