"""Waiting out a quiet spell, for "and nothing else was sent" where the bot keeps no record
of the work to wait for (a non-member's updates are never written to the inbox)."""

from __future__ import annotations

import asyncio

from localbotapi import LocalBotApi


async def nothing_more_to(server: LocalBotApi, chat_id: int, *, seconds: float = 1.0) -> None:
    """No request naming `chat_id` (sent, failed or held) for `seconds` of real time."""
    before = _requests_to(server, chat_id)
    await asyncio.sleep(seconds)
    after = _requests_to(server, chat_id)
    assert after == before, f"sent to {chat_id} meanwhile: {after[len(before) :]}"


def _requests_to(server: LocalBotApi, chat_id: int) -> list[str]:
    return [m for m, p in server.requests if str(p.get("chat_id")) == str(chat_id)]
