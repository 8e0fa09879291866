"""Reads for screens and cards (/tugas, /status, the cards the sender renders), and the
bookkeeping of which Telegram message shows which item."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.archive.store import search_archive
from bot.domain.sop import Sop, StepKind
from bot.domain.workflow import Action, Actor, ItemStatus
from bot.service.directory import Directory
from bot.service.errors import NotAMember
from bot.service.rows import draft_version, event_view, file_ref, item_view, material_view
from bot.service.views import CardData, EventView, ItemView
from storage.models import CardMessage, Item
from storage.uow import SessionFactory, UnitOfWork


@dataclass(frozen=True, slots=True)
class RetireTarget:
    chat_id: int
    message_id: int
    text: str | None


@dataclass(frozen=True, slots=True)
class OutboxProgress:
    """What the outbox sender records about its row in the same commit as the message it
    sent: how many parts of the row went out, or that the row is done."""

    row_id: int
    at: datetime
    parts_sent: int | None = None  # a file went out: the parts sent so far
    delivered: bool = False  # the card's text went out: the row is done
    # other rows the sender is done with (edits it made), marked delivered in this commit
    also_delivered: tuple[int, ...] = ()


def _still_current(item: Item, step_key: str | None, version: int, kind: str) -> bool:
    if item.status != ItemStatus.ACTIVE or item.step_key != step_key:
        return False
    # a receipt for an upload belongs to the draft, one version ahead of the item
    expected = draft_version(item) if kind == "ack" else item.version
    return version == expected


class JdihQueries:
    def __init__(
        self,
        factory: SessionFactory,
        sop: Sop,
        members: Directory | None = None,
        admins: frozenset[int] = frozenset(),
    ) -> None:
        self.factory = factory
        self.sop = sop
        # Who may read the office's work (the *_for reads and tasks): the members and the
        # admins; without a member list, nobody.
        self.members = members
        self.admins = admins

    def reader(self, user_id: int) -> Actor:
        """The member, or an admin who holds no SOP role (they read, they do not act);
        NotAMember for anyone else."""
        actor = self.members.actor(user_id) if self.members is not None else None
        if actor is not None:
            return actor
        if self.members is not None and user_id in self.admins:
            return Actor(user_id, self.members.name(user_id), frozenset())
        raise NotAMember(user_id)

    def _member_only(self, user_id: int) -> None:
        """The office's work is shown to members (and admins) only, whatever the handler
        checked before (the gate is one lock, this the second)."""
        self.reader(user_id)

    async def tasks(self, actor: Actor) -> tuple[list[ItemView], list[ItemView]]:
        """Items waiting for one of the actor's roles, and the actor's own drafts."""
        self._member_only(actor.user_id)
        steps = [step.key for step in self.sop.steps if step.role in actor.roles]
        async with UnitOfWork(self.factory) as uow:
            waiting = await uow.repo.items_at(ItemStatus.ACTIVE, steps) if steps else []
            drafts = await uow.repo.items_created_by(actor.user_id, ItemStatus.DRAFT)
            return (
                [item_view(item, self.sop) for item in waiting],
                [item_view(item, self.sop) for item in drafts],
            )

    async def status(self, code: str) -> tuple[ItemView, list[EventView]] | None:
        async with UnitOfWork(self.factory) as uow:
            item = await uow.repo.item_by_code(code)
            if item is None:
                return None
            events = await uow.repo.events(item.id)
            return item_view(item, self.sop), [event_view(event) for event in events]

    async def status_for(self, viewer: int, code: str) -> tuple[ItemView, list[EventView]] | None:
        """/status for a member: the item and its whole history; NotAMember for others."""
        self._member_only(viewer)
        return await self.status(code)

    async def code_for(self, viewer: int, item_id: int) -> str | None:
        """An item's code, for a member; NotAMember for others."""
        self._member_only(viewer)
        return await self.item_code(item_id)

    async def search_archive_for(
        self, viewer: int, root: Path, **filters: str
    ) -> list[dict[str, Any]]:
        """/arsip for a member (see bot.archive.store.search_archive); NotAMember for others."""
        self._member_only(viewer)
        return await asyncio.to_thread(search_archive, root, **filters)

    async def item_code(self, item_id: int) -> str | None:
        async with UnitOfWork(self.factory) as uow:
            item = await uow.repo.item(item_id)
            return item.code if item else None

    async def card_data(
        self, item_id: int, step_key: str, version: int, return_event_id: int | None = None
    ) -> CardData | None:
        async with UnitOfWork(self.factory) as uow:
            item = await uow.repo.item(item_id)
            if item is None or not self.sop.has_step(step_key):
                return None
            step = self.sop.step(step_key)
            # the design step shows the last submitted version (if any) for reference only
            shown = version if step.kind is not StepKind.DESIGN else 0
            files = await uow.repo.design_files(item.id, shown) if shown else []
            design_version = await uow.repo.design_version(item.id, shown) if shown else None
            events = await uow.repo.events(item.id)
            return_event = next((event_view(e) for e in events if e.id == return_event_id), None)
            approvals = [
                e
                for e in events
                if e.action == Action.APPROVE and e.version == version and e.file_hashes is not None
            ]
            return CardData(
                item=item_view(item, self.sop),
                step=step,
                version=version,
                materials=tuple(material_view(m) for m in await uow.repo.materials(item.id)),
                design=tuple(file_ref(row) for row in files),
                caption=design_version.caption if design_version else None,
                return_event=return_event,
                history=tuple(event_view(e) for e in events),
                approved_hashes=tuple(approvals[-1].file_hashes or ()) if approvals else None,
            )

    async def record_message(
        self,
        *,
        chat_id: int,
        message_id: int,
        item_id: int,
        step_key: str | None,
        version: int,
        kind: str,
        has_buttons: bool,
        text: str | None,
        progress: OutboxProgress | None = None,
    ) -> EventView | None:
        """Remember a message about an item: replies to it find the item, and its buttons are
        retired when the step is decided. If the step was decided while this message was on
        its way, returns that decision: the caller retires the buttons at once.

        With `progress`, the outbox row that sent the message is updated in the same commit.
        The row is marked delivered only when no decision is returned: otherwise the caller
        retires the buttons first and then marks it, so a crash in between sends the card
        again (retired at once) rather than leaving live buttons on a decided step."""
        async with UnitOfWork(self.factory) as uow:
            # Only buttons care whether the step is still open: a file needs no item.
            item = await uow.repo.item(item_id) if has_buttons else None
            live = item is not None and _still_current(item, step_key, version, kind)
            uow.repo.add(
                CardMessage(
                    chat_id=chat_id,
                    message_id=message_id,
                    item_id=item_id,
                    step_key=step_key,
                    version=version,
                    kind=kind,
                    has_buttons=has_buttons and live,
                    text=text,
                )
            )
            closing = None if live or not has_buttons else await uow.repo.last_event(item_id)
            if progress is not None:
                if progress.parts_sent is not None:
                    await uow.repo.outbox_parts_sent(progress.row_id, progress.parts_sent)
                if progress.delivered and closing is None:
                    await uow.repo.finish_outbox(progress.row_id, progress.at)
                if progress.also_delivered:
                    await uow.repo.finish_outbox_rows(progress.also_delivered, progress.at)
            await uow.commit()
            return event_view(closing) if closing else None

    async def retire_target(self, card_id: int) -> RetireTarget | None:
        async with UnitOfWork(self.factory) as uow:
            card = await uow.session.get(CardMessage, card_id)
            if card is None:
                return None
            return RetireTarget(card.chat_id, card.message_id, card.text)
