"""Answering a button press exactly once, and in time.

Telegram shows a progress bar until the press is answered and refuses answers after about
15 s. The outcome of a decision is known within milliseconds, so it is normally the answer;
should the database be slow, a "being processed" toast goes out after PATIENCE seconds and
a refusal found later reaches the member as a private message instead of an alert.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType

from telegram import Bot, CallbackQuery
from telegram.error import BadRequest, TelegramError

from bot import texts

log = logging.getLogger(__name__)

PATIENCE = 1.0  # seconds a press may wait for its outcome before it is answered anyway


def is_expired_query(exc: TelegramError) -> bool:
    """The press is older than Telegram keeps a query open (or was answered already)."""
    message = str(exc).lower()
    return isinstance(exc, BadRequest) and (
        "query is too old" in message or "query id is invalid" in message
    )


@dataclass(frozen=True, slots=True)
class PressReply:
    """What a press answers, and Telegram work that may wait until it has been answered."""

    text: str
    later: Callable[[], Awaitable[None]] | None = None


class PressAnswer:
    """One answer per press: the outcome, or the holding toast when the outcome is late."""

    def __init__(self, query: CallbackQuery, bot: Bot, patience: float | None = None) -> None:
        self.query = query
        self.bot = bot
        self.patience = PATIENCE if patience is None else patience
        self.answered = False
        self._timer: asyncio.Task[None] | None = None

    async def __aenter__(self) -> PressAnswer:
        self._timer = asyncio.create_task(self._hold_on(), name="press-patience")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
            await asyncio.gather(self._timer, return_exceptions=True)

    async def send(self, text: str, *, alert: bool = False) -> None:
        """Answer with `text`; after the holding toast, only an alert still matters and goes
        to the member's private chat."""
        if not self.answered:
            await self._answer(text, alert=alert)
        elif alert:
            await self._tell_privately(text)

    async def _hold_on(self) -> None:
        await asyncio.sleep(self.patience)
        if not self.answered:
            await self._answer(texts.PRESS_WORKING, alert=False)

    async def _answer(self, text: str, *, alert: bool) -> None:
        self.answered = True  # before the await: the timer and the outcome must not both answer
        try:
            await self.query.answer(text[:200], show_alert=alert)
        except TelegramError as exc:
            if not is_expired_query(exc):
                raise
            # The bot was busy or down longer than Telegram waits; the work itself stands.
            log.info("press %s answered too late: %s", self.query.id, exc)
            if alert:
                await self._tell_privately(text)

    async def _tell_privately(self, text: str) -> None:
        try:
            await self.bot.send_message(self.query.from_user.id, text)
        except TelegramError as exc:
            log.warning("could not tell user %s: %s", self.query.from_user.id, exc)
