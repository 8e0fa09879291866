"""The local Bot API server with the stopwatch the benchmark reads.

LocalBotApi has no hooks for timing, and the benchmark must not change it, so this subclass
wraps three methods of its State on the instance: when an update is queued (a press or a
message "reaching the server"), when getUpdates hands it to the bot, and when a message from
the bot is stored (the moment its sendMessage/sendPhoto/... request is answered). Waiting is
keyed by chat: the driver has hundreds of waiters, and Observer.wait_for would re-scan every
message the bot ever sent for each of them on every change.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from aiohttp import web

from localbotapi import BotMessage, LocalBotApi
from localbotapi.models import JSONDict

TOKEN = "987654321:BENCH-TOKEN-fake"  # not a real token: no bot has it
# Telegram refuses answers to presses older than ~15 s. A saturated run may queue presses
# longer than that; the benchmark reports the latency instead of failing the walk.
CALLBACK_TTL_S = 600.0


@dataclass(frozen=True, slots=True)
class Arrival:
    """A message from the bot and when the server stored it (perf_counter seconds)."""

    at: float
    message: BotMessage


@dataclass(frozen=True, slots=True)
class Sent:
    """Something a member did: the update's id, and when it was queued for the bot."""

    update_id: int
    at: float
    query_id: str | None = None


Predicate = Callable[[BotMessage], bool]


