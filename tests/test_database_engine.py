"""The engine's connections (storage/database.py, storage/sqlite_inline.py): on SQLite the
statements run on the event loop without a thread, and a lock another process holds (a backup,
the report CLI, a second bot starting) is waited for without stopping the loop, then reported as
"database is locked" as before; on either database a burst of units of work shares the pool's
connections instead of opening and closing more."""

from __future__ import annotations

import asyncio
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
