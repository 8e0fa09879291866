"""Backups of everything the bot keeps (the database, the stored files, the digital archive)
and their restore: `python -m bot backup`, `python -m bot restore FILE`, the daily backup."""

from bot.backup.archive import BackupError, Manifest
from bot.backup.run import BackupMade, Restored, make_backup, restore_backup, verify_backup

__all__ = [
    "BackupError",
    "BackupMade",
    "Manifest",
    "Restored",
    "make_backup",
    "restore_backup",
    "verify_backup",
]
