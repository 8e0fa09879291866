"""Waiting until the bot has nothing in hand: every update it fetched is handled (the inbox,
and for a bot in this process its update processor) and every message it can still send is
delivered (the outbox; failed rows stay failed). The server going quiet is not enough: both
work between API calls.

Two things make "nothing in hand" hold when it is read:

* **One snapshot.** A decision writes the messages it owes and marks its update done in one
  commit. On PostgreSQL (read committed) each statement sees the commits made before it
  began, so an outbox count and an inbox count read one after the other could straddle that
  commit: the outbox read before it (nothing owed), the inbox after it (nothing open), and a
  decision whose confirmation was still to be sent looked settled. Both are counted by one
  statement.
* **The update processor first.** An update is marked done by its use case's commit, and its
  handler may go on after it (a reply, the question it asked recorded, older buttons taken
  off). So the processor is asked before the database is read: when it holds nothing, every
  update the bot acknowledged has either finished (all its commits are in the snapshot) or
  not started (its inbox row is still open in the snapshot).
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application

from localbotapi import LocalBotApi
from storage.models import InboxUpdate, OutboxMessage

SETTLE_S = 10.0
_POLL_S = 0.02  # between looks while the bot still has something in hand
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def unsettled(engine: AsyncEngine) -> list[str]:
    """What the bot still has in the database, in words; [] when nothing. One statement: the
    outbox and the inbox as of one moment (see above)."""
    owed = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.failed_at.is_(None))
        .scalar_subquery()
    )
    open_updates = (
        select(func.count())
        .select_from(InboxUpdate)
        .where(InboxUpdate.done_at.is_(None))
        .scalar_subquery()
    )
    async with engine.connect() as connection:
        counts = (await connection.execute(select(owed, open_updates))).one()
    busy: list[str] = []
    if counts[0]:
        busy.append(f"{counts[0]} outbox row(s) undelivered")
    if counts[1]:
        busy.append(f"{counts[1]} update(s) not finished")
    return busy


def in_hand(app: AnyApplication) -> int:
    """Updates the application holds: queued for its processor or being handled (a handler
    goes on after the commit that marked its update done)."""
    return app.update_queue.qsize() + app.update_processor.current_concurrent_updates


async def wait_settled(
    server: LocalBotApi,
    engine: AsyncEngine,
    app: AnyApplication | None = None,
    *,
    seconds: float = SETTLE_S,
) -> None:
    """Until the bot is idle and has nothing in hand. `app`: the bot's application when it
    runs in this process (its handlers are then waited for too); a bot in a process of its
    own is judged by the server and the database alone."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        await server.wait_idle(timeout=seconds)
        # the processor before the database, never after (see the module's docstring)
        handling = in_hand(app) if app is not None else 0
        busy = await unsettled(engine)
        if handling:
            busy.append(f"{handling} update(s) in the bot's hands")
        if not busy:
            return
        if loop.time() > deadline:
            raise AssertionError(f"the bot did not settle in {seconds}s: {busy}")
        await asyncio.sleep(_POLL_S)
