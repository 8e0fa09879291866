"""The bot's Prometheus metrics (issue 17).

Counters are incremented where their events happen, by the delivery layer and the wiring
(the processor, the sender, the commit hook, the Bot API request wrapper); the service never
sees this module, it reports a decision in its `Committed` like any commit. Gauges that need
the database are not kept up to date per update: `Snapshot` holds the figures one read at
scrape time fetched (storage/health.py), and the registry's collect() draws them.

Each bot has a registry of its own (not prometheus_client's global one), so two
Applications in one process (the tests) never collide.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, ProcessCollector
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from storage.health import HealthFigures

PREFIX = "jdih"


@dataclass(slots=True, eq=False)  # registered by identity: hashable
class Snapshot(Collector):
    """The scrape-time gauges, as last read; None where the read failed (no sample then)."""

    figures: HealthFigures | None = None
    now: datetime | None = None
    database_up: bool = False
    backup_at: datetime | None = None
    heard_age: float | None = None  # seconds since Telegram last answered a getUpdates
    backups: int = 0

    def collect(self) -> Iterator[Metric]:
        yield _gauge(
            "database_up", "1 when the scrape's database read succeeded", float(self.database_up)
        )
        if self.heard_age is not None:
            yield _gauge(
                "updates_poll_age_seconds",
                "Seconds since Telegram last answered a getUpdates call (polling mode)",
                self.heard_age,
            )
        yield _gauge("backups", "Backup archives in backup.dir", float(self.backups))
        if self.backup_at is not None and self.now is not None:
            yield _gauge(
                "backup_age_seconds",
                "Seconds since the newest backup archive was made",
                (self.now - self.backup_at).total_seconds(),
            )
        figures = self.figures
        if figures is None or self.now is None:
            return
        yield _gauge("outbox_backlog", "Messages owed, not yet delivered", figures.outbox_waiting)
        yield _gauge(
            "outbox_failed", "Messages given up on (waiting for /kirimulang)", figures.outbox_failed
        )
        oldest = figures.oldest_waiting_at
        yield _gauge(
            "outbox_oldest_undelivered_age_seconds",
            "Seconds the oldest message due now has waited (0: none waits)",
            max((self.now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        )
        open_items = GaugeMetricFamily(
            f"{PREFIX}_items_open", "Items open, by the step they wait at", labels=["step"]
        )
        overdue = GaugeMetricFamily(
            f"{PREFIX}_items_overdue", "Open items past their step's due time", labels=["step"]
        )
        for count in figures.steps:
            open_items.add_metric([count.step], count.open)
            overdue.add_metric([count.step], count.overdue)
        yield open_items
        yield overdue


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"{PREFIX}_{name}", documentation, value=value)


class Metrics:
    """The counters, the scrape-time snapshot, and when Telegram was last heard from."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter(
            f"{PREFIX}_updates_handled",
            "Updates handled, by who sent them (member, or outsider told their id)",
            ["sender"],
            registry=r,
        )
        self.decisions = Counter(
            f"{PREFIX}_decisions",
            "Decisions committed, by step and action",
            ["step", "action"],
            registry=r,
        )
        self.delivered = Counter(
            f"{PREFIX}_outbox_delivered", "Outbox rows delivered, by kind", ["kind"], registry=r
        )
        self.reminders = Counter(
            f"{PREFIX}_reminders_sent", "Reminders Telegram accepted", registry=r
        )
        self.api_errors = Counter(
            f"{PREFIX}_bot_api_errors",
            "Bot API calls that failed, by method and kind of error",
            ["method", "kind"],
            registry=r,
        )
        self.outages = Counter(
            f"{PREFIX}_database_outages", "Times the database could not be reached", registry=r
        )
        self.snapshot = Snapshot()
        r.register(self.snapshot)
        ProcessCollector(registry=r)  # memory, CPU, open files: process_* metrics
        self._heard: float | None = None  # time.monotonic() of the last getUpdates answer
        self._started = time.monotonic()

    # --- hooks, called where the events happen -----------------------------------------

    def update_handled(self, member: bool) -> None:
        self.updates.labels("member" if member else "outsider").inc()

    def decided(self, step: str, action: str) -> None:
        self.decisions.labels(step, action).inc()

    def row_delivered(self, kind: str) -> None:
        self.delivered.labels(kind).inc()
        if kind == "reminder":
            self.reminders.inc()

    def api_failed(self, method: str, kind: str) -> None:
        self.api_errors.labels(method, kind).inc()

    def polled(self) -> None:
        """Telegram answered a getUpdates call (empty or not)."""
        self._heard = time.monotonic()

    def database_lost(self) -> None:
        self.outages.inc()

    # --- read at scrape time ---------------------------------------------------------------

    def poll_age(self) -> float:
        """Seconds since the last getUpdates answer (since the start, before the first)."""
        return time.monotonic() - (self._heard if self._heard is not None else self._started)

    def polled_yet(self) -> bool:
        return self._heard is not None
