"""Backups and restore (bot/backup/): one archive of the database, the stored files and the
digital archive while the bot runs; its restore into an empty data directory gives back the
same rows and the same bytes. Damaged archives, non-empty targets, a running bot and a
backup folder that cannot be written are refused with a message, and nothing is lost. A
failed daily backup reaches the admins through the outbox."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot import texts
from bot.app import DAILY_BACKUP_KEY
from bot.backup import BackupError, make_backup, restore_backup, verify_backup
from bot.backup.daily import DailyBackup
from bot.config import TOKEN_ENV, Config, parse_config
from bot.domain.sop import Sop
from bot.domain.worktime import WorkCalendar
from bot.media.filestore import sha256_of
from localbotapi import LocalBotApi
from storage.database import create_engine
from storage.models import DesignFile, Item, Material, OutboxMessage
from tests import flows
from tests.conftest import HarnessFactory
from tests.databases import fresh_database
from tests.harness import ADMINS, TOKEN, Harness, config_data
from tests.invariants import snapshot, state_violations, violations

STORAGE = {"files_dir": "data/files", "archive_dir": "arsip"}


async def publish(h: Harness, title: str = "PKPU Nomor 2 Tahun 2026") -> str:
    """One item from /baru to published: material, a design, every approval, its archive."""
    code = await flows.open_item(h, title)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    await flows.order_upload(h, code)
    await flows.report_posted(h, code)
    await h.settle()
    return code


def target_config(server: LocalBotApi, database_url: str, folder: Path, **extra: Any) -> Config:
    """The configuration of a second, empty installation (where a restore goes)."""
    data = config_data(server, database_url, storage=STORAGE, **extra)
    return parse_config(data, base_dir=folder, environ={TOKEN_ENV: TOKEN})


@asynccontextmanager
async def empty_target(
    server: LocalBotApi, tmp_path: Path, name: str = "restored"
) -> AsyncIterator[Config]:
    folder = tmp_path / name
    folder.mkdir()
    async with fresh_database(folder) as url:
        yield target_config(server, url, folder)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


async def stored_files_match(config: Config, original_files_dir: Path) -> list[str]:
    """Every design and material file the restored database names, read from the restored
    folder, matches the SHA-256 the database recorded; [] when all do."""
    engine = create_engine(config.database_url)
    problems: list[str] = []
    try:
        async with engine.connect() as connection:
            rows = [
                *(await connection.execute(select(DesignFile.stored_path, DesignFile.sha256))),
                *(await connection.execute(select(Material.stored_path, Material.sha256))),
            ]
    finally:
        await engine.dispose()
    for stored_path, digest in rows:
        if stored_path is None:
            continue
        restored = config.files_dir / Path(stored_path).relative_to(original_files_dir)
        if not restored.exists() or sha256_of(restored) != digest:
            problems.append(f"{restored}: missing or not {digest}")
    return problems


async def restored_violations(
    config: Config, sop: Sop, calendar: WorkCalendar, *, settled: bool = True
) -> list[str]:
    """What is wrong in the restored database: everything `violations` checks when the copy
    was taken with the bot settled, only what holds at every commit otherwise."""
    engine = create_engine(config.database_url)
    try:
        if settled:
            return await violations(engine, sop, calendar)
        return await state_violations(engine, sop, calendar)
    finally:
        await engine.dispose()


@pytest.fixture
async def published(make_harness: HarnessFactory) -> AsyncIterator[tuple[Harness, str]]:
    async with make_harness(storage=STORAGE, backup={"dir": "backups", "keep": 2}) as h:
        yield h, await publish(h)


async def test_a_backup_restored_into_an_empty_installation_gives_back_every_row_and_byte(
    published: tuple[Harness, str], server: LocalBotApi, tmp_path: Path
) -> None:
    h, code = published
    made = await make_backup(h.config, h.clock.now())
    assert made.path.parent == h.config.backup.dir
    assert made.path.name.startswith("jdih-backup-") and made.path.name.endswith(".tar.gz")
    assert (await verify_backup(made.path)).database["kind"] in ("sqlite", "postgresql")
    async with empty_target(server, tmp_path) as target:
        restored = await restore_backup(target, made.path, h.clock.now())
        assert restored.files == made.files > 0
        assert any("files_dir" in warning for warning in restored.warnings)

        engine = create_engine(target.database_url)
        try:
            assert await snapshot(engine) == await snapshot(h.engine)
        finally:
            await engine.dispose()
        assert tree(target.archive_dir) == tree(h.config.archive_dir)
        assert any(code in name for name in tree(target.archive_dir))
        assert await stored_files_match(target, h.config.files_dir) == []
        assert list(target.files_dir.rglob("*.png")), "the design is among the restored files"
        assert await restored_violations(target, h.config.sop, h.config.calendar) == []


def rewrite(archive: Path, out: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """A copy of the archive with members changed (None: left out) and the manifest kept."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            changed = change(member.name, data)
            if changed is None:
                continue
            member.size = len(changed)
            target.addfile(member, io.BytesIO(changed))


