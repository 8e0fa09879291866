"""A recording request: the bot's HTTP seam replaced by a list of what it would have sent to
Telegram, answered with canned results (as python-telegram-bot's own tests do with their
`OfflineRequest`, tests/auxil/networking.py). Handler tests then run in milliseconds, without
the local Bot API server; end-to-end tests (tests/harness.py) still run over real HTTP."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "JDIH", "username": "jdih_test_bot"}


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    params: dict[str, Any]

    @property
    def rows(self) -> list[list[str]]:
        """The inline keyboard's button labels, row by row ([] without a keyboard)."""
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [[b["text"] for b in row] for row in markup.get("inline_keyboard", [])]


@dataclass
class RecordingRequest(BaseRequest):
    calls: list[Call] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        if endpoint != "getUpdates":
            self.calls.append(Call(endpoint, params))
        result = self._result(endpoint, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, endpoint: str, params: dict[str, Any]) -> Any:
        if endpoint == "getMe":
            return BOT_USER
        if endpoint == "getUpdates":
            return []
        if endpoint.startswith("send"):
            chat_id = int(params["chat_id"])
            message: dict[str, Any] = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            if params.get("reply_markup"):
                markup = params["reply_markup"]
                message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
            return message
        return True  # answerCallbackQuery, setMyCommands, edits: "done"

    def to(self, chat_id: int, method: str | None = None) -> list[Call]:
        """What was sent to one chat (every method, or only `method`)."""
        return [
            c
            for c in self.calls
            if str(c.params.get("chat_id")) == str(chat_id) and method in (None, c.method)
        ]

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, chat_id: int, method: str) -> Call:
        """The first `method` call to `chat_id`, when the outbox sender sends it a bit later."""
        deadline = time.monotonic() + 5
        while not (found := self.to(chat_id, method)):
            assert time.monotonic() < deadline, f"no {method} to {chat_id}: {self.calls}"
            await asyncio.sleep(0.005)
        return found[0]