class _AnswerBook(dict[str, JSONDict]):
    """state.callback_answers that wakes whoever waits for a given query's answer."""

    def __init__(self) -> None:
        super().__init__()
        self.waiters: dict[str, asyncio.Future[JSONDict]] = {}

    def __setitem__(self, key: str, value: JSONDict) -> None:
        super().__setitem__(key, value)
        waiter = self.waiters.pop(key, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(value)


class BenchServer(LocalBotApi):
    def __init__(self) -> None:
        super().__init__(TOKEN, "jdih_bench_bot", callback_query_ttl=CALLBACK_TTL_S)
        self.arrivals: dict[int, list[Arrival]] = defaultdict(list)
        self._waiters: dict[int, list[tuple[Predicate, asyncio.Future[Arrival]]]] = defaultdict(
            list
        )
        self.queued_at: dict[int, float] = {}  # update_id -> when a member's action queued it
        self.handed_at: dict[int, float] = {}  # update_id -> when getUpdates gave it to the bot
        self.calls: Counter[str] = Counter()  # API method -> calls
        self.first_poll_at: float | None = None
        self.last_call_at = perf_counter()
        self._polling = asyncio.Event()
        self._answers = _AnswerBook()
        self._wrap_state()

    # ------------------------------------------------------------------ stopwatch
    def _wrap_state(self) -> None:
        state = self.state
        add_bot_message = state.add_bot_message
        push_raw = state.push_raw
        mark_delivered = state.mark_delivered

        def stored(*args: Any, **kwargs: Any) -> BotMessage:
            message = add_bot_message(*args, **kwargs)
            self._arrived(Arrival(perf_counter(), message))
            return message

        def queued(update: JSONDict) -> int:
            update_id = push_raw(update)
            self.queued_at[update_id] = perf_counter()
            return update_id

        def handed(update_id: int) -> None:
            now = perf_counter()
            for handed_id in range(state.delivered_update_id + 1, update_id + 1):
                self.handed_at.setdefault(handed_id, now)
            mark_delivered(update_id)

        state.add_bot_message = stored  # type: ignore[method-assign]
        state.push_raw = queued  # type: ignore[method-assign]
        state.mark_delivered = handed  # type: ignore[method-assign]
        state.callback_answers = self._answers

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"].lower()
        self.calls[name] += 1
        if name == "getupdates" and self.first_poll_at is None:
            self.first_poll_at = perf_counter()
            self._polling.set()
        try:
            return await super()._handle_api(request)
        finally:
            if name != "getupdates":
                self.last_call_at = perf_counter()

    def _arrived(self, arrival: Arrival) -> None:
        chat = arrival.message.chat_id
        self.arrivals[chat].append(arrival)
        waiting = self._waiters.get(chat)
        if not waiting:
            return
        still = []
        for predicate, future in waiting:
            if future.done():
                continue
            if predicate(arrival.message):
                future.set_result(arrival)
            else:
                still.append((predicate, future))
        self._waiters[chat] = still

    # ---------------------------------------------------------------------- waits
    async def polling(self, timeout: float) -> float:  # noqa: ASYNC109
        """Wait for the bot's first getUpdates; returns when it came (perf_counter)."""
        async with asyncio.timeout(timeout):
            await self._polling.wait()
        assert self.first_poll_at is not None
        return self.first_poll_at

    def mark(self, chat_id: int) -> int:
        """How many bot messages the chat has now: wait for ones after this."""
        return len(self.arrivals[chat_id])

    async def arrival(
        self,
        chat_id: int,
        predicate: Predicate,
        *,
        after: int,
        timeout: float,  # noqa: ASYNC109
    ) -> Arrival:
        """The first bot message in the chat at index >= ``after`` matching ``predicate``."""
        for arrival in self.arrivals[chat_id][after:]:
            if predicate(arrival.message):
                return arrival
        future: asyncio.Future[Arrival] = asyncio.get_running_loop().create_future()
        self._waiters[chat_id].append((predicate, future))
        try:
            async with asyncio.timeout(timeout):
                return await future
        except TimeoutError:
            recent = [a.message.describe() for a in self.arrivals[chat_id][-5:]]
            raise TimeoutError(
                f"no matching bot message in chat {chat_id} within {timeout}s; "
                f"last there: {recent}; API errors: {self.state.errors[-3:]}"
            ) from None

    async def answer(self, query_id: str, timeout: float) -> JSONDict:  # noqa: ASYNC109
        """The bot's answerCallbackQuery for a press."""
        if query_id in self._answers:
            return self._answers[query_id]
        future: asyncio.Future[JSONDict] = asyncio.get_running_loop().create_future()
        self._answers.waiters[query_id] = future
        async with asyncio.timeout(timeout):
            return await future

    async def quiet(self, seconds: float, timeout: float) -> None:  # noqa: ASYNC109
        """Until the bot has made no API call (long polls aside) for ``seconds``."""
        async with asyncio.timeout(timeout):
            while (idle := perf_counter() - self.last_call_at) < seconds or self.state.inflight:
                await self.state.changed.wait(max(seconds - idle, seconds / 4))

    # -------------------------------------------------------------------- actions
    async def press(self, user_id: int, message: BotMessage, button: str) -> Sent:
        """Press a button of the message as it is now (by text)."""
        query_id = await self.press_button(user_id, message, button)
        update_id = self.state.last_update_id
        return Sent(update_id, self.queued_at[update_id], query_id)

    async def press_data(self, user_id: int, chat_id: int, message_id: int, data: str) -> Sent:
        query_id = await self.press_callback(user_id, message_id, chat_id, data)
        update_id = self.state.last_update_id
        return Sent(update_id, self.queued_at[update_id], query_id)

    async def text(
        self, user_id: int, text: str, *, chat_id: int | None = None, reply_to: int | None = None
    ) -> Sent:
        await self.send_text(user_id, text, chat_id=chat_id, reply_to=reply_to)
        update_id = self.state.last_update_id
        return Sent(update_id, self.queued_at[update_id])

    async def document(
        self,
        user_id: int,
        content: bytes,
        name: str,
        mime: str,
        *,
        chat_id: int | None = None,
        reply_to: int | None = None,
        caption: str | None = None,
    ) -> Sent:
        await self.send_document(
            user_id, content, name, mime, chat_id=chat_id, reply_to=reply_to, caption=caption
        )
        update_id = self.state.last_update_id
        return Sent(update_id, self.queued_at[update_id])


def has(*needles: str, button: str | None = None) -> Predicate:
    """A message whose text or caption holds every needle (and the button, if given)."""

    def check(message: BotMessage) -> bool:
        body = message.body
        if any(needle not in body for needle in needles):
            return False
        return button is None or button in message.button_texts

    return check


def anything(_message: BotMessage) -> bool:
    return True
