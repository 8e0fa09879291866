"""What `python -m bot backup | restore FILE | verify FILE` print and return: one line for
the person at the server, exit code 0 or 1; a failed backup is also owed to the admins."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.backup.archive import BackupError
from bot.backup.notice import owe_backup_failure
from bot.backup.run import make_backup, restore_backup, verify_backup
from bot.config import Config
from bot.domain.clock import Clock, SystemClock
from storage.database import create_engine, session_factory

log = logging.getLogger("bot.backup")


def backup_command(config: Config, clock: Clock | None = None) -> int:
    now = (clock or SystemClock()).now()
    try:
        made = asyncio.run(make_backup(config, now))
    except BackupError as exc:
        log.error("Cadangan gagal / backup failed: %s", exc)
        asyncio.run(_tell_admins(config, str(exc), clock or SystemClock()))
        return 1
    print(f"backup written: {made.path} ({made.files} files, {made.size} bytes)")
    for old in made.deleted:
        print(f"deleted old backup (backup.keep = {config.backup.keep}): {old}")
    return 0


async def _tell_admins(config: Config, reason: str, clock: Clock) -> None:
    """The running bot's sender delivers it (at its next look at the outbox); if the database
    itself is what failed, the log and the exit code are all there is."""
    engine = create_engine(config.database_url)
    try:
        owed = await owe_backup_failure(
            session_factory(engine), config.telegram.admins, clock.now(), reason
        )
        log.info("the admins are told (%d outbox notices)", owed)
    except Exception as exc:
        log.error("cannot tell the admins through the database either: %s", exc)
    finally:
        await engine.dispose()


def restore_command(config: Config, archive: Path | None) -> int:
    if archive is None:
        print("usage: python -m bot [--config PATH] restore FILE")
        return 2
    try:
        restored = asyncio.run(restore_backup(config, archive, SystemClock().now()))
    except BackupError as exc:
        log.error("Pemulihan gagal / restore failed: %s", exc)
        return 1
    for warning in restored.warnings:
        log.warning("%s", warning)
    print(
        f"restored {archive} (made {restored.manifest.created_at}): the database and "
        f"{restored.files} files; start the bot now"
    )
    return 0


def verify_command(archive: Path | None) -> int:
    if archive is None:
        print("usage: python -m bot verify FILE")
        return 2
    try:
        manifest = asyncio.run(verify_backup(archive))
    except BackupError as exc:
        log.error("Cadangan rusak / backup damaged: %s", exc)
        return 1
    print(f"{archive}: ok, {len(manifest.files)} files match their SHA-256")
    return 0
