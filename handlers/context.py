"""The typed context every handler receives: services are attributes, not dict lookups."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Config
from bot.delivery.scheduler import ReminderScheduler
from bot.delivery.sender import OutboxSender
from bot.media.filestore import FileStore
from bot.service.facade import Service
from bot.service.reports import Reports

SERVICES_KEY = "services"


@dataclass(slots=True)
class AlbumReceipts:
    """Albums whose one receipt waits for their last page. Per application: two bots in one
    process (tests, the sandbox) must not cancel each other's receipts."""

    timers: dict[str, asyncio.TimerHandle] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)  # every page's advice, said once
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


@dataclass(slots=True)
class Services:
    config: Config
    service: Service
    sender: OutboxSender
    scheduler: ReminderScheduler
    files: FileStore
    reports: Reports  # the SOP monitoring report (/laporan)
    albums: AlbumReceipts = field(default_factory=AlbumReceipts)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        return self.application.bot_data[SERVICES_KEY]  # type: ignore[no-any-return]


BotApplication = Application[Any, BotContext, Any, Any, Any, Any]
