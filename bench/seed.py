"""A large office history, written straight to the database: many open items spread over the
SOP's steps with their due times and reminder schedule, and the history rows of those and of
published items (events, the cards sent, delivered outbox rows).

The open items' steps fall due after the benchmark's frozen clock, except a fifth that are
long overdue with every reminder round already sent: at start the bot rebuilds its schedule
from all of them, and no reminder is owed during the run. Today's digest counts as sent (the
bot restarts after office opening), so a start does not send a 10,000-line digest.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Config
from bot.domain.sop import Step
from storage.database import create_engine
from storage.migrate import upgrade_to_head
from storage.models import (
    CardMessage,
    DesignFile,
    DesignVersion,
    DigestSent,
    Event,
    Item,
    ItemSequence,
    Material,
    OutboxMessage,
    ReminderSent,
)

from .office import GROUPS

PUBLISHED_EVENTS = 10  # created, material, direction, v1, return, v2, 2 approvals, order, posted
OVERDUE_SHARE = 5  # one open item in five is long overdue, its reminders all sent
_CHUNK = 5000
_MESSAGE_ID_BASE = 10_000_000  # far above the ids the run's own messages get
_ACTOR = {"koordinator": 101, "kasubbag": 102, "operator": 103, "divisi_hukum": 105}


@dataclass
class Seeded:
    open_items: int = 0
    published_items: int = 0
    events: int = 0
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)

    def total_rows(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


class _History:
    """Builds the rows; item ids, message ids and times are deterministic (seeded random)."""

    def __init__(self, config: Config, now: datetime) -> None:
        self.config = config
        self.sop = config.sop
        self.calendar = config.calendar
        self.now = now
        self.random = random.Random(20261123)
        self.seeded = Seeded()
        self.next_message = dict.fromkeys(GROUPS.values(), _MESSAGE_ID_BASE)

    def item(self, item_id: int, at_step: int | None) -> None:
        """One item: open at step index ``at_step``, or published when None."""
        steps = self.sop.steps
        created = self.now - timedelta(days=self.random.uniform(1, 360))
        version = 2 if at_step is None else (1 if at_step >= 2 else 0)
        row: dict[str, Any] = {
            "id": item_id,
            "code": f"{self.sop.item_prefix}-2026-{item_id:04d}",
            "title": f"Infografis peraturan nomor {item_id}",
            "status": "published" if at_step is None else "active",
            "step_key": None if at_step is None else steps[at_step].key,
            "version": version,
            "created_by": _ACTOR["koordinator"],
            "created_at": created,
            "direction": "Buat infografis satu halaman." if at_step != 0 else None,
            "designer_id": _ACTOR["operator"] if version else None,
            "post_links": None,
            "closed_at": None,
            "step_started_at": None,
            "step_limit": None,
            "step_due_at": None,
            "remind_at": None,
        }
        actions = self._actions(at_step)
        row["rev"] = len(actions) - 1
        if at_step is None:
            row["post_links"] = [f"https://instagram.com/p/seed{item_id}"]
            row["closed_at"] = created + timedelta(hours=len(actions))
        else:
            self._due(row, item_id, steps[at_step])
        self.seeded.add("items", row)
        self.seeded.add(
            "materials",
            {
                "item_id": item_id,
                "kind": "text",
                "text": f"https://jdih.kpu.go.id/peraturan/{item_id}",
                "added_by": _ACTOR["koordinator"],
                "added_at": created,
            },
        )
        for number in range(1, version + 1):
            self._design(item_id, number, created)
        for index, (action, step_key, role, event_version) in enumerate(actions):
            at = created + timedelta(minutes=20 * index)
            self._event(item_id, at, action, step_key, role, event_version)
            last = index == len(actions) - 1
            self._card(item_id, at, step_key, event_version, live=last and at_step is not None)
        if at_step is None:
            self.seeded.published_items += 1
        else:
            self.seeded.open_items += 1

    def _actions(self, at_step: int | None) -> list[tuple[str, str | None, str, int]]:
        """(action, step it closed, role, version) of each event, oldest first."""
        keys = [step.key for step in self.sop.steps]
        done = [
            ("created", None, "koordinator", 0),
            ("submit_material", None, "koordinator", 0),
            ("direct", keys[0], "kasubbag", 0),
        ]
        if at_step is None:
            return [
                *done,
                ("submit_design", None, "operator", 1),
                ("return", keys[2], "kasubbag", 1),
                ("submit_design", None, "operator", 2),
                ("approve", keys[2], "kasubbag", 2),
                ("approve", keys[3], "divisi_hukum", 2),
                ("order_upload", keys[4], "kasubbag", 2),
                ("report_posted", keys[5], "operator", 2),
            ]
        later = [
            ("submit_design", None, "operator", 1),
            ("approve", keys[2], "kasubbag", 1),
            ("approve", keys[3], "divisi_hukum", 1),
            ("order_upload", keys[4], "kasubbag", 1),
        ]
        return [*done, *later][: 2 + at_step]

    def _due(self, row: dict[str, Any], item_id: int, step: Step) -> None:
        if step.limit is None:  # a step without a time limit is never overdue
            started = self.now - timedelta(minutes=self.random.uniform(0.5, 9.5))
            row |= {"step_started_at": started}
            return
        if item_id % OVERDUE_SHARE == 0:
            # long overdue, every reminder round sent: nothing owed, but it is still open
            started = self.now - timedelta(days=self.random.uniform(3, 30))
            due = self.calendar.due_at(started, step.limit)
            for round_ in (1, 2, 3):
                self.seeded.add(
                    "reminders_sent",
                    {
                        "item_id": item_id,
                        "step_key": step.key,
                        "step_started_at": started,
                        "round": round_,
                        "late_minutes": 15 * round_,
                        "sent_at": due + timedelta(minutes=15 * round_),
                    },
                )
            remind_at = None
        else:
            started = self.now - timedelta(minutes=self.random.uniform(0.5, 9.5))
            due = self.calendar.due_at(started, step.limit)
            remind_at = self.calendar.next_opening(due)
        row |= {
            "step_started_at": started,
            "step_limit": step.limit.as_text(),
            "step_due_at": due,
            "remind_at": remind_at,
        }

    def _design(self, item_id: int, version: int, created: datetime) -> None:
        at = created + timedelta(hours=version)
        self.seeded.add(
            "design_versions",
            {
                "item_id": item_id,
                "version": version,
                "caption": f"Caption versi {version}",
                "submitted_by": _ACTOR["operator"],
                "submitted_at": at,
            },
        )
        self.seeded.add(
            "design_files",
            {
                "item_id": item_id,
                "version": version,
                "kind": "document",
                "file_id": f"BQACseed{item_id}v{version}",
                "file_unique_id": f"AQADseed{item_id}v{version}",
                "file_name": f"desain-{version}.png",
                "mime_type": "image/png",
                "file_size": 250_000,
                "sha256": f"{item_id:032d}{version:032d}",
                "stored_path": None,
                "width": 1080,
                "height": 1350,
                "uploaded_by": _ACTOR["operator"],
                "uploaded_at": at,
            },
        )

    def _event(
        self, item_id: int, at: datetime, action: str, step: str | None, role: str, version: int
    ) -> None:
        self.seeded.events += 1
        self.seeded.add(
            "events",
            {
                "item_id": item_id,
                "at": at,
                "action": action,
                "actor_id": _ACTOR[role],
                "actor_name": f"{role.title()} Lama",
                "role": role,
                "step_key": step,
                "version": version,
                "notes": "Perbaiki warna." if action == "return" else None,
                "file_hashes": None,
            },
        )

    def _card(
        self, item_id: int, at: datetime, step: str | None, version: int, *, live: bool
    ) -> None:
        """The card the event sent, and its delivered outbox row."""
        chat = list(GROUPS.values())[self.seeded.events % 3]
        self.next_message[chat] += 1
        self.seeded.add(
            "card_messages",
            {
                "chat_id": chat,
                "message_id": self.next_message[chat],
                "item_id": item_id,
                "step_key": step,
                "version": version,
                "kind": "card",
                "has_buttons": live,
                "text": f"<b>Item {item_id}</b> langkah {step}",
            },
        )
        self.seeded.add(
            "outbox",
            {
                "created_at": at,
                "chat_id": chat,
                "kind": "card",
                "item_id": item_id,
                "payload": {"step": step, "version": version},
                "parts_sent": 0,
                "attempts": 1,
                "next_attempt_at": None,
                "delivered_at": at,
                "failed_at": None,
                "last_error": None,
            },
        )


_TABLES = {
    "items": Item,
    "materials": Material,
    "design_versions": DesignVersion,
    "design_files": DesignFile,
    "events": Event,
    "card_messages": CardMessage,
    "outbox": OutboxMessage,
    "reminders_sent": ReminderSent,
}


def plan(config: Config, now: datetime, open_items: int, history: int) -> Seeded:
    """The rows: ``open_items`` open items over all steps, then published items until the
    history holds about ``history`` events."""
    build = _History(config, now)
    steps = len(config.sop.steps)
    for item_id in range(1, open_items + 1):
        build.item(item_id, item_id % steps)
    item_id = open_items
    while build.seeded.events + PUBLISHED_EVENTS <= history:
        item_id += 1
        build.item(item_id, None)
    return build.seeded


async def seed(
    database_url: str, config: Config, now: datetime, open_items: int, history: int
) -> Seeded:
    """Create the schema (the bot's migrations) and write the planned rows."""
    seeded = plan(config, now, open_items, history)
    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine)
        await _write(engine, seeded, config, now)
    finally:
        await engine.dispose()
    return seeded


async def _write(engine: AsyncEngine, seeded: Seeded, config: Config, now: datetime) -> None:
    items = seeded.open_items + seeded.published_items
    day = now.astimezone(config.timezone).date()
    async with engine.begin() as connection:
        for table, model in _TABLES.items():
            rows = seeded.rows.get(table, [])
            for start in range(0, len(rows), _CHUNK):
                await connection.execute(insert(model), rows[start : start + _CHUNK])
        await connection.execute(
            insert(ItemSequence), [{"prefix": config.sop.item_prefix, "year": 2026, "last": items}]
        )
        await connection.execute(insert(DigestSent), [{"day": day, "sent_at": now}])