def flip_first_stored_file(name: str, data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("files/") else data


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        ("wrong_sum", "does not match its SHA-256"),
        ("truncated", "damaged or truncated"),
        ("missing_file", "in the manifest but not in the archive"),
        ("extra_file", "in the archive but not in the manifest"),
        ("escaping_path", "would land outside the target"),
        ("no_manifest", "no manifest.json"),
        ("not_gzip", "damaged or truncated"),
    ],
)
async def test_a_damaged_archive_is_refused_before_anything_is_written(
    published: tuple[Harness, str], server: LocalBotApi, tmp_path: Path, damage: str, says: str
) -> None:
    h, _ = published
    made = await make_backup(h.config, h.clock.now())
    bad = tmp_path / "bad.tar.gz"
    dropped: list[str] = []

    def drop_one_file(name: str, data: bytes) -> bytes | None:
        if name.startswith("files/") and not dropped:
            dropped.append(name)
            return None
        return data

    match damage:
        case "wrong_sum":
            rewrite(made.path, bad, flip_first_stored_file)
        case "truncated":
            raw = made.path.read_bytes()
            bad.write_bytes(raw[: len(raw) * 2 // 3])
        case "missing_file":
            rewrite(made.path, bad, drop_one_file)
        case "extra_file":
            rewrite(made.path, bad, lambda _n, d: d)
            _append(bad, "files/zz/extra.png", b"not in the manifest")
        case "escaping_path":
            rewrite(made.path, bad, lambda _n, d: d)
            _append(bad, "files/../../etc/evil", b"x")
        case "no_manifest":
            rewrite(made.path, bad, lambda n, d: None if n == "manifest.json" else d)
        case "not_gzip":
            bad.write_bytes(b"PK\x03\x04 this is a zip file, not a backup")
    async with empty_target(server, tmp_path) as target:
        with pytest.raises(BackupError, match=says):
            await restore_backup(target, bad, h.clock.now())
        assert not target.files_dir.exists() and not target.archive_dir.exists()
        engine = create_engine(target.database_url)
        try:
            async with engine.connect() as connection:
                tables = await connection.run_sync(lambda sync: sync.dialect.get_table_names(sync))
            assert tables == [], "nothing was written into the target database"
        finally:
            await engine.dispose()
        assert not list(target.files_dir.parent.glob(".*restore*")), "no staging left behind"
    assert made.path.exists(), "the good archive is untouched"


def _append(archive: Path, name: str, data: bytes) -> None:
    """Add a member to a gzip'd tar (rewritten whole: gzip'd tars cannot be appended to)."""
    raw = gzip.decompress(archive.read_bytes())
    buffer = io.BytesIO(raw)
    with tarfile.open(fileobj=buffer, mode="a") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    archive.write_bytes(gzip.compress(buffer.getvalue()))


async def test_restore_refuses_a_running_bot_and_a_target_that_is_not_empty(
    published: tuple[Harness, str], server: LocalBotApi, tmp_path: Path
) -> None:
    h, _ = published
    made = await make_backup(h.config, h.clock.now())
    before = await snapshot(h.engine)
    # onto the running bot's own installation
    with pytest.raises(BackupError, match="stop the bot before restoring"):
        await restore_backup(h.config, made.path, h.clock.now())
    # into folders that hold something
    async with empty_target(server, tmp_path) as target:
        target.files_dir.mkdir(parents=True)
        (target.files_dir / "keep-me.txt").write_text("someone's file")
        with pytest.raises(BackupError, match="is not empty"):
            await restore_backup(target, made.path, h.clock.now())
        assert (target.files_dir / "keep-me.txt").read_text() == "someone's file"
        assert not target.archive_dir.exists()
    assert await snapshot(h.engine) == before
    # into a database that holds something (the bot stopped)
    await h.stop_bot()
    async with empty_target(server, tmp_path, "second") as target:
        other = target_config(server, h.config.database_url, tmp_path / "second")
        assert other.files_dir != h.config.files_dir
        with pytest.raises(BackupError, match=r"database .* is not empty"):
            await restore_backup(other, made.path, h.clock.now())
        assert not other.files_dir.exists() and not target.archive_dir.exists()
    await h.start_bot()


async def test_retention_keeps_the_newest_archives(published: tuple[Harness, str]) -> None:
    h, _ = published  # backup.keep = 2
    first = await make_backup(h.config, h.clock.now())
    second = await make_backup(h.config, h.clock.now() + timedelta(days=1))
    third = await make_backup(h.config, h.clock.now() + timedelta(days=2))
    assert third.deleted == (first.path,)
    assert sorted(p.name for p in h.config.backup.dir.iterdir()) == [
        second.path.name,
        third.path.name,
    ]


async def test_a_failed_daily_backup_is_told_to_the_admins_and_keeps_the_older_archives(
    make_harness: HarnessFactory, tmp_path: Path
) -> None:
    async with make_harness(
        storage=STORAGE, backup={"dir": "backups", "daily": True, "time": "02:00"}
    ) as h:
        daily: DailyBackup = h.app.bot_data[DAILY_BACKUP_KEY]  # type: ignore[union-attr]
        kept = await daily.run()
        assert kept is not None and kept.path.exists()
        # the folder is replaced by a file: nothing can be written there any more
        folder = h.config.backup.dir
        folder.rename(tmp_path / "moved-away")
        folder.write_text("a file where the folder was")
        before = h.mark()
        assert await daily.run() is None
        for admin in ADMINS:
            told = await h.server.wait_for_message(
                admin.user_id, after=before, contains="Pencadangan (backup) gagal"
            )
            assert "not writable" in told.body and str(folder) in told.body
        async with h.engine.connect() as connection:
            rows = (await connection.execute(select(OutboxMessage.payload))).scalars().all()
        assert sum(1 for p in rows if p.get("template") == "backup_failed") == len(ADMINS)
        assert (tmp_path / "moved-away" / kept.path.name).exists()
        assert texts.NOTICE_BACKUP_FAILED.startswith("⚠️")


async def test_the_backup_of_a_database_with_items_names_its_schema_revision(
    published: tuple[Harness, str],
) -> None:
    h, _ = published
    made = await make_backup(h.config, h.clock.now())
    with tarfile.open(made.path, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    async with h.engine.connect() as connection:
        items = (await connection.execute(select(Item.code))).scalars().all()
    assert items
    assert manifest["database"]["revision"].startswith("00")
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
