"""The daily backup the bot makes itself when [backup] daily = true (a PTB job registered in
bot/app.py); a failure is owed to the admins through the outbox, and the sender woken."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.backup.archive import BackupError
from bot.backup.notice import owe_backup_failure
from bot.backup.run import BackupMade, make_backup
from bot.config import Config
from bot.domain.clock import Clock
from storage.uow import SessionFactory

log = logging.getLogger(__name__)


class DailyBackup:
    def __init__(
        self, config: Config, factory: SessionFactory, clock: Clock, wake: Callable[[], None]
    ) -> None:
        self.config = config
        self.factory = factory
        self.clock = clock
        self.wake = wake

    async def run(self) -> BackupMade | None:
        """Make one backup; None when it failed (and the admins are owed the reason)."""
        now = self.clock.now()
        try:
            made = await make_backup(self.config, now)
        except BackupError as exc:
            reason = str(exc)
        except Exception as exc:  # whatever broke, the admins must hear that no backup exists
            log.exception("daily backup: unexpected failure")
            reason = f"{type(exc).__name__}: {exc}"
        else:
            log.info("daily backup written: %s (%d files)", made.path, made.files)
            return made
        log.error("Cadangan harian gagal / daily backup failed: %s", reason)
        try:
            await owe_backup_failure(self.factory, self.config.telegram.admins, now, reason)
        except Exception:
            log.exception("daily backup: cannot owe the admins the failure notice")
            return None
        self.wake()
        return None
