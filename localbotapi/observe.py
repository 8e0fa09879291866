"""What tests read: the bot's messages, its API calls, and waiting for them.

Waiting is event driven (no sleeps in the common case), and every timeout fails with an
AssertionError that lists what the bot actually did, so a red test explains itself.
Mixed into :class:`LocalBotApi`.
"""

# The waits take ``timeout=`` like asyncio.wait_for: the public API is specified that way,
# and a per-call deadline reads better in tests than wrapping each wait in asyncio.timeout().
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import TypeVar

from .models import BotMessage, JSONDict
from .state import State

T = TypeVar("T")
_RECENT = 15  # messages shown when a wait fails
_IDLE_POLL = 0.005  # seconds between checks in wait_idle


class Observer:
    """Read-only views and waits over what the bot did."""

    state: State  # provided by LocalBotApi

    @property
    def sent(self) -> list[BotMessage]:
        """Every message the bot created, in order (an album gives one per item)."""
        return self.state.sent

    @property
    def requests(self) -> list[tuple[str, JSONDict]]:
        """Every API call as (method name, decoded params), in arrival order."""
        return self.state.requests

    @property
    def errors(self) -> list[tuple[str, str]]:
        """(method, description) of every error answer the bot got, injected ones included."""
        return self.state.errors

    @property
    def callback_answers(self) -> dict[str, JSONDict]:
        """Callback query id -> the params of its answerCallbackQuery."""
        return self.state.callback_answers

    def calls(self, method: str) -> list[JSONDict]:
        """The params of every call of one method (case-insensitive), in order."""
        return [params for name, params in self.state.requests if name.lower() == method.lower()]

    def messages_in(self, chat_id: int) -> list[BotMessage]:
        """The bot's live (not deleted) messages in a chat, in order, as they are now."""
        return [m for m in self.state.sent if m.chat_id == chat_id and not m.deleted]

    def last_in(self, chat_id: int) -> BotMessage:
        """The bot's latest live message in a chat; AssertionError if there is none."""
        messages = self.messages_in(chat_id)
        if not messages:
            raise AssertionError(f"the bot has no message in chat {chat_id}\n{self.describe()}")
        return messages[-1]

    def my_commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command list setMyCommands stored for a scope (default scope when None)."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return list(self.state.commands.get(key, []))

    def describe(self) -> str:
        """The last messages and API errors, for assertion messages."""
        lines = [f"last {_RECENT} bot messages (of {len(self.state.sent)}):"]
        start = max(0, len(self.state.sent) - _RECENT)
        lines += [f"  #{i} {m.describe()}" for i, m in enumerate(self.state.sent[start:], start)]
        if len(lines) == 1:
            lines.append("  (none)")
        if self.state.errors:
            lines.append("last API errors answered:")
            lines += [f"  {method}: {desc}" for method, desc in self.state.errors[-5:]]
        lines.append(f"updates not yet fetched by the bot: {self.state.undelivered()}")
        return "\n".join(lines)

    async def _wait(self, check: Callable[[], T | None], timeout: float, what: str) -> T:
        deadline = time.monotonic() + timeout
        while True:
            found = check()
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}\n{self.describe()}"
                )
            await self.state.changed.wait(remaining)

    async def wait_for(
        self, predicate: Callable[[BotMessage], bool], *, timeout: float = 5.0
    ) -> BotMessage:
        """The first bot message, already sent or future, that matches ``predicate``."""

        def check() -> BotMessage | None:
            return next((m for m in self.state.sent if predicate(m)), None)

        return await self._wait(check, timeout, "a bot message matching the predicate")

    async def wait_for_message(
        self, chat_id: int, *, contains: str | None = None, after: int = 0, timeout: float = 5.0
    ) -> BotMessage:
        """The first message in ``chat_id`` at index >= ``after`` in :attr:`sent` whose text
        or caption contains ``contains``; pass ``len(server.sent)`` taken before an action."""

        def check() -> BotMessage | None:
            return next(
                (
                    m
                    for m in self.state.sent[after:]
                    if m.chat_id == chat_id and (contains is None or contains in m.body)
                ),
                None,
            )

        what = f"a message in chat {chat_id}" + (f" containing {contains!r}" if contains else "")
        return await self._wait(check, timeout, f"{what} (index >= {after})")

    async def wait_for_answer(self, callback_query_id: str, timeout: float = 5.0) -> JSONDict:
        """The answerCallbackQuery params the bot gave for that query."""
        return await self._wait(
            lambda: self.state.callback_answers.get(callback_query_id),
            timeout,
            f"an answer to callback query {callback_query_id}",
        )

    async def wait_idle(self, timeout: float = 5.0, quiet: float = 0.05) -> None:
        """Until the bot has fetched and acknowledged every queued update and made no API call
        for ``quiet`` seconds — the basis of "and nothing else happened" assertions. Fetched is
        not enough: between receiving a batch and acknowledging it (its next getUpdates) the
        bot writes it to its inbox, and a slow moment there looked idle."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            pending = self.state.unacknowledged()
            busy = self.state.inflight
            if not pending and not busy and now - self.state.last_activity >= quiet:
                return
            if now >= deadline:
                raise AssertionError(
                    f"bot not idle after {timeout}s: {pending} update(s) not acknowledged, "
                    f"{busy} request(s) in progress\n{self.describe()}"
                )
            await asyncio.sleep(_IDLE_POLL)
