"""Webhook mode: the bot's own small web server that Telegram POSTs each update to.

Why not PTB's `run_webhook`: its tornado server reads a whole request body (tornado allows
100 MB) before PTB's handler looks at the secret header, so anyone who can reach the port
could make the bot hold 100 MB per request (four at once took it from 92 to 544 MB). Here
the secret header and the declared size are checked from the headers alone, before a byte of
the body is read, and no body is read past MAX_BODY_BYTES. This follows PTB's "custom
webhook" pattern (examples/customwebhookbot): the server puts `Update.de_json(...)` on
`application.update_queue`, PTB's Application does the rest.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import WebhookSettings

# Any PTB application: the wiring hands ours in.
AnyApplication = Application[Any, Any, Any, Any, Any, Any]

log = logging.getLogger(__name__)

# An update is small: files arrive as file_id references, never content; the largest is a
# message with 4096 characters of text, its entities and the message it replies to, tens of
# kilobytes even with every character JSON-escaped. 1 MiB is ample room for that and caps
# what one request can make the bot hold (Telegram opens at most 40 connections at once).
MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_STOP_TIMEOUT_S = 5.0  # a POST being written to the inbox when we stop may finish
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class WebhookServer:
    """Receives Telegram's POSTs on the path of `settings.url` and queues the updates."""

    def __init__(self, application: AnyApplication, settings: WebhookSettings) -> None:
        self._application = application
        self._settings = settings
        self._secret = settings.secret_token.encode()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen first, then give Telegram the URL and the secret: its first POST finds
        the server ready."""
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_post(f"/{self._settings.url_path}", self._receive)
        # lingering_time=0: a request refused before its body was read is not drained
        # (aiohttp would otherwise read and discard it for up to 10 s); the connection closes.
        runner = web.AppRunner(
            app, access_log=None, lingering_time=0, shutdown_timeout=_STOP_TIMEOUT_S
        )
        await runner.setup()
        self._runner = runner
        await web.TCPSite(runner, self._settings.listen, self._settings.port).start()
        await self._application.bot.set_webhook(
            url=self._settings.url,
            secret_token=self._settings.secret_token,
            allowed_updates=Update.ALL_TYPES,
        )

    async def stop(self) -> None:
        """Stop listening. The webhook stays set: Telegram keeps the updates for the next
        start, as with PTB's own server."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        """Headers first (secret, then size); only then the body, at most MAX_BODY_BYTES."""
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self._secret):
            log.debug("webhook: request without the secret refused")
            return web.Response(status=403)
        declared = request.content_length
        if declared is not None and declared > MAX_BODY_BYTES:
            log.warning("webhook: a %d-byte body refused (limit %d)", declared, MAX_BODY_BYTES)
            return web.Response(status=413)
        try:
            data = json.loads(await request.read())  # read() stops past client_max_size
            if not isinstance(data, dict):
                raise ValueError(f"a JSON {type(data).__name__}, not an object")
            update = Update.de_json(data, self._application.bot)
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413)
        except Exception as exc:  # not JSON, or not an update: nothing to queue
            log.warning("webhook: a request that is not an update refused: %s", exc)
            return web.Response(status=400)
        # JournalingQueue.put writes it down before Telegram hears 200 (bot/delivery/inbox.py).
        await self._application.update_queue.put(update)
        return web.Response(status=200)


async def serve_until_stopped(application: AnyApplication, settings: WebhookSettings) -> None:
    """What `run_webhook` does, with our server: initialize, post_init, listen, start; on
    SIGINT/SIGTERM stop listening, finish the updates in hand, shutdown, post_shutdown."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, stopping.set)
    try:
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        server = WebhookServer(application, settings)
        try:
            await server.start()
            await application.start()
            log.info("webhook mode: listening on %s:%d", settings.listen, settings.port)
            await stopping.wait()
        finally:
            await server.stop()
            if application.running:
                await application.stop()  # handles what is queued, then returns
                if application.post_stop is not None:  # as in PTB: only after a stop
                    await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        for sig in _STOP_SIGNALS:
            loop.remove_signal_handler(sig)
