"""`python -m bot backup` and `restore` on disks that fail for real: a small tmpfs that fills
up and one mounted read-only, each in a mount namespace of its own (`unshare -m`, as root),
while the bot runs. The command says what is wrong and exits 1; the older archive stays, no
half archive or staging folder is left, the admins are owed the failure. Skipped only where
the machine lets no process mount a tmpfs."""

from __future__ import annotations

import asyncio
import shlex
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.backup import make_backup
from bot.config import TOKEN_ENV
from localbotapi import LocalBotApi
from storage.models import OutboxMessage
from tests.botprocess import REPO, to_toml
from tests.conftest import HarnessFactory
from tests.databases import fresh_database
from tests.harness import ADMINS, TOKEN, Harness, config_data
from tests.test_backup import STORAGE, publish


def _can_mount(tmp: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = tmp / "probe"
    probe.mkdir()
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {probe}"],
        capture_output=True,
    )
    return done.returncode == 0


@pytest.fixture
def mountable(tmp_path: Path) -> None:
    if not _can_mount(tmp_path):
        pytest.skip("no tmpfs can be mounted here (unshare -m / mount refused)")


@pytest.fixture
async def running(make_harness: HarnessFactory, mountable: None) -> AsyncIterator[Harness]:
    async with make_harness(storage=STORAGE, backup={"dir": "small-disk"}) as h:
        await publish(h)
        yield h


async def in_namespace(script: str, config: Path, command: str, listed: Path) -> tuple[int, str]:
    """Run `script` (mounts), then the bot's command, in a mount namespace; its exit code and
    what it wrote (stdout and stderr together), ending with what `listed` then holds."""
    bot = f"{shlex.quote(sys.executable)} -m bot --config {shlex.quote(str(config))} {command}"
    shell = f"set -e; {script}; set +e; {bot}; rc=$?; echo '--- ls'; ls -A {listed}; exit $rc"
    process = await asyncio.create_subprocess_exec(
        "unshare", "-m", "sh", "-c", shell,
        cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", TOKEN_ENV: TOKEN},
    )  # fmt: skip
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


def write_config(h: Harness, server: LocalBotApi, folder: Path, **extra: object) -> Path:
    path = folder / "config.toml"
    data = config_data(server, h.config.database_url, storage=STORAGE, **extra)
    path.write_text(to_toml(data), encoding="utf-8")
    return path


async def test_a_full_backup_disk_keeps_the_older_archive_and_owes_the_admins_the_failure(
    running: Harness, server: LocalBotApi, tmp_path: Path
) -> None:
    h = running
    old = await make_backup(h.config, h.clock.now())  # into small-disk/ (a folder still)
    disk = h.config.backup.dir
    config = write_config(h, server, tmp_path, backup={"dir": "small-disk"})
    # a disk with room for the older archive and a few kilobytes more
    room = old.path.stat().st_size + 8192
    saved = tmp_path / "old.tar.gz"
    shutil.move(old.path, saved)
    script = f"mount -t tmpfs -o size={room} tmpfs {disk}; cp {saved} {disk}/{old.path.name}"
    code, output = await in_namespace(script, config, "backup", disk)
    assert code == 1, output
    assert "backup failed" in output and "full" in output, output
    listing = output.split("--- ls")[1].split()
    assert listing == [old.path.name], "only the older archive: no partial file, no staging"
    async with h.engine.connect() as connection:
        payloads = (await connection.execute(select(OutboxMessage.payload))).scalars().all()
    owed = [p for p in payloads if p.get("template") == "backup_failed"]
    assert len(owed) == len(ADMINS) and "full" in owed[0]["params"]["reason"]
    # the running bot's sender delivers it at its next look at the outbox
    before = h.mark()
    h.services.sender.wake()
    for admin in ADMINS:
        await h.server.wait_for_message(admin.user_id, after=before, contains="gagal")


async def test_a_read_only_backup_disk_is_named_not_writable(
    running: Harness, server: LocalBotApi, tmp_path: Path
) -> None:
    h = running
    disk = h.config.backup.dir
    disk.mkdir(parents=True, exist_ok=True)
    config = write_config(h, server, tmp_path, backup={"dir": "small-disk"})
    script = f"mount -t tmpfs tmpfs {disk}; touch {disk}/older; mount -o remount,ro {disk}"
    code, output = await in_namespace(script, config, "backup", disk)
    assert code == 1, output
    assert "not writable (Read-only file system)" in output, output
    assert output.split("--- ls")[1].split() == ["older"]


async def test_a_restore_onto_a_full_disk_leaves_the_target_empty(
    running: Harness, server: LocalBotApi, tmp_path: Path
) -> None:
    h = running
    made = await make_backup(h.config, h.clock.now())
    folder = tmp_path / "target"
    folder.mkdir()
    async with fresh_database(folder) as url:
        config = folder / "config.toml"
        storage = {"files_dir": "data/files", "archive_dir": "data/arsip"}
        config.write_text(to_toml(config_data(server, url, storage=storage)), encoding="utf-8")
        disk = folder / "data"  # the stored files and the archive go here
        disk.mkdir()
        script = f"mount -t tmpfs -o size=16k tmpfs {disk}"
        code, output = await in_namespace(script, config, f"restore {made.path}", disk)
        assert code == 1, output
        assert "restore failed" in output and "full" in output, output
        assert output.split("--- ls")[1].split() == [], "nothing left on the target disk"
        left = sorted(p.name for p in folder.iterdir())
        assert left in (["config.toml", "data"], ["config.toml", "data", "jdih.db.lock"]), left
    assert made.path.exists()
