"""Backups taken again and again while 50 items move through the SOP (opened with material,
directed, designed by two operators at once, reviewed, some published and archived): each
archive, restored into an empty installation, is consistent — every item's state matches its
history, every stored file the database names matches its SHA-256, every archived file
matches the sum its metadata.json records. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.backup import BackupMade, make_backup, restore_backup
from bot.media.filestore import sha256_of
from localbotapi import LocalBotApi
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import OPERATOR, OPERATOR2, Harness
from tests.test_backup import STORAGE, empty_target, restored_violations, stored_files_match

ITEMS = 50
REVIEWED = 20  # approved at step 3
PUBLISHED = 5  # of those, taken all the way and archived


async def move_items(h: Harness) -> list[str]:
    codes = [await flows.open_item(h, f"Keputusan KPU Nomor {n} Tahun 2026") for n in range(ITEMS)]
    for code in codes:
        await flows.give_direction(h, code)
    await h.settle()  # every brief has reached both operators

    async def designs(part: list[str], who: flows.Person) -> None:
        for code in part:
            await flows.submit_design(h, code, who)

    await asyncio.gather(designs(codes[::2], OPERATOR), designs(codes[1::2], OPERATOR2))
    for code in codes[:REVIEWED]:
        await flows.approve_check(h, code, 1)
    for code in codes[:PUBLISHED]:
        await flows.approve_legal(h, code, 1)
        await flows.order_upload(h, code)
        await flows.report_posted(h, code)
    await h.settle()
    return codes


async def keep_backing_up(h: Harness, done: asyncio.Event) -> list[BackupMade]:
    made: list[BackupMade] = []
    while True:
        made.append(await make_backup(h.config, h.clock.now()))
        if done.is_set():
            return made
        await asyncio.sleep(0.5)


def archive_problems(root: Path) -> list[str]:
    problems: list[str] = []
    for metadata in root.rglob("metadata.json"):
        for file in json.loads(metadata.read_text(encoding="utf-8"))["files"]:
            path = metadata.parent / file["path"]
            if not path.exists() or sha256_of(path) != file["sha256"]:
                problems.append(f"{path}: missing or not {file['sha256']}")
    return problems


async def test_backups_taken_while_fifty_items_move_restore_consistent(
    make_harness: HarnessFactory, server: LocalBotApi, tmp_path: Path
) -> None:
    async with make_harness(storage=STORAGE, backup={"dir": "backups", "keep": 1000}) as h:
        done = asyncio.Event()
        backups = asyncio.create_task(keep_backing_up(h, done))
        try:
            await move_items(h)
        finally:
            done.set()
        made = await backups
        assert len(made) >= 3, "backups were taken while the items moved"
        archived_in_last = 0
        for number, backup in enumerate(made):
            async with empty_target(server, tmp_path, f"restored-{number}") as target:
                await restore_backup(target, backup.path, h.clock.now())
                where = f"backup {number} ({backup.path.name})"
                assert (
                    await restored_violations(
                        target, h.config.sop, h.config.calendar, settled=False
                    )
                    == []
                ), where
                assert await stored_files_match(target, h.config.files_dir) == [], where
                assert archive_problems(target.archive_dir) == [], where
                archived_in_last = len(list(target.archive_dir.rglob("metadata.json")))
        assert archived_in_last == PUBLISHED, "the last backup holds every archived item"
