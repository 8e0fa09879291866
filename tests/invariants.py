"""Database invariants any test can check after a run, and a snapshot of every table for
"nothing changed" assertions. They read the rows directly (no service code), so a bug in the
service cannot hide itself."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.domain.sop import Sop, StepKind
from bot.domain.worktime import WorkCalendar
from storage.models import (
    QUESTION_MESSAGE,
    Base,
    CardMessage,
    DesignFile,
    DesignVersion,
    Event,
    Item,
    OutboxMessage,
    PendingInput,
    ReminderSent,
)
from tests.harness import Harness

OPEN = ("draft", "active")
CLOSED = ("published", "cancelled")
# Bookkeeping of the transport, not the office's state: every update received is written here.
TRANSPORT_TABLES = frozenset({"inbox"})
Snapshot = dict[str, list[tuple[Any, ...]]]


def engine_of(h: Harness) -> AsyncEngine:
    return h.engine


async def snapshot(engine: AsyncEngine) -> Snapshot:
    """Every row of every table of the office's state, in primary-key order."""
    tables: Snapshot = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in TRANSPORT_TABLES:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = await connection.execute(select(table).order_by(*order))
            tables[table.name] = [tuple(row) for row in rows]
    return tables


async def settled_snapshot(h: Harness) -> Snapshot:
    """The office's state once the bot has settled: the "before" of `assert_unchanged`."""
    await h.settle()
    return await snapshot(engine_of(h))


def changed_tables(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """Table -> (rows gone, rows new), for tables that differ; {} when nothing changed."""
    diff: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, []), after.get(name, [])
        if old != new:
            diff[name] = {
                "gone": [row for row in old if row not in new],
                "new": [row for row in new if row not in old],
            }
    return diff


async def assert_unchanged(h: Harness, before: Snapshot) -> None:
    """The database is as `before` (taken after `settle`); settles first."""
    await h.settle()
    diff = changed_tables(before, await snapshot(engine_of(h)))
    assert diff == {}, f"the database changed: {diff}"


async def assert_invariants(
    h: Harness, *, unreachable: Collection[int] = (), settled: bool = True
) -> None:
    """No invariant is broken; with `settled`, waits for the bot to settle first."""
    if settled:
        await h.settle()
    found = await violations(
        engine_of(h), h.config.sop, h.config.calendar, unreachable=unreachable, settled=settled
    )
    assert found == [], "database invariants broken:\n" + "\n".join(found)


async def violations(
    engine: AsyncEngine,
    sop: Sop,
    calendar: WorkCalendar | None = None,
    *,
    unreachable: Collection[int] = (),
    settled: bool = False,
) -> list[str]:
    """Everything wrong with the stored state, one line each; [] when it is consistent.

    `unreachable`: chats the bot may fail to deliver to (blocked, never started).
    `settled`: the outbox has been drained, so no row may still be waiting."""
    factory = async_sessionmaker(engine, expire_on_commit=False)
    async with factory() as session:
        items, found = await _state(session, sop, calendar)
        found += _card_violations(items, await _all(session, CardMessage, CardMessage.id))
        found += _pending_violations(items, await _all(session, PendingInput, PendingInput.user_id))
        found += _outbox_violations(
            await _all(session, OutboxMessage, OutboxMessage.id), unreachable, settled
        )
        found += _reminder_violations(await _all(session, ReminderSent, ReminderSent.id))
        return found


async def state_violations(
    engine: AsyncEngine, sop: Sop, calendar: WorkCalendar | None = None
) -> list[str]:
    """What must hold at every commit, even mid-conversation (a database copied while the bot
    works): each item's state is where its history leads, its due time is the SOP's, its
    design versions add up. (Live buttons and the outbox are checked by `violations`.)"""
    factory = async_sessionmaker(engine, expire_on_commit=False)
    async with factory() as session:
        return (await _state(session, sop, calendar))[1]


async def _state(
    session: AsyncSession, sop: Sop, calendar: WorkCalendar | None
) -> tuple[list[Item], list[str]]:
    """The items, and what is wrong with their state, history and design versions."""
    items = await _all(session, Item, Item.id)
    by_item: dict[int, list[Event]] = defaultdict(list)
    for event in await _all(session, Event, Event.id):
        by_item[event.item_id].append(event)
    found: list[str] = []
    for item in items:
        found += _item_violations(item, sop, calendar)
        found += _history_violations(item, by_item.get(item.id, []), sop)
    found += _design_violations(
        items,
        await _all(session, DesignVersion, DesignVersion.id),
        await _all(session, DesignFile, DesignFile.id),
    )
    return items, found


