"""Telegram's flood limits, kept while sending: PTB's AIORateLimiter holds the bot to about
30 messages a second overall and 20 a minute per group, and honours RetryAfter; it has no
limit per private chat, where Telegram asks for about one message a second. A card with its
preview and files is a short burst, so each private chat may burst a few before the pace
applies.

Replies to non-members have a budget of their own (OUTSIDER_RATE a second, taken from
Telegram's overall 30): they never wait behind members' messages nor make members wait, and
one that finds the budget spent is dropped rather than queued (OutsiderReplyDropped)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter, ExtBot

Result = bool | dict[str, Any] | list[dict[str, Any]]
PRIVATE_BURST = 5  # messages a private chat may receive at once
PRIVATE_PERIOD = 5.0  # seconds over which the burst refills: one a second on average
_MAX_IDLE_LIMITERS = 512
OUTSIDER_RATE = 1  # replies to non-members a second, on average
OUTSIDER_BURST = 5  # ... and at once
# AIORateLimiter's rate_limit_args is a retry count; -1, never a count, marks an outsider reply.
OUTSIDER_REPLY = -1


class OutsiderReplyDropped(Exception):
    """The budget for replies to non-members is spent: this one is not sent."""


class OfficeRateLimiter(AIORateLimiter):
    def __init__(
        self,
        *,
        private_burst: int = PRIVATE_BURST,
        private_period: float = PRIVATE_PERIOD,
        max_retries: int = 3,
    ) -> None:
        # Members keep Telegram's overall rate less what non-members' replies may use.
        super().__init__(
            overall_max_rate=FloodLimit.MESSAGES_PER_SECOND - OUTSIDER_RATE,
            max_retries=max_retries,
        )
        self._outsiders = AsyncLimiter(OUTSIDER_BURST, OUTSIDER_BURST / OUTSIDER_RATE)
        self._private_burst = private_burst
        self._private_period = private_period
        self._private: dict[int, AsyncLimiter] = {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        if rate_limit_args == OUTSIDER_REPLY:
            return await self._outsider_reply(callback, args, kwargs)
        async with self._private_limiter(data.get("chat_id")) or contextlib.nullcontext():
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    async def _outsider_reply(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> Result:
        """Sent now, or not at all; no retries (a "retry after" simply drops it)."""
        if not self._outsiders.has_capacity():
            raise OutsiderReplyDropped
        await self._outsiders.acquire()
        return await callback(*args, **kwargs)

    def _private_limiter(self, chat_id: object) -> AsyncLimiter | None:
        try:
            chat = int(chat_id)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None
        if chat <= 0:
            return None  # groups and channels: AIORateLimiter's group limit applies
        if len(self._private) > _MAX_IDLE_LIMITERS:
            # Forget chats whose burst has refilled: they are idle.
            for key, idle in list(self._private.items()):
                if idle.has_capacity(self._private_burst):
                    del self._private[key]
        if chat not in self._private:
            self._private[chat] = AsyncLimiter(self._private_burst, self._private_period)
        return self._private[chat]


def outsider_reply(bot: Bot) -> dict[str, Any]:
    """The keyword that sends a reply to a non-member on their own budget (none without a
    rate limiter, e.g. in tests: PTB refuses rate_limit_args then)."""
    if isinstance(bot, ExtBot) and isinstance(bot.rate_limiter, OfficeRateLimiter):
        return {"rate_limit_args": OUTSIDER_REPLY}
    return {}
