"""Queries and writes, grouped by table. Repositories never commit: the unit of work does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    QUESTION_MESSAGE,
    CardMessage,
    DesignFile,
    DesignVersion,
    DigestSent,
    Event,
    InboxUpdate,
    Item,
    ItemSequence,
    Material,
    OutboxMessage,
    PendingInput,
    ReminderSent,
)


def _look_statement() -> Select[Any]:
    """The outbox sender's look (`Repository.due_outbox_turns`), built once: building it costs
    more than running it. Rows due now, leaving out those in `skip`; of each chat its first
    `turn` rows in the order they were written (of a chat in `busy`, only its first: enough to
    know it has more); a chat's first rows before anyone's second, at most `cap` rows. A
    message waits for the due rows of `work_chat` (the bot's own work, e.g. writing an item's
    archive) written before it: the archive is there before anyone is told the item was
    published."""
    # typed by the columns they are compared with
    now: BindParameter[Any] = bindparam("now")
    work_chat: BindParameter[Any] = bindparam("work_chat")

    def due(row: type[OutboxMessage]) -> list[ColumnElement[bool]]:
        return [
            row.delivered_at.is_(None),
            row.failed_at.is_(None),
            or_(row.next_attempt_at.is_(None), row.next_attempt_at <= now),
        ]

    work = aliased(OutboxMessage)
    first_work = (
        select(func.min(work.id)).where(work.chat_id == work_chat, *due(work)).scalar_subquery()
    )
    after_work = or_(
        OutboxMessage.chat_id == work_chat,
        first_work.is_(None),
        OutboxMessage.id < first_work,
    )
    place = (
        func.row_number()
        .over(partition_by=OutboxMessage.chat_id, order_by=OutboxMessage.id)
        .label("place")
    )
    ranked = (
        select(OutboxMessage.id, place)
        .where(
            *due(OutboxMessage),
            after_work,
            OutboxMessage.id.not_in(bindparam("skip", expanding=True)),
        )
        .subquery()
    )
    turn = case(
        (OutboxMessage.chat_id.in_(bindparam("busy", expanding=True)), 1),
        else_=bindparam("turn"),
    )
    return (
        select(OutboxMessage)
        .join(ranked, ranked.c.id == OutboxMessage.id)
        .where(ranked.c.place <= turn)
        .order_by(ranked.c.place, OutboxMessage.id)
        .limit(bindparam("cap"))
    )


_LOOK = _look_statement()


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # outbox rows owed in this unit of work, written in one statement (`write_owed`)
        self._owed: list[dict[str, Any]] = []

    def add(self, row: object) -> None:
        self.session.add(row)

    async def flush(self) -> None:
        await self.write_owed()
        await self.session.flush()

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    # --- items ---------------------------------------------------------------------------

    async def next_number(self, prefix: str, year: int) -> int:
        """The next item number of the year; one upsert, so concurrent openers (even of the
        year's first item) each get their own number."""
        upsert = pg_insert if self._dialect() == "postgresql" else sqlite_insert
        bumped = await self.session.execute(
            upsert(ItemSequence)
            .values(prefix=prefix, year=year, last=1)
            .on_conflict_do_update(
                index_elements=[ItemSequence.prefix, ItemSequence.year],
                set_={"last": ItemSequence.last + 1},
            )
            .returning(ItemSequence.last)
        )
        return int(bumped.scalar_one())

    async def item(self, item_id: int, *, for_update: bool = False) -> Item | None:
        # FOR UPDATE is a no-op on SQLite, where BEGIN IMMEDIATE already serialises writers.
        return await self.session.get(
            Item, item_id, populate_existing=True, with_for_update=for_update or None
        )

    async def item_with_events(self, item_id: int) -> tuple[Item | None, list[Event]]:
        """The item and its history, oldest first, in one statement."""
        found = await self.session.execute(
            select(Item, Event)
            .outerjoin(Event, Event.item_id == Item.id)
            .where(Item.id == item_id)
            .order_by(Event.id),
            execution_options={"populate_existing": True},
        )
        rows = found.all()
        item = rows[0][0] if rows else None
        return item, [event for _item, event in rows if event is not None]

    async def item_by_code(self, code: str) -> Item | None:
        found = await self.session.execute(select(Item).where(Item.code == code.upper()))
        return found.scalar_one_or_none()

    async def update_item_if_rev(
        self, item_id: int, rev: int, values: dict[str, Any]
    ) -> Item | None:
        """Apply a transition only if nobody else did first (a conditional UPDATE, not a read
        followed by a write): exactly one of two simultaneous presses wins. Returns the item
        as updated (the loaded object, refreshed by RETURNING), or None for the loser."""
        result = await self.session.execute(
            update(Item)
            .where(Item.id == item_id, Item.rev == rev)
            .values(rev=rev + 1, **values)
            .returning(Item),
            execution_options={"synchronize_session": False, "populate_existing": True},
        )
        return result.scalars().one_or_none()

    async def items_with_status(self, statuses: Iterable[str]) -> Sequence[Item]:
        found = await self.session.execute(
            select(Item).where(Item.status.in_(list(statuses))).order_by(Item.id)
        )
        return found.scalars().all()

    # The item statuses are the workflow's (bot.domain.workflow.ItemStatus); storage knows
    # nothing of the bot, so the service passes the status it means.

    async def items_at(self, status: str, step_keys: Iterable[str]) -> Sequence[Item]:
        found = await self.session.execute(
            select(Item)
            .where(Item.status == status, Item.step_key.in_(list(step_keys)))
            .order_by(Item.id)
        )
        return found.scalars().all()

    async def items_created_by(self, user_id: int, status: str) -> Sequence[Item]:
        found = await self.session.execute(
            select(Item).where(Item.status == status, Item.created_by == user_id).order_by(Item.id)
        )
        return found.scalars().all()

    async def closed_between(self, status: str, start: datetime, end: datetime) -> Sequence[Item]:
        found = await self.session.execute(
            select(Item)
            .where(Item.status == status, Item.closed_at >= start, Item.closed_at < end)
            .order_by(Item.closed_at)
        )
        return found.scalars().all()

    # --- reminders -----------------------------------------------------------------------

    async def earliest_reminder(self, *, status: str) -> datetime | None:
        """The earliest reminder owed for an item in `status` (the active one)."""
        found = await self.session.execute(
            select(func.min(Item.remind_at)).where(Item.status == status)
        )
        return found.scalar_one_or_none()

    async def items_to_remind(self, now: datetime, limit: int, *, status: str) -> list[int]:
        found = await self.session.execute(
            select(Item.id)
            .where(Item.status == status, Item.remind_at <= now)
            .order_by(Item.remind_at, Item.id)
            .limit(limit)
        )
        return list(found.scalars().all())

    async def last_round(self, item_id: int, step_key: str, step_started_at: datetime) -> int:
        found = await self.session.execute(
            select(func.max(ReminderSent.round)).where(
                ReminderSent.item_id == item_id,
                ReminderSent.step_key == step_key,
                ReminderSent.step_started_at == step_started_at,
            )
        )
        return int(found.scalar_one_or_none() or 0)

    async def move_reminder(self, item: Item, next_at: datetime | None, *, status: str) -> bool:
        """Move the item's next reminder on, only if it is still the one we read, in `status`
        (a decision or another tick may have moved it): the row is claimed before anything
        is sent."""
        result = await self.session.execute(
            update(Item)
            .where(
                Item.id == item.id,
                Item.status == status,
                Item.remind_at == item.remind_at,
                Item.step_started_at == item.step_started_at,
            )
            .values(remind_at=next_at)
            .execution_options(synchronize_session=False)
        )
        moved: int = result.rowcount  # type: ignore[attr-defined]
        return moved == 1

    async def digest_sent(self, day: date) -> bool:
        return await self.session.get(DigestSent, day) is not None

    # --- material and design -------------------------------------------------------------

    async def materials(self, item_id: int) -> Sequence[Material]:
        found = await self.session.execute(
            select(Material).where(Material.item_id == item_id).order_by(Material.id)
        )
        return found.scalars().all()

    async def design_files(self, item_id: int, version: int) -> Sequence[DesignFile]:
        found = await self.session.execute(
            select(DesignFile)
            .where(DesignFile.item_id == item_id, DesignFile.version == version)
            .order_by(DesignFile.id)
        )
        return found.scalars().all()

    async def design_file(self, file_row_id: int) -> DesignFile | None:
        return await self.session.get(DesignFile, file_row_id)

    async def delete_design_files(self, item_id: int, version: int) -> None:
        await self.session.execute(
            delete(DesignFile).where(DesignFile.item_id == item_id, DesignFile.version == version)
        )

    async def design_version(self, item_id: int, version: int) -> DesignVersion | None:
        found = await self.session.execute(
            select(DesignVersion).where(
                DesignVersion.item_id == item_id, DesignVersion.version == version
            )
        )
        return found.scalar_one_or_none()

    async def ensure_design_version(
        self, item_id: int, version: int, *, caption: str | None = None
    ) -> DesignVersion:
        """The version's row, made (with `caption`, when given) if it is not there yet."""
        existing = await self.design_version(item_id, version)
        if existing is not None:
            if caption is not None:
                existing.caption = caption
            return existing
        row = DesignVersion(item_id=item_id, version=version, caption=caption)
        self.session.add(row)
        await self.session.flush()
        return row

    async def design_version_submitted(
        self, item_id: int, version: int, by: int, at: datetime
    ) -> None:
        """Stamp who handed the version in, and when (its row made if it is not there)."""
        stamped = await self.session.execute(
            update(DesignVersion)
            .where(DesignVersion.item_id == item_id, DesignVersion.version == version)
            .values(submitted_by=by, submitted_at=at)
            .execution_options(synchronize_session=False)
        )
        if not stamped.rowcount:  # type: ignore[attr-defined]
            self.session.add(
                DesignVersion(item_id=item_id, version=version, submitted_by=by, submitted_at=at)
            )

    # --- history -------------------------------------------------------------------------

    async def events(self, item_id: int) -> Sequence[Event]:
        found = await self.session.execute(
            select(Event).where(Event.item_id == item_id).order_by(Event.id)
        )
        return found.scalars().all()

    async def last_decision(
        self, item_id: int, step_key: str | None, version: int | None
    ) -> Event | None:
        """The event that closed a step (and version), to tell a late presser who acted."""
        query = select(Event).where(Event.item_id == item_id, Event.step_key == step_key)
        if version is not None:
            query = query.where(Event.version == version)
        found = await self.session.execute(query.order_by(Event.id.desc()).limit(1))
        return found.scalar_one_or_none()

    async def last_event(self, item_id: int) -> Event | None:
        found = await self.session.execute(
            select(Event).where(Event.item_id == item_id).order_by(Event.id.desc()).limit(1)
        )
        return found.scalar_one_or_none()

    async def last_event_at(self, item_id: int, step_key: str | None, version: int) -> Event | None:
        """The latest decision taken at one step and version of an item (what closed a card
        for it), else the item's latest event (a cancellation names no step)."""
        found = await self.session.execute(
            select(Event)
            .where(Event.item_id == item_id, Event.step_key == step_key, Event.version == version)
            .order_by(Event.id.desc())
            .limit(1)
        )
        return found.scalar_one_or_none() or await self.last_event(item_id)

    # --- messages about items ------------------------------------------------------------

    async def card_at(self, chat_id: int, message_id: int) -> CardMessage | None:
        """The item message at (chat, message); a question the bot asked is not one (a reply
        to it answers the question, it does not name an item)."""
        found = await self.session.execute(
            select(CardMessage).where(
                CardMessage.chat_id == chat_id,
                CardMessage.message_id == message_id,
                CardMessage.kind != QUESTION_MESSAGE,
            )
        )
        return found.scalar_one_or_none()

    async def live_messages(
        self,
        *,
        kind: str,
        chat_id: int | None = None,
        item_id: int | None = None,
        version: int | None = None,
    ) -> Sequence[CardMessage]:
        """The messages of `kind` whose buttons are live, in a chat or of an item's version."""
        query = select(CardMessage).where(
            CardMessage.kind == kind, CardMessage.has_buttons.is_(True)
        )
        if chat_id is not None:
            query = query.where(CardMessage.chat_id == chat_id)
        if item_id is not None:
            query = query.where(CardMessage.item_id == item_id)
        if version is not None:
            query = query.where(CardMessage.version == version)
        found = await self.session.execute(query.order_by(CardMessage.id))
        return found.scalars().all()

    async def cards_by_id(self, card_ids: Iterable[int]) -> Sequence[CardMessage]:
        found = await self.session.execute(
            select(CardMessage).where(CardMessage.id.in_(list(card_ids)))
        )
        return found.scalars().all()

    async def retire_cards(self, item_id: int) -> list[tuple[int, int]]:
        """Take the buttons off every message of the item that has live ones, in one
        statement; returns those messages (id, chat), oldest first."""
        found = await self.session.execute(
            update(CardMessage)
            .where(CardMessage.item_id == item_id, CardMessage.has_buttons.is_(True))
            .values(has_buttons=False)
            .returning(CardMessage.id, CardMessage.chat_id)
        )
        return sorted((card_id, chat_id) for card_id, chat_id in found.all())

    async def cards_with_buttons(self, item_id: int) -> Sequence[CardMessage]:
        found = await self.session.execute(
            select(CardMessage)
            .where(CardMessage.item_id == item_id, CardMessage.has_buttons.is_(True))
            .order_by(CardMessage.id)
        )
        return found.scalars().all()

    # --- pending input -------------------------------------------------------------------

    async def pending_input(self, user_id: int) -> PendingInput | None:
        # read again, not from the session: the writes below are statements, not objects
        return await self.session.get(PendingInput, user_id, populate_existing=True)

    async def set_pending_input(self, row: PendingInput) -> None:
        """The member's one open question, replacing any other: one upsert."""
        values = {
            "user_id": row.user_id,
            "kind": row.kind,
            "item_id": row.item_id,
            "step_key": row.step_key,
            "version": row.version,
            "asked_at": row.asked_at,
            "sop_key": row.sop_key,
        }
        upsert = pg_insert if self._dialect() == "postgresql" else sqlite_insert
        statement = upsert(PendingInput).values(**values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[PendingInput.user_id],
                set_={name: statement.excluded[name] for name in values if name != "user_id"},
            )
        )

    async def clear_pending_input(self, user_id: int, *, about_item: int | None = None) -> None:
        """Forget the member's open question, and with `about_item` everyone's questions
        about that item: one DELETE."""
        whom = PendingInput.user_id == user_id
        if about_item is not None:
            whom = or_(whom, PendingInput.item_id == about_item)
        await self.session.execute(delete(PendingInput).where(whom))

    # --- outbox --------------------------------------------------------------------------

    def owe(
        self, created_at: datetime, chat_id: int, kind: str, item_id: int | None, payload: Any
    ) -> None:
        """An outbox row, written with the others owed in this unit of work in one statement
        before anything reads the outbox, and at the latest with the commit (storage/uow.py).
        Rows are written in the order they were owed (their ids are the order they go)."""
        self._owed.append(
            {
                "created_at": created_at,
                "chat_id": chat_id,
                "kind": kind,
                "item_id": item_id,
                "payload": payload,
            }
        )

    async def write_owed(self) -> None:
        if self._owed:
            rows, self._owed = self._owed, []
            await self.session.execute(insert(OutboxMessage), rows)

    async def due_outbox_turns(
        self,
        now: datetime,
        *,
        turn: int,
        cap: int,
        work_chat: int,
        busy: Iterable[int] = (),
        skip: Iterable[int] = (),
    ) -> Sequence[OutboxMessage]:
        """The rows due now, but those in `skip` (rows a lane holds, edits awaiting their
        mark): of each chat its first `turn` in the order they were written (of a chat in
        `busy`, only the first), a chat's first row before anyone's second, at most `cap`
        rows; one statement. They come by place (every chat's first row, oldest first, then
        every chat's second, ...), so a chat's rows in the order they were written."""
        await self.write_owed()
        found = await self.session.execute(
            _LOOK,
            {
                "now": now,
                "work_chat": work_chat,
                "turn": turn,
                "cap": cap,
                "busy": list(busy),
                "skip": list(skip),
            },
        )
        rows: Sequence[OutboxMessage] = found.scalars().all()
        return rows

    async def outbox_row(self, row_id: int) -> OutboxMessage | None:
        await self.write_owed()
        return await self.session.get(OutboxMessage, row_id, populate_existing=True)

    async def outbox_parts_sent(self, row_id: int, parts: int) -> None:
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(parts_sent=parts)
            .execution_options(synchronize_session=False)
        )

    async def deliver_outbox(
        self, row_ids: Iterable[int], now: datetime, *, parts: tuple[int, int] | None = None
    ) -> None:
        """Mark rows delivered that are not yet (each once, however often it is asked), with
        `parts` = (row, parts it sent) when given: one UPDATE, no read."""
        values: dict[str, Any] = {"attempts": OutboxMessage.attempts + 1, "delivered_at": now}
        if parts is not None:
            row_id, sent = parts
            values["parts_sent"] = case(
                (OutboxMessage.id == row_id, sent), else_=OutboxMessage.parts_sent
            )
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(row_ids)), OutboxMessage.delivered_at.is_(None))
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def fail_outbox(self, row_id: int, now: datetime, error: str) -> None:
        """Give a row up, with the error that made it fail: one UPDATE, no read."""
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(attempts=OutboxMessage.attempts + 1, failed_at=now, last_error=error[:500])
            .execution_options(synchronize_session=False)
        )

    async def add_sent_messages(
        self, rows: Sequence[dict[str, Any]], *, live_at: tuple[int, str, str, int] | None
    ) -> bool:
        """Record messages the sender sent about an item (`CardMessage` columns), in one
        INSERT. A row with buttons keeps them only while its item is still at `live_at` =
        (item, status, step, version), checked by the INSERT itself; returns whether they
        were kept (False too when no row has buttons or `live_at` is None)."""
        if not rows:
            return False
        values: list[dict[str, Any]] = []
        checked = False
        for row in rows:
            if row["has_buttons"]:
                if live_at is None:
                    row = {**row, "has_buttons": False}
                else:
                    item_id, status, step_key, version = live_at
                    still = (
                        select(Item.id)
                        .where(
                            Item.id == item_id,
                            Item.status == status,
                            Item.step_key == step_key,
                            Item.version == version,
                        )
                        .exists()
                    )
                    row = {**row, "has_buttons": still}
                    checked = True
            values.append(row)
        statement = insert(CardMessage).values(values)
        if not checked:
            await self.session.execute(statement)
            return False
        found = await self.session.execute(statement.returning(CardMessage.has_buttons))
        return any(found.scalars().all())

    async def set_preview_file_id(self, item_id: int, version: int, file_id: str) -> None:
        """Remember the file_id of a version's review preview (the outbox sender uploaded
        it): one UPDATE, nothing when the version has no row."""
        await self.session.execute(
            update(DesignVersion)
            .where(DesignVersion.item_id == item_id, DesignVersion.version == version)
            .values(preview_file_id=file_id)
            .execution_options(synchronize_session=False)
        )

    async def requeue_failed(self, chat_id: int | None, error_prefix: str = "") -> int:
        """Give failed rows (of one chat, or all; those whose error starts with
        `error_prefix`) a new start; returns how many."""
        statement = update(OutboxMessage).where(
            OutboxMessage.delivered_at.is_(None),
            OutboxMessage.failed_at.is_not(None),
            OutboxMessage.last_error.startswith(error_prefix, autoescape=True),
        )
        if chat_id is not None:
            statement = statement.where(OutboxMessage.chat_id == chat_id)
        result = await self.session.execute(
            statement.values(failed_at=None, attempts=0, next_attempt_at=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def undelivered(self) -> Sequence[OutboxMessage]:
        """Every row not (yet) delivered: waiting, retrying or failed, oldest first."""
        await self.write_owed()
        found = await self.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.delivered_at.is_(None))
            .order_by(OutboxMessage.id)
        )
        return found.scalars().all()

    # --- inbox of updates ----------------------------------------------------------------

    async def journal_update(self, update_id: int, payload: dict[str, Any], now: datetime) -> bool:
        """Write an update down; False when it was already there (sent again by Telegram)."""
        upsert = pg_insert if self._dialect() == "postgresql" else sqlite_insert
        written = await self.session.execute(
            upsert(InboxUpdate)
            .values(update_id=update_id, payload=payload, received_at=now, attempts=0)
            .on_conflict_do_nothing(index_elements=[InboxUpdate.update_id])
        )
        return bool(written.rowcount)  # type: ignore[attr-defined]

    async def finish_update(self, update_id: int, now: datetime) -> None:
        await self.session.execute(
            update(InboxUpdate).where(InboxUpdate.update_id == update_id).values(done_at=now)
        )

    async def unfinished_updates(self) -> Sequence[InboxUpdate]:
        found = await self.session.execute(
            select(InboxUpdate).where(InboxUpdate.done_at.is_(None)).order_by(InboxUpdate.update_id)
        )
        return found.scalars().all()

    async def forget_updates_done_before(self, moment: datetime) -> None:
        await self.session.execute(delete(InboxUpdate).where(InboxUpdate.done_at < moment))

    # --- added for issue 11 (same-role gaps) ---------------------------------------------

    async def delete_design_files_of(self, item_id: int, version: int, user_id: int) -> None:
        """Delete the pages of a version that one member uploaded (not a colleague's)."""
        await self.session.execute(
            delete(DesignFile).where(
                DesignFile.item_id == item_id,
                DesignFile.version == version,
                DesignFile.uploaded_by == user_id,
            )
        )

    async def waiting_outbox(
        self, chat_id: int, kind: str, item_id: int
    ) -> Sequence[OutboxMessage]:
        """Rows of one kind for one item still waiting to be sent to a chat (not delivered,
        not given up on)."""
        await self.write_owed()
        found = await self.session.execute(
            select(OutboxMessage).where(
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.kind == kind,
                OutboxMessage.item_id == item_id,
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.failed_at.is_(None),
            )
        )
        return found.scalars().all()

    # --- added for issue 14 (the day change, helper daychange) ---------------------------

    async def item_outbox_since(
        self, item_id: int, kind: str, since: datetime
    ) -> Sequence[OutboxMessage]:
        """Rows of one kind for one item written at or after `since`, to any chat, whatever
        became of them (waiting, sent or given up on): what was already owed."""
        await self.write_owed()
        found = await self.session.execute(
            select(OutboxMessage)
            .where(
                OutboxMessage.item_id == item_id,
                OutboxMessage.kind == kind,
                OutboxMessage.created_at >= since,
            )
            .order_by(OutboxMessage.id)
        )
        return found.scalars().all()
