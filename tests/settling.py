"""Waiting until the bot has nothing in hand: every update it fetched is handled (the inbox)
and every message it can still send is delivered (the outbox; failed rows stay failed). The
server going quiet is not enough: both work between API calls."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from localbotapi import LocalBotApi
from storage.models import InboxUpdate, OutboxMessage

SETTLE_S = 10.0


async def unsettled(engine: AsyncEngine) -> list[str]:
    """What the bot still has in hand, in words; [] when nothing."""
    busy: list[str] = []
    async with engine.connect() as connection:
        owed = await connection.execute(
            select(func.count()).where(
                OutboxMessage.delivered_at.is_(None), OutboxMessage.failed_at.is_(None)
            )
        )
        if count := owed.scalar_one():
            busy.append(f"{count} outbox row(s) undelivered")
        open_updates = await connection.execute(
            select(func.count()).where(InboxUpdate.done_at.is_(None))
        )
        if count := open_updates.scalar_one():
            busy.append(f"{count} update(s) not finished")
    return busy


async def wait_settled(server: LocalBotApi, engine: AsyncEngine) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_S
    while True:
        await server.wait_idle(timeout=SETTLE_S)
        busy = await unsettled(engine)
        if not busy:
            return
        if loop.time() > deadline:
            raise AssertionError(f"the bot did not settle in {SETTLE_S}s: {busy}")
        await asyncio.sleep(0.02)
