"""One bot per database and per token.

The database: a lock the operating system or the database server lets go of when the process
dies, so a crashed bot never blocks the next start and no heartbeat or stale-lock guessing is
needed.
- SQLite: an exclusive `flock` on a file beside the database (`jdih.db.lock`; never the
  database file itself: closing any descriptor of it would drop SQLite's own POSIX locks).
  The kernel releases it when the process exits, however it exits.
- PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) held by a connection of its own
  for the bot's whole run. The server releases it when that connection ends, and a killed
  process's connection ends with it. Advisory locks are per database, so two offices' bots on
  one server do not meet. A watchdog looks at the connection every minute: if it was lost (the
  server restarted), the lock is taken again, and if another bot took it meanwhile, this one
  stops.

The token: Telegram serves one getUpdates at a time; a newer one ends the one it holds with
409 Conflict ("terminated by other getUpdates request"). `ConflictWatch` tells the newcomer
(its very first getUpdates is ended that way) from the bot already running (which has polled
before and hears the newcomer once): the newcomer stops with a message, the other keeps
serving, and stops too only if the conflicts go on (something else keeps polling).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from telegram import Bot, Update
from telegram.error import Conflict
from telegram.ext import Updater

log = logging.getLogger(__name__)

EXIT_ANOTHER_INSTANCE = 3  # the unit's RestartPreventExitStatus: restarting would not help
# Every bot of this project uses the same advisory key (per database): the first 8 bytes of
# a hash of its name, as a signed 64-bit number.
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"jdih-bot instance").digest()[:8], "big", signed=True)
WATCHDOG_INTERVAL_S = 60.0
# The bot already polling stops too when conflicts go on: this many within the window.
CONFLICTS_TO_GIVE_UP = 10
CONFLICT_WINDOW_S = 300.0


class AnotherInstance(Exception):
    """Another bot runs on the same database or with the same token; the message says which
    and what to do."""


def _me() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


class InstanceLock:
    """Held from the bot's start until it stops; `acquire` raises AnotherInstance."""

    async def release(self) -> None:
        raise NotImplementedError

    @staticmethod
    async def acquire(
        database_url: str, since: datetime, on_lost: Callable[[AnotherInstance], None]
    ) -> InstanceLock:
        """Take the lock for the database at `database_url` (`since`: now, written down for
        the next bot's refusal). `on_lost` is called if a PostgreSQL lock cannot be kept: the
        bot should then stop."""
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                return _NoLock()  # a private in-memory database: nobody else can open it
            return _FileLock.take(Path(url.database + ".lock"), since)
        lock = _AdvisoryLock(database_url, on_lost)
        await lock.take()
        return lock


class _NoLock(InstanceLock):
    async def release(self) -> None:
        return None


class _FileLock(InstanceLock):
    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def take(cls, path: Path, since: datetime) -> _FileLock:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            raise AnotherInstance(
                f"bot lain sudah berjalan pada basis data ini / another bot already runs on "
                f"this database ({holder}; lock file {path}). Stop it first; only one bot may "
                f"use a database."
            ) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{_me()}, since {since.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC\n".encode(), 0)
        return cls(path, fd)

    async def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class _AdvisoryLock(InstanceLock):
    def __init__(self, database_url: str, on_lost: Callable[[AnotherInstance], None]) -> None:
        # A connection of its own, outside the bot's pool, named so that the other bot's
        # refusal can say who holds the lock.
        self._engine: AsyncEngine = create_async_engine(
            database_url,
            poolclass=NullPool,
            connect_args={"server_settings": {"application_name": f"jdih-bot ({_me()})"[:63]}},
        )
        self._connection: AsyncConnection | None = None
        self._on_lost = on_lost
        self._watchdog: asyncio.Task[None] | None = None

    async def take(self) -> None:
        try:
            await self._take()
        except BaseException:
            await self._engine.dispose()
            raise
        self._watchdog = asyncio.create_task(self._watch(), name="instance-lock-watchdog")

    async def _take(self) -> None:
        connection = await self._engine.connect()
        try:
            # autocommit: the lock is the session's, not a transaction's
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            taken = (
                await connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
                )
            ).scalar()
            if not taken:
                holder = await _holder(connection)
                raise AnotherInstance(
                    f"bot lain sudah berjalan pada basis data ini / another bot already runs "
                    f"on this database ({holder}). Stop it first; only one bot may use a "
                    f"database."
                )
        except BaseException:
            await connection.close()
            raise
        self._connection = connection

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCHDOG_INTERVAL_S)
            try:
                assert self._connection is not None
                await self._connection.execute(text("SELECT 1"))
                continue
            except Exception as exc:
                log.warning("instance lock: its connection was lost (%s); taking it again", exc)
            with contextlib.suppress(Exception):
                assert self._connection is not None
                await self._connection.close()
            self._connection = None
            try:
                await self._take()
                log.info("instance lock: taken again")
            except AnotherInstance as exc:
                self._on_lost(exc)
                return
            except Exception as exc:  # the server is still away: try at the next look
                log.warning("instance lock: cannot take it again yet (%s)", exc)

    async def release(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY}
                )
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        await self._engine.dispose()


