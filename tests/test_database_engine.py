"""The engine's connections (storage/database.py, storage/sqlite_inline.py): on SQLite the
statements run on the event loop without a thread, and a lock another process holds (a backup,
the report CLI, a second bot starting) is waited for without stopping the loop, then reported as
"database is locked" as before; the WAL is checkpointed in a worker thread, never in a COMMIT on
the loop, and stays bounded; on either database a burst of units of work shares the pool's
connections instead of opening and closing more."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.models import Item, PendingInput
from storage.sqlite_checkpoint import Checkpointer, CheckpointPolicy
from storage.sqlite_inline import InlineConnection
from storage.uow import SessionFactory, UnitOfWork

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


async def _ready(engine: AsyncEngine) -> SessionFactory:
    await upgrade_to_head(engine)
    factory = session_factory(engine)
    async with UnitOfWork(factory) as uow:
        uow.repo.add(Item(code="T-1", title="uji", status="active", created_by=1, created_at=NOW))
        await uow.commit()
    return factory


@pytest.fixture
async def sqlite_file(tmp_path: Path) -> AsyncIterator[Path]:
    path = tmp_path / "jdih.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await _ready(engine)
    finally:
        await engine.dispose()
    yield path


@contextmanager
def write_lock_held(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection (as another process's would) holds SQLite's write lock."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE items SET title = 'lain'")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("COMMIT")
        other.close()


async def _ask_notes(factory: SessionFactory, user_id: int) -> None:
    async with UnitOfWork(factory) as uow:
        uow.session.add(PendingInput(user_id=user_id, kind="notes", item_id=1, asked_at=NOW))
        await uow.commit()


async def _asked(factory: SessionFactory) -> list[int]:
    async with UnitOfWork(factory, read_only=True) as uow:
        found = await uow.session.execute(text("SELECT user_id FROM pending_inputs"))
        return sorted(row[0] for row in found)


async def test_sqlite_statements_run_on_the_loop_without_a_thread(sqlite_file: Path) -> None:
    threads = threading.active_count()
    engine = create_engine(f"sqlite+aiosqlite:///{sqlite_file}")
    try:
        factory = session_factory(engine)
        await _ask_notes(factory, 7)
        assert await _asked(factory) == [7]
        assert threading.active_count() == threads, [t.name for t in threading.enumerate()]
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            assert isinstance(raw.driver_connection, InlineConnection)
            settings = await connection.execute(text("PRAGMA journal_mode"))
            assert settings.scalar() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_a_write_waits_for_another_process_lock_while_the_loop_keeps_running(
    sqlite_file: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{sqlite_file}")
    ticked = asyncio.Event()

    async def ticker() -> None:  # another task on the loop, making progress
        for _ in range(20):
            await asyncio.sleep(0.001)
        ticked.set()

    try:
        factory = session_factory(engine)
        with write_lock_held(sqlite_file) as other:
            writer = asyncio.create_task(_ask_notes(factory, 7))
            await asyncio.sleep(0)  # the writer starts and is refused
            running = asyncio.create_task(ticker())
            await ticked.wait()
            assert not writer.done(), "the write waits for the lock"
            # a read needs no lock in WAL mode: it is answered meanwhile
            assert await _asked(factory) == []
            other.execute("COMMIT")
            await writer
            await running
        assert await _asked(factory) == [7]
    finally:
        await engine.dispose()


async def test_a_lock_held_past_the_budget_fails_as_database_is_locked_and_then_works_again(
    sqlite_file: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{sqlite_file}", busy_budget=0.2)
    try:
        factory = session_factory(engine)
        with write_lock_held(sqlite_file), pytest.raises(OperationalError) as refused:
            await _ask_notes(factory, 7)
        assert "database is locked" in str(refused.value)
        await _ask_notes(factory, 8)  # the connection was not spoiled
        assert await _asked(factory) == [8]
    finally:
        await engine.dispose()


async def test_a_busy_statement_is_tried_again_only_where_sqlite_did_nothing(
    sqlite_file: Path,
) -> None:
    """A write after a read inside a transaction, refused: the transaction already holds its
    snapshot, so it fails at once (SQLite's rule). BEGIN IMMEDIATE refused: nothing began, it
    is tried again until the lock is free."""
    threads = threading.active_count()

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(sqlite_file, isolation_level=None, timeout=0)

    inline = await InlineConnection(connect, busy_budget=60)
    try:
        with write_lock_held(sqlite_file) as other:
            await inline.execute("BEGIN")
            await inline.execute("SELECT count(*) FROM items")
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                await inline.execute("DELETE FROM pending_inputs")
            assert inline.waits == 0
            await inline.rollback()

            async def release_later() -> None:
                for _ in range(10_000):  # until it was refused three times
                    if inline.waits >= 3:
                        break
                    await asyncio.sleep(0.001)
                other.execute("COMMIT")

            releasing = asyncio.create_task(release_later())
            await inline.execute("BEGIN IMMEDIATE")
            await releasing
            assert inline.waits >= 3
            await inline.execute("DELETE FROM pending_inputs")
            await inline.commit()
    finally:
        await inline.close()
    assert threading.active_count() == threads


async def test_a_burst_of_units_of_work_opens_no_more_connections_than_the_pool(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    opened = 0

    def count(*_: Any) -> None:
        nonlocal opened
        opened += 1

    event.listen(engine.sync_engine, "connect", count)
    try:
        factory = await _ready(engine)
        opened = 0
        size = engine.pool.size()  # type: ignore[attr-defined]

        async def read_waiting() -> None:
            async with UnitOfWork(factory, read_only=True) as uow:
                await uow.repo.item(1)
                await asyncio.sleep(0.001)  # holds its connection across another await

        async def write(user_id: int) -> None:
            await _ask_notes(factory, user_id)

        burst = [read_waiting() for _ in range(40)] + [write(n) for n in range(1, 41)]
        await asyncio.gather(*burst)
        assert await _asked(factory) == list(range(1, 41))
        assert 1 <= opened <= size
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        if make_url(database_url).get_backend_name() == "sqlite":
            assert size <= 2, "SQLite has one writer: a few connections serve it"
    finally:
        await engine.dispose()


async def _checkpointer(engine: AsyncEngine) -> Checkpointer:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        inline = raw.driver_connection
        assert isinstance(inline, InlineConnection) and inline.checkpointer is not None
        return inline.checkpointer


async def _ask_many(factory: SessionFactory, first: int, count: int) -> None:
    """`count` units of work that write, one after another, yielding to the loop between them
    as the bot does between updates."""
    for user_id in range(first, first + count):
        async with UnitOfWork(factory) as uow:
            uow.session.add(PendingInput(user_id=user_id, kind="notes", item_id=1, asked_at=NOW))
            await uow.session.execute(text("UPDATE items SET title = :t"), {"t": f"uji {user_id}"})
            await uow.commit()
        await asyncio.sleep(0)


def _wal_pages(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size // 4096 if wal.exists() else 0


async def test_the_wal_is_checkpointed_in_a_worker_thread_and_stays_bounded(
    sqlite_file: Path,
) -> None:
    """SQLite's own checkpoint would run in the COMMIT that crosses 1,000 pages, on the loop.
    Here no COMMIT checkpoints; a worker thread does, often enough that a long run of writes
    (about 6,000 pages here) leaves a WAL a fraction of that size."""
    policy = CheckpointPolicy(every_writes=10, hold_frames=100)
    engine = create_engine(f"sqlite+aiosqlite:///{sqlite_file}", checkpoints=policy)
    try:
        async with engine.connect() as connection:
            autocheckpoint = await connection.execute(text("PRAGMA wal_autocheckpoint"))
            assert autocheckpoint.scalar() == 0
        checkpointer = await _checkpointer(engine)
        factory = session_factory(engine)
        await _ask_many(factory, 1, 2_000)
        assert await _asked(factory) == list(range(1, 2_001))
        assert checkpointer.runs >= 2_000 // 10 // 4
        assert checkpointer.threads and threading.get_ident() not in checkpointer.threads
        assert 0 < _wal_pages(sqlite_file) <= 1_000
    finally:
        await engine.dispose()


async def test_writers_wait_for_a_catch_up_checkpoint_then_go_on(sqlite_file: Path) -> None:
    """Past `hold_frames`, the writes of the engine wait while one more checkpoint copies what
    was written during the last, so that the WAL starts over; reads are answered meanwhile."""
    catch_up = threading.Event()  # the second checkpoint waits for it, in its thread
    checkpoints = 0

    class Checkpointing(sqlite3.Connection):
        def execute(self, *args: Any) -> sqlite3.Cursor:
            nonlocal checkpoints
            checkpoints += 1
            if checkpoints == 2:
                catch_up.wait(timeout=30)
            return super().execute(*args)

    def connect(**kwargs: Any) -> sqlite3.Connection:
        return sqlite3.connect(sqlite_file, isolation_level=None, timeout=0, **kwargs)

    checkpointer = Checkpointer(
        lambda: connect(factory=Checkpointing, check_same_thread=False),
        CheckpointPolicy(every_writes=1, hold_frames=1),
    )
    inline = await InlineConnection(connect, busy_budget=60, checkpointer=checkpointer)
    try:
        await inline.execute("PRAGMA wal_autocheckpoint=0")

        async def write(title: str) -> None:
            await inline.execute("BEGIN IMMEDIATE")
            await inline.execute("UPDATE items SET title = ?", (title,))
            await inline.commit()

        async def title() -> str:
            found = await inline.execute_fetchall("SELECT title FROM items")
            return str(next(iter(found))[0])

        await write("satu")
        for _ in range(10_000):  # until the first checkpoint found the WAL past its bound
            if checkpointer.holding is not None:
                break
            await asyncio.sleep(0.001)
        writer = asyncio.create_task(write("dua"))
        for _ in range(5):
            await asyncio.sleep(0)
        assert checkpointer.holding is not None
        assert not writer.done(), "the write waits for the catch-up"
        assert await title() == "satu"  # a read does not wait
        catch_up.set()
        await writer
        assert await title() == "dua"
        assert checkpointer.holds >= 1
    finally:
        catch_up.set()
        await checkpointer.close()
        await inline.close()


async def test_a_crash_between_checkpoints_loses_no_commit(
    sqlite_file: Path, tmp_path: Path
) -> None:
    never = CheckpointPolicy(every_writes=10**9)
    engine = create_engine(f"sqlite+aiosqlite:///{sqlite_file}", checkpoints=never)
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    try:
        factory = session_factory(engine)
        await _ask_many(factory, 1, 1_500)
        assert _wal_pages(sqlite_file) > 1_000  # SQLite alone would have checkpointed by now
        # the files as a crash leaves them: the connections still open, nothing closed cleanly
        for suffix in ("", "-wal"):
            shutil.copy(f"{sqlite_file}{suffix}", crashed / f"jdih.db{suffix}")
    finally:
        await engine.dispose()
    without_wal = sqlite3.connect(crashed / "jdih.db")
    try:  # (the WAL first put aside: the rows are in it, not yet in the database file)
        shutil.move(crashed / "jdih.db-wal", crashed / "aside")
        assert without_wal.execute("SELECT count(*) FROM pending_inputs").fetchone() == (0,)
    finally:
        without_wal.close()
    shutil.move(crashed / "aside", crashed / "jdih.db-wal")
    reopened = sqlite3.connect(crashed / "jdih.db")
    try:
        found = reopened.execute("SELECT count(*), min(user_id), max(user_id) FROM pending_inputs")
        assert found.fetchone() == (1_500, 1, 1_500)
    finally:
        reopened.close()


async def test_dispose_waits_for_the_checkpoint_in_progress_and_closes_its_connection(
    sqlite_file: Path,
) -> None:
    policy = CheckpointPolicy(every_writes=5)
    engine = create_engine(f"sqlite+aiosqlite:///{sqlite_file}", checkpoints=policy)
    checkpointer = await _checkpointer(engine)
    factory = session_factory(engine)
    await _ask_many(factory, 1, 4)
    await _ask_notes(factory, 5)  # the fifth write starts a checkpoint; dispose comes at once
    assert checkpointer.running
    await engine.dispose()
    assert not checkpointer.running and checkpointer.runs >= 1
    # every connection closed, the checkpointer's last: it copied the WAL and removed it
    assert not sqlite_file.with_name(sqlite_file.name + "-wal").exists()
    # the engine still works after dispose, and dispose is clean again
    await _ask_many(factory, 6, 5)
    await engine.dispose()
    assert not checkpointer.running
    assert not sqlite_file.with_name(sqlite_file.name + "-wal").exists()
