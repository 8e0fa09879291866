"""WAL checkpoints off the event loop, for the inline connections (storage/sqlite_inline.py).

SQLite copies a WAL database's committed pages back into the database file itself (a
checkpoint), in the connection whose COMMIT took the WAL past 1,000 pages
(`wal_autocheckpoint`). Run inline, that COMMIT stalls the whole loop (~17 ms, once in about
a thousand pages written). The inline connections turn it off (`PRAGMA wal_autocheckpoint=0`);
an engine's `Checkpointer` counts the commits that wrote on any of its connections and, every
`every_writes` of them, checkpoints in a worker thread, on a plain sqlite3 connection of its
own, in PASSIVE mode: it copies what it can without the write lock and without waiting for a
reader (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html). Never two at once.

PASSIVE alone does not bound the WAL under a steady stream of writes: SQLite starts the WAL
over only when a write begins with every frame already copied, and the frames written while the
checkpoint ran are not (measured: 173 MB of WAL after 20,000 small commits). So when a
checkpoint finds the WAL past `hold_frames`, this engine's next write transactions wait
(asynchronously: the rest of the loop runs on) while one more PASSIVE checkpoint copies the few
frames written meanwhile; the write after it starts the WAL from the beginning. SQLite's own
autocheckpoint makes the committing connection, and so the whole loop, wait for all of it.

A crash between checkpoints loses nothing: a commit is in the WAL, which the next connection
to open the database reads (https://www.sqlite.org/wal.html).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.util import await_
from sqlalchemy.util.concurrency import in_greenlet

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckpointPolicy:
    # SQLite's default is a checkpoint per 1,000 pages; a unit of work of the bot writes a few
    # pages (a row, its indexes, the outbox), so about as often.
    every_writes: int = 200
    # ~8 MB of 4 KiB pages: past this, writers wait for a checkpoint to catch up (see above).
    hold_frames: int = 2_000


class Checkpointer:
    """Checkpoints one database file's WAL for an engine's inline connections; see the module's
    docstring. `wrote` and `writable` are called on the loop, by the connections."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], policy: CheckpointPolicy):
        self._connect = connect
        self.policy = policy
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # the connection: one checkpoint at a time, then close
        self._task: asyncio.Task[None] | None = None
        self._writes = 0  # commits that wrote since the last checkpoint began
        self._closing = False
        self.holding: asyncio.Event | None = None  # set when the held writers may go on
        # what an operator (and a test) may look at
        self.runs = 0
        self.holds = 0
        self.threads: set[int] = set()  # the threads the checkpoints ran in

    @property
    def running(self) -> bool:
        """A checkpoint was started and has not finished."""
        return self._task is not None

    def wrote(self) -> None:
        """A commit on one of the engine's connections wrote to the WAL."""
        self._writes += 1
        if self._writes >= self.policy.every_writes and self._task is None and not self._closing:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def writable(self) -> None:
        """Returns once no checkpoint holds the writers back."""
        while self.holding is not None:
            await self.holding.wait()

    async def _run(self) -> None:
        try:
            self._writes = 0
            frames = await asyncio.to_thread(self._checkpoint)
            if frames >= self.policy.hold_frames and not self._closing:
                self.holds += 1
                self.holding = asyncio.Event()
                try:
                    # a write transaction already begun may still commit meanwhile: then the
                    # WAL is not restarted this time, and the next checkpoint holds again
                    await asyncio.to_thread(self._checkpoint)
                finally:
                    released, self.holding = self.holding, None
                    released.set()
        except Exception:  # the writers keep working; the next commits try again
            log.exception("WAL checkpoint failed")
        finally:
            self._task = None

    def _checkpoint(self) -> int:
        """In a worker thread: a PASSIVE checkpoint; the frames the WAL held."""
        with self._lock:
            self.threads.add(threading.get_ident())
            self.runs += 1
            if self._connection is None:
                self._connection = self._connect()
            row = self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            # (1, -1, -1) when another connection was checkpointing: nothing known
            return max(int(row[1]), 0)

    def _close(self) -> None:
        with self._lock:  # after the checkpoint in progress, if any
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    async def close(self) -> None:
        """Waits for the checkpoint in progress and closes the connection, in a worker thread
        (the last connection to the database to close checkpoints the whole WAL). The
        checkpointer starts again at the next commits if the engine is used again."""
        self._closing = True
        try:
            while self._task is not None:
                await asyncio.wait({self._task})
            await asyncio.to_thread(self._close)
        finally:
            self._closing = False

    def close_from_engine(self) -> None:
        """For the engine's `engine_disposed` event: `AsyncEngine.dispose()` runs it in
        SQLAlchemy's greenlet, where `close` can be awaited; a synchronous `dispose()` waits for
        the checkpoint's thread instead."""
        if in_greenlet():
            await_(self.close())
        else:
            self._close()