async def _holder(connection: AsyncConnection) -> str:
    """Who holds the advisory lock, as far as the server tells (application name, address,
    since when)."""
    high, low = (ADVISORY_KEY >> 32) & 0xFFFFFFFF, ADVISORY_KEY & 0xFFFFFFFF
    try:
        row = (
            await connection.execute(
                text(
                    "SELECT a.application_name, a.client_addr, a.backend_start "
                    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.classid::bigint = :high AND l.objid::bigint = :low "
                    "AND l.database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database())"
                ),
                {"high": high, "low": low},
            )
        ).first()
    except Exception:  # the view may be restricted: the refusal stands without the details
        return "holder unknown"
    if row is None:
        return "holder unknown"
    name, address, since = row
    where = f" from {address}" if address else ""
    return f"{name or 'a connection'}{where}, since {since:%Y-%m-%d %H:%M:%S %Z}"


class ConflictWatch:
    """Hears every getUpdates of the updater: a 409 Conflict on the first one means another
    bot polls with this token and was here first; `stop` is called with the reason."""

    def __init__(self, stop: Callable[[AnotherInstance], None]) -> None:
        self._stop = stop
        self.polls = 0  # getUpdates answered without a conflict
        self._conflicts: deque[float] = deque()
        self.stopped: AnotherInstance | None = None

    def polled(self) -> None:
        self.polls += 1

    def conflict(self, error: Conflict) -> None:
        if self.stopped is not None:
            return
        now = time.monotonic()
        self._conflicts.append(now)
        while self._conflicts and self._conflicts[0] < now - CONFLICT_WINDOW_S:
            self._conflicts.popleft()
        if self.polls and len(self._conflicts) < CONFLICTS_TO_GIVE_UP:
            log.warning(
                "Telegram: another getUpdates with this bot's token (%s); this bot keeps "
                "polling. Is a second copy starting somewhere?",
                error.message,
            )
            return
        self.stopped = AnotherInstance(
            "bot lain sedang menerima pembaruan dengan token yang sama / another bot is "
            f"receiving updates with this token (Telegram: {error.message}). Only one copy may "
            "run per token: stop the other copy (another server, a laptop, a container), or "
            "give this one its own bot token."
        )
        self._stop(self.stopped)


class _ConflictWatchingBot:
    """The bot as the updater sees it: each getUpdates is reported to the watch."""

    def __init__(self, bot: Bot, watch: ConflictWatch) -> None:
        self._bot = bot
        self._watch = watch

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        try:
            updates = await self._bot.get_updates(*args, **kwargs)
        except Conflict as exc:
            self._watch.conflict(exc)
            raise
        self._watch.polled()
        return updates

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bot, name)


def watch_conflicts(updater: Updater | None, watch: ConflictWatch) -> None:
    """Let `watch` hear every getUpdates of the updater (PTB has no hook for it)."""
    if updater is not None:
        updater.bot = cast(Bot, _ConflictWatchingBot(updater.bot, watch))
