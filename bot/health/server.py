"""The local health and metrics endpoint ([monitoring] port): GET /healthz and GET /metrics.

aiohttp, in the bot's own event loop (it already serves the webhook): the gauges that need the
database are read at scrape time through the bot's engine, with the same async code as
everything else. prometheus-client's own server runs in a thread of its own and calls its
collectors synchronously, which would need a second engine or a hop back into this loop per
scrape; here one read-only transaction per scrape serves both endpoints' figures.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.backup.run import backups_in
from bot.config import MonitoringSettings
from bot.domain.clock import Clock
from bot.health.checks import OK, Verdict, WebhookCheck, outbox_check, polling_check
from bot.health.metrics import Metrics
from storage.health import HealthFigures, read_health
from storage.uow import SessionFactory, UnitOfWork

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 5.0  # a database that takes longer to answer three counts is not healthy
ReadFigures = Callable[[datetime], Awaitable[HealthFigures]]
_STAMP = re.compile(r"(\d{8}-\d{6})")


class HealthServer:
    def __init__(
        self,
        settings: MonitoringSettings,
        metrics: Metrics,
        read: ReadFigures,
        clock: Clock,
        backups: tuple[Path, ZoneInfo],  # backup.dir, and the zone its names are written in
        webhook: WebhookCheck | None = None,  # webhook mode; None: polling
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self._read = read
        self._clock = clock
        self._backups = backups
        self._webhook = webhook
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # the port bound (settings.port, or the one given for 0)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.listen, self.settings.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            where = f"{self.settings.listen}:{self.settings.port}"
            raise RuntimeError(
                f"monitoring.port: cannot listen on {where} ({exc.strerror or exc}); "
                "another program uses it? Choose another port."
            ) from None
        self._runner = runner
        self.port = runner.addresses[0][1]  # the port the system gave, when told 0
        log.info("health and metrics on http://%s:%s/healthz", self.settings.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _reading(self) -> tuple[str, HealthFigures | None, datetime]:
        """One read of the database for this scrape; the snapshot is set from it."""
        now = self._clock.now()
        figures: HealthFigures | None = None
        try:
            figures = await asyncio.wait_for(self._read(now), READ_TIMEOUT_S)
            state = OK
        except TimeoutError:
            state = f"no answer within {READ_TIMEOUT_S:g} s"
        except Exception as exc:
            state = f"unreachable: {type(exc).__name__}: {exc}"[:300]
        archives = backups_in(self._backups[0])
        snapshot = self.metrics.snapshot
        snapshot.now, snapshot.figures, snapshot.database_up = now, figures, figures is not None
        snapshot.backups = len(archives)
        snapshot.backup_at = _made_at(archives[-1], self._backups[1]) if archives else None
        snapshot.heard_age = self.metrics.poll_age() if self._webhook is None else None
        return state, figures, now

    async def _healthz(self, _request: web.Request) -> web.Response:
        database, figures, now = await self._reading()
        checks = {"database": database}
        if self._webhook is not None:
            checks["updates"] = await self._webhook.state()
        else:
            checks["updates"] = polling_check(self.metrics.poll_age(), self.settings)
        if figures is not None:
            checks["outbox"] = outbox_check(figures, now, self.settings)
        verdict = Verdict(checks)
        return web.json_response(verdict.body(), status=200 if verdict.healthy else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        await self._reading()
        body = generate_latest(self.metrics.registry)  # no await between reading and this
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def database_reader(factory: SessionFactory) -> ReadFigures:
    """The scrape's one read, in a read-only unit of work (a plain BEGIN on SQLite: it
    never waits for a writer)."""

    async def read(now: datetime) -> HealthFigures:
        async with UnitOfWork(factory, read_only=True) as uow:
            return await read_health(uow.session, now)

    return read


def _made_at(archive: Path, zone: ZoneInfo) -> datetime | None:
    """When a backup was made, from its name (jdih-backup-YYYYMMDD-HHMMSS…, office time: the
    clock the bot runs on, not the file's mtime, which a copy changes)."""
    found = _STAMP.search(archive.name)
    if found is None:
        return None
    return datetime.strptime(found[1], "%Y%m%d-%H%M%S").replace(tzinfo=zone)
