"""`python -m bot backup` and `python -m bot restore FILE`.

A backup is written beside its final name (`.NAME.partial`) and renamed only once whole and
on disk, so a full or failing disk leaves the older archives as they were and no half file
under a backup's name; the oldest archives beyond `backup.keep` are deleted only after a new
one was written. A restore reads the archive twice: once to check every sum before anything
is touched, once to copy into staging folders beside the targets, which are renamed into
place at the end; the database goes last (PostgreSQL in one transaction), and if it fails the
folders go back, so a failed restore leaves the (empty) targets empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from bot.backup.archive import ArchiveWriter, BackupError, Manifest, read_archive
from bot.backup.database import Database, DiskFull
from bot.config import Config
from bot.instance import AnotherInstance, InstanceLock

PREFIX = "jdih-backup-"
SUFFIX = ".tar.gz"


@dataclass(frozen=True, slots=True)
class BackupMade:
    path: Path
    files: int  # files in it, the database copy and the manifest not counted
    size: int  # bytes
    deleted: tuple[Path, ...]  # older archives removed by the retention setting


def _os_problem(exc: OSError, where: Path) -> BackupError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        what = "full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR):
        what = "not writable"
    else:
        what = "failing"
    return BackupError(f"{where}: {what} ({exc.strerror or exc})")


def _skip_stored(relative: Path) -> bool:
    """Downloads in progress are not stored files yet; previews waiting for their first card
    are drawn again by it when missing."""
    return relative.parts[0] in ("incoming", "previews") or relative.name.startswith(".")


def _skip_archive(relative: Path) -> bool:
    """An archive folder being built (`.CODE.new-…`) is not part of the archive yet."""
    return any(part.startswith(".") for part in relative.parts)


async def make_backup(config: Config, now: datetime) -> BackupMade:
    """Write one dated archive into backup.dir and apply the retention; BackupError says why
    it could not be made (nothing else changed then)."""
    settings = config.backup
    database = Database.of(config.database_url)
    folder = settings.dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BackupError(f"{folder}: not writable (a file is there, not a folder)") from None
    except OSError as exc:
        raise _os_problem(exc, folder) from None
    revision = await database.revision()
    name = _free_name(folder, now.astimezone(config.timezone))
    made = await asyncio.to_thread(
        _write, config, database, revision, folder / name, now.isoformat()
    )
    deleted = prune(folder, settings.keep)
    return BackupMade(made[0], made[1], made[0].stat().st_size, deleted)


def _free_name(folder: Path, local: datetime) -> str:
    name = f"{PREFIX}{local:%Y%m%d-%H%M%S}{SUFFIX}"
    counter = 1
    while (folder / name).exists():
        counter += 1
        name = f"{PREFIX}{local:%Y%m%d-%H%M%S}-{counter}{SUFFIX}"
    return name


def _write(
    config: Config, database: Database, revision: str, final: Path, created_at: str
) -> tuple[Path, int]:
    partial = final.with_name(f".{final.name}.partial")
    manifest = Manifest(
        created_at,
        {"kind": database.kind, "member": database.member, "revision": revision},
        {"files_dir": str(config.files_dir), "archive_dir": str(config.archive_dir)},
    )
    writer: ArchiveWriter | None = None
    try:
        with tempfile.TemporaryDirectory(prefix=".jdih-backup-", dir=final.parent) as staging:
            copy = Path(staging) / Path(database.member).name
            # the database first: every file it names is already stored (files are kept
            # before the commit that names them, and never removed)
            try:
                database.snapshot(copy, config.backup.pg_dump)
            except DiskFull as exc:
                raise BackupError(f"{final.parent}: {exc}") from None
            writer = ArchiveWriter(partial, manifest)
            writer.add(copy, database.member)
        files = writer.add_tree(config.files_dir, "files", _skip_stored)
        files += writer.add_tree(config.archive_dir, "arsip", _skip_archive)
        writer.close()
        writer = None
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, final)
        _sync_folder(final.parent)
        return final, files
    except OSError as exc:
        raise _os_problem(exc, final.parent) from None
    finally:
        if writer is not None:
            writer.abort()
        with contextlib.suppress(OSError):  # a read-only disk has no partial file to remove
            partial.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backups_in(folder: Path) -> list[Path]:
    """The archives in `folder`, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.name.endswith(SUFFIX)
    )


