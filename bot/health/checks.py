"""What /healthz says: three checks, each "ok" or why not, from one scrape's readings.

- database: the scrape's read (storage/health.py) went through within its time limit;
- updates: Telegram was heard from lately. Polling: a getUpdates call was answered within
  `updates_stale_seconds` (long polling answers every call, with or without updates, so a
  quiet office still passes; a poll blocked because the inbox cannot write fails it).
  Webhook: Telegram's own getWebhookInfo, asked at most every WEBHOOK_ASK_EVERY, reports no
  failed delivery within that time while updates wait;
- outbox: no message owed and due now has waited longer than `outbox_stuck_minutes`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.error import TelegramError

from bot.config import MonitoringSettings
from storage.health import HealthFigures

OK = "ok"
WEBHOOK_ASK_EVERY = 30.0  # seconds between getWebhookInfo calls, however often /healthz is hit


@dataclass(frozen=True, slots=True)
class Verdict:
    checks: dict[str, str]  # check -> "ok" or what is wrong

    @property
    def healthy(self) -> bool:
        return all(state == OK for state in self.checks.values())

    def body(self) -> dict[str, object]:
        failed = [name for name, state in self.checks.items() if state != OK]
        return {"status": "fail" if failed else "ok", "failed": failed, "checks": self.checks}


def outbox_check(figures: HealthFigures, now: datetime, settings: MonitoringSettings) -> str:
    oldest = figures.oldest_waiting_at
    limit = timedelta(minutes=settings.outbox_stuck_minutes)
    if oldest is None or now - oldest <= limit:
        return OK
    waited = int((now - oldest).total_seconds() // 60)
    return f"the oldest message owed has waited {waited} min ({figures.outbox_waiting} waiting)"


def polling_check(poll_age: float, settings: MonitoringSettings) -> str:
    if poll_age <= settings.updates_stale_seconds:
        return OK
    return f"no getUpdates answered for {int(poll_age)} s"


class WebhookCheck:
    """getWebhookInfo, asked at most every WEBHOOK_ASK_EVERY seconds (the answer is kept)."""

    def __init__(self, bot: Bot, settings: MonitoringSettings) -> None:
        self._bot = bot
        self._settings = settings
        self._asked = float("-inf")
        self._state = OK

    async def state(self) -> str:
        if time.monotonic() - self._asked >= WEBHOOK_ASK_EVERY:
            self._asked = time.monotonic()
            self._state = await self._ask()
        return self._state

    async def _ask(self) -> str:
        try:
            info = await self._bot.get_webhook_info()
        except TelegramError as exc:
            return f"getWebhookInfo failed: {exc}"
        if not info.url:
            return "no webhook is set"
        error_at = info.last_error_date
        if error_at is not None and info.pending_update_count:
            age = (datetime.now(UTC) - error_at).total_seconds()  # Telegram's time: the wall's
            if age <= self._settings.updates_stale_seconds:
                return f"Telegram cannot deliver updates: {info.last_error_message}"
        return OK
