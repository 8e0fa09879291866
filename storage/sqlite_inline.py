"""SQLite connections whose statements run on the event loop itself, for SQLAlchemy's aiosqlite
dialect (`create_async_engine(..., async_creator=...)`).

aiosqlite gives every connection a thread and hands each call to it through a queue, then
wakes the loop with the result: about 250 µs of hand-offs per unit of work, against the ~8 µs
SQLite spends on a one-row read (docs/performance.md). `InlineConnection` is an
`aiosqlite.Connection` that never starts its thread: each call runs at once, in the loop's
thread. The dialect drives it unchanged.

Running inline, the loop must never sit in SQLite's busy handler while another process (a
backup, the report CLI, a second bot starting) holds the lock: the connection's busy timeout
is 0, and a call SQLite refused with SQLITE_BUSY is retried after an asynchronous sleep,
within the same budget the busy timeout gave (then the same "database is locked" error).
A call is retried only where SQLite did nothing and says it may be retried
(https://www.sqlite.org/rescode.html#busy): a statement outside a transaction (BEGIN
IMMEDIATE among them: refused, it opens none), the first statement after a deferred BEGIN
(no lock taken yet), and COMMIT (the transaction stays open, intact).

SQLite's automatic WAL checkpoint would run inline too, stalling the loop: on a database file,
the connections leave it to a `Checkpointer` (storage/sqlite_checkpoint.py), which runs it in a
worker thread, and they tell it of each commit that wrote.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Generator
from typing import Any

import aiosqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.sqlite_checkpoint import Checkpointer, CheckpointPolicy

FIRST_PAUSE_S = 0.001
LONGEST_PAUSE_S = 0.05
# the calls of the aiosqlite connection and cursor that run one statement
_STATEMENTS = frozenset({"execute", "executemany"})


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY (any extended code): another connection holds the lock SQLite needed."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.OperationalError) and code is not None and code & 0xFF == 5


def _opens_write(sql: object) -> bool:
    words = str(sql).split(maxsplit=2)
    return (
        len(words) >= 2
        and words[0].upper() == "BEGIN"
        and words[1].upper() in ("IMMEDIATE", "EXCLUSIVE")
    )


def _opens_deferred(sql: object) -> bool:
    words = str(sql).split()
    return (
        len(words) >= 1
        and words[0].upper() == "BEGIN"
        and not any(word.upper() in ("IMMEDIATE", "EXCLUSIVE") for word in words[1:2])
    )


class _RunNow:
    """Stands in for aiosqlite's queue to its thread: what is put runs at once, here.
    (SQLAlchemy's dialect puts its isolation-level call on that queue itself.)"""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # handed to the waiter, as the thread does
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection without its thread; see the module's docstring."""

    def __init__(
        self,
        connector: Callable[[], sqlite3.Connection],
        busy_budget: float,
        checkpointer: Checkpointer | None = None,
    ) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]
        self.busy_budget = busy_budget
        self.checkpointer = checkpointer
        self._fresh = False  # a deferred BEGIN ran and nothing since: no lock is held
        self._changes = 0  # the connection's total_changes when it last told the checkpointer
        self.waits = 0  # calls SQLite refused as busy and that were tried again

    def __await__(self) -> Generator[Any, None, InlineConnection]:  # never starts the thread
        return self._open().__await__()

    async def _open(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        connection = self._connection
        before = connection.in_transaction
        name = getattr(fn, "__name__", "")
        retry = (name in _STATEMENTS and (not before or self._fresh)) or (
            name == "commit" and before
        )
        checkpointer = self.checkpointer
        if checkpointer is not None and checkpointer.holding is not None:
            if name in _STATEMENTS and not before and args and _opens_write(args[0]):
                await checkpointer.writable()
                if self._connection is not connection:  # closed while it waited
                    raise ValueError("Connection closed")
        deadline = 0.0
        pause = FIRST_PAUSE_S
        while True:
            try:
                result = fn(*args, **kwargs)
            except sqlite3.OperationalError as exc:
                if not (retry and is_busy(exc)):
                    self._fresh = False
                    raise
                now = time.monotonic()
                if not deadline:
                    deadline = now + self.busy_budget
                if now >= deadline:
                    raise
                self.waits += 1
                await asyncio.sleep(min(pause, deadline - now))
                pause = min(pause * 2, LONGEST_PAUSE_S)
                if self._connection is not connection:  # closed while it waited
                    raise
                continue
            self._fresh = (
                name in _STATEMENTS
                and not before
                and connection.in_transaction
                and bool(args)
                and _opens_deferred(args[0])
            )
            if checkpointer is not None and name != "close" and not connection.in_transaction:
                changes = connection.total_changes  # rows written: the WAL has grown
                if changes != self._changes:
                    self._changes = changes
                    checkpointer.wrote()
            return result


class InlineCreator:
    """`async_creator` for `create_async_engine`: an inline connection opened with pysqlite's
    arguments for the URL, which the engine's own dialect works out (`create_connect_args`)
    once the engine exists, before its first connection (`use_arguments_of`)."""

    def __init__(self, busy_budget: float, checkpoints: CheckpointPolicy | None = None) -> None:
        self.busy_budget = busy_budget
        self._args: tuple[Any, ...] = ()
        self._kwargs: dict[str, Any] = {}
        # for a database file (an in-memory one has no WAL)
        self.checkpointer = (
            None if checkpoints is None else Checkpointer(self._connect_checkpoints, checkpoints)
        )

    def use_arguments_of(self, engine: AsyncEngine) -> None:
        args, kwargs = engine.sync_engine.dialect.create_connect_args(engine.sync_engine.url)
        self._args = tuple(args)
        self._kwargs = {**kwargs, "timeout": 0, "check_same_thread": False}

    def _connect(self) -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(*self._args, **self._kwargs)
        return connection

    def _connect_checkpoints(self) -> sqlite3.Connection:
        # used in a worker thread, where waiting is harmless: a PASSIVE checkpoint never waits
        # for a lock, but the schema it reads first might (while SQLite recovers a WAL)
        kwargs = {**self._kwargs, "isolation_level": None, "timeout": 1.0}
        connection: sqlite3.Connection = sqlite3.connect(*self._args, **kwargs)
        return connection

    async def __call__(self) -> InlineConnection:
        connection = InlineConnection(self._connect, self.busy_budget, self.checkpointer)
        return await connection._open()