async def _all(session: AsyncSession, model: Any, order: Any) -> Sequence[Any]:
    return (await session.execute(select(model).order_by(order))).scalars().all()


def _item_violations(item: Item, sop: Sop, calendar: WorkCalendar | None) -> list[str]:
    where = f"item {item.code}"
    if item.status not in (*OPEN, *CLOSED):
        return [f"{where}: unknown status {item.status!r}"]
    found: list[str] = []
    if item.status == "active":
        if item.step_key is None or not sop.has_step(item.step_key):
            return [f"{where}: active but at no SOP step ({item.step_key!r})"]
        step = sop.step(item.step_key)
        if item.step_started_at is None:
            found.append(f"{where}: active at {step.key} without step_started_at")
        limit = step.limit.as_text() if step.limit else None
        if item.step_limit != limit:
            found.append(f"{where}: step_limit {item.step_limit!r}, the SOP says {limit!r}")
        if step.limit is None and item.step_due_at is not None:
            found.append(f"{where}: a due time at {step.key}, which has no limit")
        if step.limit is not None and item.step_started_at is not None:
            if item.step_due_at is None:
                found.append(f"{where}: no due time at {step.key}")
            elif calendar is not None:
                due = calendar.due_at(item.step_started_at, step.limit)
                if due != item.step_due_at:
                    found.append(f"{where}: due {item.step_due_at}, {limit} gives {due}")
        if item.step_due_at is not None and item.step_started_at is not None:
            if item.step_due_at < item.step_started_at:
                found.append(f"{where}: due before the step started")
        if item.remind_at is not None and item.step_due_at is not None:
            if item.remind_at < item.step_due_at:
                found.append(f"{where}: a reminder owed before the step is due")
        if item.closed_at is not None:
            found.append(f"{where}: active but closed_at is set")
        return found
    if item.status == "draft":
        if item.step_key is not None or item.step_started_at is not None:
            found.append(f"{where}: a draft at step {item.step_key!r}")
        if item.closed_at is not None or item.version != 0:
            found.append(f"{where}: a draft closed or with a design version")
        return found
    if item.step_key is not None or item.remind_at is not None or item.step_due_at is not None:
        found.append(f"{where}: {item.status} but still at {item.step_key!r} / owes a reminder")
    if item.closed_at is None:
        found.append(f"{where}: {item.status} without closed_at")
    if item.status == "published" and not item.post_links:
        found.append(f"{where}: published without a link")
    return found


def _history_violations(item: Item, events: list[Event], sop: Sop) -> list[str]:
    """Replays the history through the SOP: each event must start where the previous one
    left the item, and the replay must end where the item is."""
    where = f"item {item.code}"
    if not events or events[0].action != "created":
        return [f"{where}: history does not begin with 'created'"]
    found: list[str] = []
    if events[0].step_key is not None or events[0].version != 0:
        found.append(f"{where}: 'created' at a step or version")
    if item.rev != len(events) - 1:
        found.append(f"{where}: rev {item.rev} but {len(events) - 1} transitions recorded")
    status, step, version = "draft", None, 0
    previous = events[0]
    design = next(s for s in sop.steps if s.kind is StepKind.DESIGN)
    for event in events[1:]:
        label = f"{where}: event {event.id} ({event.action})"
        if event.at < previous.at:
            found.append(f"{label} is earlier than the event before it")
        previous = event
        if event.action == "correct":  # ralat: a published item back at the design step
            if status != "published" or event.step_key is not None or event.version != version:
                found.append(f"{label}: a correction of an item {status} at {event.step_key!r}")
            status, step = "active", design.key
            continue
        if status in CLOSED:
            found.append(f"{label} after the item was {status}")
            continue
        if event.step_key != step:
            found.append(f"{label} at step {event.step_key!r}, the item was at {step!r}")
        expected_version = version + 1 if event.action == "submit_design" else version
        if event.version != expected_version:
            found.append(f"{label} version {event.version}, expected {expected_version}")
        version = expected_version
        if event.action == "cancel":
            status, step = "cancelled", None
        elif event.action == "submit_material":
            if status != "draft":
                found.append(f"{label}: material handed in twice")
            status, step = "active", sop.first_step.key
        elif status != "active" or step is None:
            found.append(f"{label} while the item was a draft")
        elif event.action == "return":
            step = sop.step(step).return_to
        else:
            origin = design.key if event.action == "submit_design" else step
            following = sop.next_step(origin)
            step = following.key if following else None
            status = "active" if following else "published"
    if (status, step, version) != (item.status, item.step_key, item.version):
        found.append(
            f"{where}: history leads to {(status, step, version)}, "
            f"the item is {(item.status, item.step_key, item.version)}"
        )
    return found