def prune(folder: Path, keep: int) -> tuple[Path, ...]:
    """Delete all but the newest `keep` archives."""
    archives = backups_in(folder)
    old = archives[: max(len(archives) - keep, 0)]
    for path in old:
        path.unlink(missing_ok=True)
    return tuple(old)


# --------------------------------------------------------------------------- restore


@dataclass(frozen=True, slots=True)
class Restored:
    manifest: Manifest
    files: int
    warnings: tuple[str, ...]


async def verify_backup(archive: Path) -> Manifest:
    """Check every file of the archive against its manifest; BackupError names the first
    problem."""
    return await asyncio.to_thread(read_archive, archive)


async def restore_backup(config: Config, archive: Path, now: datetime) -> Restored:
    """Bring the archive back into the empty places config.toml names (the database, the
    stored files, the archive folder)."""
    manifest = await verify_backup(archive)
    database = Database.of(config.database_url)
    if manifest.database.get("kind") != database.kind:
        raise BackupError(
            f"{archive} holds a {manifest.database.get('kind')} database, but database.url is "
            f"{database.kind}: restore it into a {manifest.database.get('kind')} database"
        )
    try:
        lock = await InstanceLock.acquire(config.database_url, now, on_lost=lambda _reason: None)
    except AnotherInstance as exc:
        raise BackupError(f"stop the bot before restoring: {exc}") from None
    try:
        await _refuse_non_empty(config, database)
        count = await asyncio.to_thread(_restore, config, database, archive, manifest)
    finally:
        await lock.release()
    return Restored(manifest, count, _moved(manifest, config))


def _moved(manifest: Manifest, config: Config) -> tuple[str, ...]:
    """Warnings for folders restored elsewhere than where the backup took them from."""
    return tuple(
        f"the backup's {key} was {was}, config.toml says {now_is}: the database names each "
        f"stored file by its old path; restore with the same paths (or move the folder there)"
        for key, was, now_is in (
            ("files_dir", manifest.paths.get("files_dir"), config.files_dir),
            ("archive_dir", manifest.paths.get("archive_dir"), config.archive_dir),
        )
        if was is not None and os.path.abspath(was) != os.path.abspath(now_is)
    )


async def _refuse_non_empty(config: Config, database: Database) -> None:
    for folder in (config.files_dir, config.archive_dir):
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise BackupError(
                f"{folder} is not empty: a restore goes only into an empty data directory "
                f"(move it away first; nothing was changed)"
            )
    if not await database.is_empty():
        raise BackupError(
            f"the database {database.describe()} is not empty: a restore goes only into an "
            f"empty database (move the file away, or create a new database; nothing was changed)"
        )


def _restore(config: Config, database: Database, archive: Path, manifest: Manifest) -> int:
    targets = {"files": config.files_dir, "arsip": config.archive_dir}
    staged: dict[str, Path] = {}
    placed: list[tuple[Path, Path]] = []  # (staging, target) renamed into place
    try:
        for section, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            staged[section] = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.restore-", dir=target.parent)
            )
        db_parent = (
            database.sqlite_path.parent if database.kind == "sqlite" else targets["files"].parent
        )
        db_parent.mkdir(parents=True, exist_ok=True)
        staged["database"] = Path(tempfile.mkdtemp(prefix=".jdih-db.restore-", dir=db_parent))
        read_archive(archive, _sink(staged))  # the sums are checked again as it is copied
        count = sum(1 for member in manifest.files if not member.startswith("database/"))
        for section, target in targets.items():
            if target.exists():
                target.rmdir()  # empty: checked before
            os.rename(staged.pop(section), target)
            placed.append((target.with_name(f".{target.name}.undo"), target))
        database.put_back(staged["database"] / Path(database.member).name, config.backup.pg_restore)
        placed.clear()
        return count
    except OSError as exc:  # writing into the targets (reading the archive was checked)
        where = Path(exc.filename).parent if exc.filename else config.files_dir.parent
        raise _os_problem(exc, where) from None
    finally:
        for undo, target in placed:  # the database failed: the folders go back to empty
            with contextlib.suppress(OSError):
                os.rename(target, undo)
                shutil.rmtree(undo, ignore_errors=True)
                target.mkdir()
        for folder in staged.values():
            shutil.rmtree(folder, ignore_errors=True)


def _sink(staged: dict[str, Path]) -> Callable[[str], IO[bytes]]:
    def open_for(member: str) -> IO[bytes]:
        section, _, rest = member.partition("/")
        target = staged[section] / rest
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.open("wb")

    return open_for
