"""Update delivery: getUpdates long polling, and webhooks pushed to the bot's own server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from dataclasses import dataclass

import aiohttp

from .errors import OTHER_POLLER, WEBHOOK_ACTIVE, ApiError, bad_request
from .methods import Handler
from .models import JSONDict
from .params import Params
from .state import State

_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_WEBHOOK_TIMEOUT = 10.0  # seconds the bot's webhook may take to answer one POST


@dataclass
class Webhook:
    """A webhook set by setWebhook, with the last delivery error getWebhookInfo reports."""

    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


class UpdateMethods:
    """getUpdates, setWebhook, deleteWebhook, getWebhookInfo and the webhook sender."""

    def __init__(self, state: State, *, webhook_attempts: int, webhook_retry_delay: float) -> None:
        self.state = state
        self.webhook: Webhook | None = None
        self.webhook_attempts = webhook_attempts
        self.webhook_retry_delay = webhook_retry_delay
        # (update_id, HTTP status or 0 for a connection error) of every webhook POST
        self.webhook_log: list[tuple[int, int]] = []
        self._poll_generation = 0
        self._session: aiohttp.ClientSession | None = None
        self._sender: asyncio.Task[None] | None = None

    def table(self) -> dict[str, Handler]:
        """Method name -> implementation."""
        return {
            "getUpdates": self.get_updates, "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook, "getWebhookInfo": self.get_webhook_info,
        }  # fmt: skip

    # --------------------------------------------------------------- polling
    async def get_updates(self, p: Params) -> list[JSONDict]:
        """Long poll: hold the request up to ``timeout`` seconds until updates arrive."""
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        limit = min(max(p.integer("limit", 100) or 100, 1), 100)
        timeout = max(p.number("timeout", 0.0), 0.0)
        allowed = p.json("allowed_updates", error="can't parse allowed_updates JSON object")
        if allowed is not None:
            self.state.allowed_updates = list(allowed) or None  # [] means "the default set"
        self.state.confirm(p.integer("offset", 0) or 0)
        # Telegram serves one poller at a time: a newer getUpdates ends the one being held.
        self._poll_generation += 1
        generation = self._poll_generation
        self.state.changed.fire()
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, OTHER_POLLER)
            if self.webhook is not None:
                raise ApiError(409, WEBHOOK_ACTIVE)
            batch = self.state.updates[:limit]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self.state.closing:
                break
            await self.state.changed.wait(remaining)
        if batch:
            self.state.mark_delivered(batch[-1]["update_id"])
        return batch

    # -------------------------------------------------------------- webhooks
    async def set_webhook(self, p: Params) -> bool:
        url = p.text("url") or ""
        if not url:
            return await self.delete_webhook(p)  # setWebhook("") removes it, as in Telegram
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: invalid webhook URL specified")
        secret = p.text("secret_token")
        if secret is not None and not _SECRET_TOKEN.match(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = p.integer("max_connections", 40) or 40
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = p.json("allowed_updates", error="can't parse allowed_updates JSON object")
        if allowed is not None:
            self.state.allowed_updates = list(allowed) or None
        if p.flag("drop_pending_updates"):
            self.state.updates.clear()
        self.webhook = Webhook(url, secret, max_connections)
        self.state.changed.fire()  # held long polls answer 409; the sender starts pushing
        return True

    async def delete_webhook(self, p: Params) -> bool:
        self.webhook = None
        if p.flag("drop_pending_updates"):
            self.state.updates.clear()
        self.state.changed.fire()
        return True

    async def get_webhook_info(self, p: Params) -> JSONDict:
        hook = self.webhook
        info: JSONDict = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if self.state.allowed_updates:
                info["allowed_updates"] = list(self.state.allowed_updates)
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    def start_sender(self) -> None:
        """Start the background task that POSTs updates while a webhook is set."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=_WEBHOOK_TIMEOUT))
        self._sender = asyncio.create_task(self._send_loop(), name="localbotapi-webhook")

    async def stop_sender(self) -> None:
        """Stop the webhook sender and close its HTTP session."""
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
            self._sender = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _send_loop(self) -> None:
        """Push queued updates to the webhook in order, one at a time, retrying failures."""
        while True:
            hook = self.webhook
            if hook is None or not self.state.updates:
                await self.state.changed.wait(None)
                continue
            update = self.state.updates[0]
            status = await self._post(hook, update)
            if self.webhook is not hook:
                continue  # replaced or deleted meanwhile: re-evaluate with the new setting
            if 200 <= status < 300 or self._failures(update["update_id"]) >= self.webhook_attempts:
                # delivered, or given up on (Telegram would keep trying for up to 24 h)
                with contextlib.suppress(ValueError):
                    self.state.updates.remove(update)
                self.state.mark_delivered(update["update_id"])
                continue
            hook.last_error_date = int(time.time())
            hook.last_error_message = (
                f"Wrong response from the webhook: {status}" if status else "Connection refused"
            )
            await asyncio.sleep(self.webhook_retry_delay)

    def _failures(self, update_id: int) -> int:
        return sum(
            1 for uid, status in self.webhook_log if uid == update_id and not 200 <= status < 300
        )

    async def _post(self, hook: Webhook, update: JSONDict) -> int:
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        self.state.inflight += 1
        try:
            async with self._session.post(
                hook.url, data=json.dumps(update), headers=headers
            ) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        finally:
            self.state.inflight -= 1
            self.state.touch()
        self.webhook_log.append((update["update_id"], status))
        return status
