"""A database that goes away while the bot runs (PostgreSQL restarted, the network to it cut,
the SQLite file's disk failing): the bot waits for it, says so, and loses nothing.

Whoever meets the database missing tells the `DatabaseWatch` (`unavailable(exc, where)`,
which also says whether that is what the error was). The first report logs it, counts an
outage (/metrics) and starts one probe that tries `SELECT 1` with a growing pause (1 s up to
MAX_PAUSE_S), logging each try; everyone else waits on `back()`. Once the probe is answered,
the watch logs how long it took and calls `on_back` (the wiring: the admins are owed an alarm
through the outbox, the sender and the reminders are woken, updates held are handled).

What waits meanwhile:
- the inbox (bot/delivery/inbox.py) does not let the updater ask Telegram for more: an update
  Telegram was not yet told we have is only acknowledged once it is written down;
- an update whose handling failed on the database before it committed anything is held and
  handled again once the database is back (the member is told it will be); its inbox row
  was never marked done, so even a restart meanwhile handles it;
- the outbox sender waits, then delivers what is owed; the reminder scheduler retries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exc as sa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackContext

from bot import texts
from bot.delivery.inbox import database_failed_the_update
from bot.domain.clock import Clock
from bot.service.owed import add_outbox
from bot.service.payloads import Notice, NoticeKind
from storage.uow import SessionFactory, UnitOfWork

log = logging.getLogger(__name__)

FIRST_PAUSE_S = 1.0
MAX_PAUSE_S = 30.0
PROBE_TIMEOUT_S = 10.0
# SQLSTATE classes that mean "no database to talk to", not "this statement is wrong":
# 08 connection exception, 53 insufficient resources (too many connections), 57 operator
# intervention (shutdown, cannot connect now); 55000: the database refuses connections.
_AWAY_STATES = ("08", "53", "57")


def is_unavailable(error: BaseException | None) -> bool:
    """Does this error mean the database cannot be reached (as opposed to a bug or bad
    data)? Looks through the chain of causes: SQLAlchemy wraps the driver's error."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError | TimeoutError | sa.TimeoutError):
            return True
        if isinstance(error, sa.DBAPIError) and (
            error.connection_invalidated
            or isinstance(error, sa.OperationalError | sa.InterfaceError)
        ):
            return True
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if isinstance(state, str) and (state.startswith(_AWAY_STATES) or state == "55000"):
            return True
        if type(error).__name__ in ("ConnectionDoesNotExistError", "InterfaceError"):
            return True  # asyncpg's own, when the connection went while in use
        nested = getattr(error, "orig", None)
        error = nested if isinstance(nested, BaseException) else error.__cause__
    return False


class DatabaseWatch:
    def __init__(
        self,
        probe: Callable[[], Awaitable[None]],  # raises while the database is away
        clock: Clock,
        *,
        on_lost: Callable[[], None] = lambda: None,
        on_back: Callable[[datetime, timedelta], Awaitable[None]] | None = None,
    ) -> None:
        self._probe_once = probe
        self._clock = clock
        self._on_lost = on_lost
        self.on_back = on_back  # (when it went, how long it was away): set by the wiring
        self._up = asyncio.Event()
        self._up.set()
        self._probe: asyncio.Task[None] | None = None
        self.since: datetime | None = None  # when it went away (the injected clock)

    @property
    def down(self) -> bool:
        return not self._up.is_set()

    def unavailable(self, error: BaseException | None, where: str) -> bool:
        """Tell the watch what `where` met; True when it was the database being away (the
        caller then waits on `back()`), False for any other error (the caller's to handle)."""
        if error is None or not is_unavailable(error):
            return False
        if self._up.is_set():
            self._up.clear()
            self.since = self._clock.now()
            log.error(
                "database unreachable (%s: %s); retrying until it is back", where, _short(error)
            )
            self._on_lost()
            self._probe = asyncio.create_task(self._wait_for_it(), name="database-probe")
        else:
            log.info("database still unreachable (%s)", where)
        return True

    async def back(self) -> None:
        """Returns once the database answers again (at once when it was never away)."""
        await self._up.wait()

    async def stop(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            await asyncio.gather(self._probe, return_exceptions=True)
            self._probe = None

    async def _wait_for_it(self) -> None:
        pause, tries, began = FIRST_PAUSE_S, 0, time.monotonic()
        while True:
            await asyncio.sleep(pause)
            tries += 1
            try:
                async with asyncio.timeout(PROBE_TIMEOUT_S):
                    await self._probe_once()
                break
            except Exception as exc:
                pause = min(pause * 2, MAX_PAUSE_S)
                log.warning(
                    "database still unreachable (try %d: %s); next try in %g s",
                    tries,
                    _short(exc),
                    pause,
                )
        away = timedelta(seconds=time.monotonic() - began)
        since = self.since or self._clock.now()
        log.warning("database reachable again after %.0f s (%d tries)", away.total_seconds(), tries)
        self._up.set()
        self._probe = None
        if self.on_back is not None:
            try:
                await self.on_back(since, away)
            except Exception:
                log.exception("database back: could not resume everything")


def select_one(engine: AsyncEngine) -> Callable[[], Awaitable[None]]:
    """The probe: a new or pooled connection answers `SELECT 1`."""

    async def probe() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return probe


def _short(error: BaseException) -> str:
    first = str(error).strip().splitlines()
    return f"{type(error).__name__}: {first[0] if first else ''}"[:200]


async def on_handler_error(update: object, context: CallbackContext) -> None:  # type: ignore[type-arg]
    """An error handler before the last-resort one: a handler that failed because the
    database is away is not reported as a bug; its update is held to be handled again once
    the database is back, and the member is told so."""
    watch = context.bot_data.get(WATCH_KEY)
    if not isinstance(watch, DatabaseWatch) or not isinstance(update, Update):
        return
    where = f"update {update.update_id}"
    if not watch.unavailable(context.error, where):
        return
    database_failed_the_update()
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.DATABASE_AWAY_REPLY, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(texts.DATABASE_AWAY_REPLY)
    except TelegramError as exc:  # answered already (the press's toast), or Telegram away too
        log.info("could not tell the member the database is away: %s", exc)
    raise ApplicationHandlerStop


WATCH_KEY = "database_watch"  # bot_data: the running bot's watch


async def owe_database_alarm(
    factory: SessionFactory,
    admins: Iterable[int],
    now: datetime,
    since: datetime,
    away: timedelta,
    zone: ZoneInfo,
) -> int:
    """The admins are told, through the outbox like any message, that the database was
    away (written once it is back: before, there was nowhere to write it); returns how many."""
    chats = sorted(set(admins))
    if not chats:
        log.warning("the database was away and there is no admin: nobody to tell")
        return 0
    minutes = max(round(away.total_seconds() / 60), 1)
    span = texts.DATABASE_AWAY_SPAN.format(
        since=texts.fmt_moment(since, zone), duration=texts.fmt_duration(minutes, working=False)
    )
    notice = Notice(NoticeKind.DATABASE_AWAY, code="-", title="-", name="-", reason=span)
    async with UnitOfWork(factory) as uow:
        for chat_id in chats:
            add_outbox(uow.repo, now, chat_id, None, notice)
        await uow.commit()
    return len(chats)
