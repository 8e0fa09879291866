"""The end-to-end harness: the real Application polling the local Bot API server over HTTP,
on a fresh database, with a clock the test moves by hand."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import BuildOptions, build_application, start_webhook
from bot.config import Config
from bot.delivery.webhook import WebhookServer
from bot.domain.clock import ManualClock
from handlers.context import SERVICES_KEY, BotApplication, Services
from localbotapi import BotMessage, LocalBotApi
from tests.office import (  # noqa: F401  (the e2e tests take the office from here too)
    ADMINS,
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    MEMBERS,
    MONDAY_MORNING,
    OFFICE,
    OFFICE_NAME,
    OPERATOR,
    OPERATOR2,
    SEKRETARIS,
    STRANGER,
    Person,
)
from tests.settling import wait_settled

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
TEST_HTTP_ENV = "JDIH_TEST_HTTP"


def config_data(server: LocalBotApi, database_url: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "telegram": {
            "api_base_url": server.base_url,
            "file_base_url": server.base_file_url,
            "admins": [p.user_id for p in ADMINS],
        },
        "database": {"url": database_url},
        "office": {"name": OFFICE_NAME, "timezone": OFFICE.key},
        "members": [p.config() for p in MEMBERS],
    }
    data.update(extra)
    # JDIH_TEST_HTTP=httpx: every bot of the run on python-telegram-bot's own transport,
    # chosen as an operator would, by [telegram] http (unset: the production default).
    http = os.environ.get(TEST_HTTP_ENV, "")
    if http:
        data["telegram"] = {"http": http, **data["telegram"]}
    return data


@dataclass
class Harness:
    server: LocalBotApi
    config: Config
    clock: ManualClock
    app: BotApplication | None = None
    webhook_server: WebhookServer | None = None  # webhook mode: the bot's own server
    people: dict[int, Person] = field(default_factory=dict)
    rate_limit: bool = False  # True: Telegram's flood limits kept, as in production

    @property
    def services(self) -> Services:
        assert self.app is not None
        return self.app.bot_data[SERVICES_KEY]  # type: ignore[no-any-return]

    @property
    def engine(self) -> AsyncEngine:
        assert self.app is not None, "the bot is not running"
        return self.app.bot_data["engine"]  # type: ignore[no-any-return]

    async def start_bot(self) -> None:
        options = BuildOptions(clock=self.clock, rate_limit=self.rate_limit)
        self.app = build_application(self.config, options)
        await self.app.initialize()
        # run_polling() calls post_init itself; driving the parts by hand, we do.
        assert self.app.post_init is not None
        await self.app.post_init(self.app)
        await self.app.start()
        assert self.app.updater is not None
        if self.config.webhook is not None:
            self.webhook_server = await start_webhook(self.app, self.config.webhook)
        else:
            await self.app.updater.start_polling(poll_interval=0.0, timeout=1)

    async def stop_bot(self) -> None:
        if self.app is None:
            return
        assert self.app.updater is not None
        if self.webhook_server is not None:
            await self.webhook_server.stop()
            self.webhook_server = None
        else:
            await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()
        assert self.app.post_shutdown is not None
        await self.app.post_shutdown(self.app)
        self.app = None

    # --- acting as a person ------------------------------------------------------------

    async def say(
        self,
        who: Person,
        text: str,
        *,
        reply_to: BotMessage | None = None,
        chat_id: int | None = None,
        expect: str | None = None,
    ) -> BotMessage:
        """Send text and return the bot's first answer in that chat (the first containing
        `expect`, when cards from the outbox may arrive in between)."""
        before = len(self.server.sent)
        await self.server.send_text(
            who.user_id,
            text,
            chat_id=chat_id,
            reply_to=reply_to.message_id if reply_to else None,
        )
        return await self.server.wait_for_message(
            chat_id or who.user_id, after=before, contains=expect
        )

    async def press(
        self, who: Person, message: BotMessage, button: str, chat_id: int | None = None
    ) -> str:
        """Press a button and return the text of the bot's answer to the press."""
        query_id = await self.server.press_button(who.user_id, message, button, chat_id=chat_id)
        answer = await self.server.wait_for_answer(query_id)
        return str(answer.get("text") or "")

    async def settle(self) -> None:
        """Wait until the bot has handled every update and sent what it can (tests/settling.py)."""
        await wait_settled(self.server, self.engine, self.app)

    def mark(self) -> int:
        return len(self.server.sent)


@asynccontextmanager
async def office_with(
    make_harness: Callable[..., AbstractAsyncContextManager[Harness]], *extra: Person
) -> AsyncIterator[Harness]:
    """The usual members and `extra` ones, all having pressed Start."""
    members = [{"id": p.user_id, "name": p.name, "roles": list(p.roles)} for p in MEMBERS + extra]
    async with make_harness(members=members) as h:
        for person in extra:
            h.server.add_user(person.user_id, person.name.split()[0])
            h.server.mark_started(person.user_id)
        yield h
