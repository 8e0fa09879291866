"""The engine and sessions. SQLite (WAL, BEGIN IMMEDIATE for a unit of work that may write, a
deferred BEGIN for one that only reads; statements run on the event loop, storage/sqlite_inline.py,
WAL checkpoints in a worker thread, storage/sqlite_checkpoint.py) or PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from storage.sqlite_checkpoint import Checkpointer, CheckpointPolicy
from storage.sqlite_inline import InlineCreator
from storage.uow import READ_ONLY, SessionFactory

# How long a statement waits for another process's lock (a backup, the report CLI, a second
# bot starting) before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15_000
# SQLite has one writer, and a unit of work run inline never lets go of the loop unless it
# awaits something else: one connection serves them all, in turn. The second is for a unit of
# work that waits on something outside the database while it holds the first (a read that
# stays open across an await), so that the others are not stuck behind it.
SQLITE_POOL_SIZE = 2
# PostgreSQL: the connections a burst of units of work shares, none opened and closed per burst.
POSTGRES_POOL_SIZE = 10


def create_engine(
    url: str,
    *,
    inline: bool = True,
    busy_budget: float | None = None,
    checkpoints: CheckpointPolicy | None = None,
    **kwargs: Any,
) -> AsyncEngine:
    """An async engine for `url`; SQLite gets the settings that make concurrent writers safe.

    SQLite statements run on the event loop (`inline`, storage/sqlite_inline.py); a lock held
    by another process is waited for asynchronously, at most `busy_budget` seconds (15 s); the
    WAL of a database file is checkpointed in a worker thread as `checkpoints` says
    (storage/sqlite_checkpoint.py), until `dispose()`, which waits for it.
    `inline=False` keeps aiosqlite's thread per connection (the benchmark compares them)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if "poolclass" not in kwargs:
            kwargs.setdefault("pool_size", POSTGRES_POOL_SIZE)
            kwargs.setdefault("max_overflow", 0)
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
    file_db = bool(parsed.database) and parsed.database != ":memory:"
    if file_db:
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
    budget = SQLITE_BUSY_TIMEOUT_MS / 1000 if busy_budget is None else busy_budget
    if not inline:
        engine = create_async_engine(url, connect_args={"timeout": budget}, **kwargs)
        _configure_sqlite(engine, busy_timeout_ms=round(budget * 1000))
        return engine
    if file_db and "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
        kwargs.setdefault("max_overflow", 0)
    creator = InlineCreator(budget, (checkpoints or CheckpointPolicy()) if file_db else None)
    engine = create_async_engine(url, async_creator=creator, **kwargs)
    creator.use_arguments_of(engine)
    _configure_sqlite(engine, busy_timeout_ms=0, checkpointer=creator.checkpointer)
    return engine


def _configure_sqlite(
    engine: AsyncEngine, *, busy_timeout_ms: int, checkpointer: Checkpointer | None = None
) -> None:
    # pysqlite's own transaction handling defers BEGIN until the first write, so a read then a
    # write can fail with SQLITE_BUSY at once; we emit BEGIN IMMEDIATE ourselves instead. A
    # unit of work that only reads says so (storage/uow.py): its plain BEGIN reads a snapshot
    # in WAL mode without waiting for the writer in progress.
    # https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if checkpointer is not None:  # not in the COMMIT that crosses 1,000 pages, on the loop
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    if checkpointer is not None:
        # after the pool closed its connections: the checkpointer's, closed last, in a worker
        # thread, checkpoints what is left of the WAL
        @event.listens_for(engine.sync_engine, "engine_disposed")
        def _on_dispose(_engine: Any) -> None:
            checkpointer.close_from_engine()


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False)