def _design_violations(
    items: Sequence[Item], versions: Sequence[DesignVersion], files: Sequence[DesignFile]
) -> list[str]:
    found: list[str] = []
    by_id = {item.id: item for item in items}
    submitted: Counter[int] = Counter()
    for row in versions:
        item = by_id[row.item_id]
        if row.submitted_at is not None:
            submitted[row.item_id] += 1
            if row.version > item.version:
                found.append(f"item {item.code}: version {row.version} submitted beyond the item")
        elif row.version != item.version + 1:
            found.append(f"item {item.code}: draft version {row.version} is not the next one")
    for item in items:
        if submitted[item.id] != item.version:
            found.append(
                f"item {item.code}: at version {item.version}, {submitted[item.id]} submitted"
            )
    for file in files:
        if file.item_id is None:
            continue  # parked while the operator picks the item
        item = by_id[file.item_id]
        if file.version is None or not 1 <= file.version <= item.version + 1:
            found.append(f"item {item.code}: design file {file.id} of version {file.version}")
    return found


def _card_violations(items: Sequence[Item], cards: Sequence[CardMessage]) -> list[str]:
    """Live buttons only on messages about an item's current step and version. A question
    the bot asked with buttons (kind "ask") is about the step and version it was asked at,
    and keeps them while the item is there, a draft included (its material's "Selesai");
    the newest question in a chat replaces the others, so a chat keeps one at most."""
    found: list[str] = []
    by_id = {item.id: item for item in items}
    asked: dict[int, list[int]] = defaultdict(list)
    for card in cards:
        if not card.has_buttons:
            continue
        item = by_id[card.item_id]
        expected = item.version + 1 if card.kind == "ack" else item.version
        open_statuses = OPEN if card.kind == QUESTION_MESSAGE else ("active",)
        if card.kind == QUESTION_MESSAGE:
            asked[card.chat_id].append(card.message_id)
        if (
            item.status not in open_statuses
            or card.step_key != item.step_key
            or card.version != expected
        ):
            found.append(
                f"item {item.code}: message {card.chat_id}/{card.message_id} ({card.kind}, "
                f"{card.step_key} v{card.version}) keeps buttons; item is {item.status} "
                f"at {item.step_key} v{item.version}"
            )
    for chat_id, messages in asked.items():
        if len(messages) > 1:
            found.append(f"chat {chat_id}: questions keep buttons on messages {messages}")
    return found


def _pending_violations(items: Sequence[Item], pending: Sequence[PendingInput]) -> list[str]:
    by_id = {item.id: item for item in items}
    found: list[str] = []
    for row in pending:
        if row.item_id is None:
            continue
        item = by_id[row.item_id]
        if item.status in CLOSED:
            found.append(f"user {row.user_id} still asked for {row.kind} of {item.status} item")
    return found


def _outbox_violations(
    rows: Sequence[OutboxMessage], unreachable: Collection[int], settled: bool
) -> list[str]:
    found: list[str] = []
    for row in rows:
        if row.delivered_at is not None and row.failed_at is not None:
            found.append(f"outbox {row.id}: both delivered and failed")
        elif row.failed_at is not None and row.chat_id not in unreachable:
            found.append(f"outbox {row.id} ({row.kind}) to {row.chat_id} failed: {row.last_error}")
        elif settled and row.delivered_at is None and row.failed_at is None:
            found.append(f"outbox {row.id} ({row.kind}) to {row.chat_id} still pending")
    return found


def _reminder_violations(rows: Sequence[ReminderSent]) -> list[str]:
    """At most one reminder per round of a step's visit. Rounds may skip: after downtime
    only the latest owed round is sent."""
    found: list[str] = []
    rounds: dict[tuple[int, str, Any], list[int]] = defaultdict(list)
    for row in rows:
        rounds[(row.item_id, row.step_key, row.step_started_at)].append(row.round)
    for (item_id, step, started), sent in rounds.items():
        if len(set(sent)) != len(sent) or min(sent) < 1:
            found.append(f"item {item_id} at {step} since {started}: reminder rounds {sent}")
    return found
