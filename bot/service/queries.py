"""Reads for screens and cards (/tugas, /status, /arsip, the cards the sender renders): each
one transaction that writes nothing. Who may read: the members and the admins."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar, cast

from bot.archive.store import search_archive
from bot.domain.sop import Sop, SopPurpose, StepKind
from bot.domain.workflow import Action, Actor, ItemStatus
from bot.service.channel import channel_view
from bot.service.context import ServiceContext
from bot.service.errors import NotAMember
from bot.service.roster_rows import load_roster
from bot.service.rows import event_view, file_ref, item_view, material_view, post_link_view
from bot.service.takedown_steps import takedown_view
from bot.service.views import CardData, EventView, ItemView
from storage.models import CardMessage, Event, Item
from storage.takedowns import TakedownRepository
from storage.uow import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetireTarget:
    chat_id: int
    message_id: int
    text: str | None


class Reads:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def reader(self, user_id: int) -> Actor:
        """The member, or an admin who holds no SOP role (they read, they do not act);
        NotAMember for anyone else."""
        members = self.ctx.directory
        actor = members.actor(user_id)
        if actor is not None:
            return actor
        if self.ctx.is_admin(user_id):
            return Actor(user_id, members.name(user_id), frozenset())
        raise NotAMember(user_id)

    def member_name(self, user_id: int) -> str:
        """A member's name (the id itself for someone the office does not know)."""
        return self.ctx.directory.name(user_id)

    def holder_names(self, role: str) -> list[str]:
        """Who holds the role today, an acting official as "name (Plh.)"."""
        directory = self.ctx.directory
        return [
            f"{directory.name(h.user_id)} ({h.acting.kind.prefix})"
            if h.acting
            else directory.name(h.user_id)
            for h in directory.holders(role)
        ]

    def this_month(self) -> str:
        """The office's current month, as the archive names it (YYYY-MM)."""
        return f"{self.ctx.clock.now().astimezone(self.ctx.calendar.tz):%Y-%m}"

    def _member_only(self, user_id: int) -> None:
        """The office's work is shown to members (and admins) only, whatever the handler
        checked before (the gate is one lock, this the second)."""
        self.reader(user_id)

    async def tasks(self, actor: Actor) -> tuple[list[ItemView], list[ItemView]]:
        """Items waiting for one of the actor's roles, and the actor's own drafts."""
        self._member_only(actor.user_id)
        ctx = self.ctx
        # each SOP's steps for the actor's roles; an item waits for them at its own SOP's
        mine = {(sop.key, s.key) for sop in ctx.catalog for s in sop.steps if s.role in actor.roles}
        steps = sorted({step for _, step in mine})
        async with UnitOfWork(ctx.factory, read_only=True) as uow:
            waiting = await uow.repo.items_at(ItemStatus.ACTIVE, steps) if steps else []
            drafts = await uow.repo.items_created_by(actor.user_id, ItemStatus.DRAFT)
            return (
                [
                    item_view(item, sop)
                    for item in waiting
                    if ((sop := ctx.sop_of(item.sop_key)).key, item.step_key) in mine
                ],
                [item_view(item, ctx.sop_of(item.sop_key)) for item in drafts],
            )

    async def status(self, code: str) -> tuple[ItemView, list[EventView]] | None:
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            item = await uow.repo.item_by_code(code)
            if item is None:
                return None
            return await self._status_of(uow, item)

    async def _status_of(self, uow: UnitOfWork, item: Item) -> tuple[ItemView, list[EventView]]:
        """The item with every version's links (replaced ones too), and its history."""
        events = await uow.repo.events(item.id)
        links = tuple(post_link_view(row) for row in await uow.repo.post_links(item.id))
        view = replace(item_view(item, self.ctx.sop_of(item.sop_key)), link_history=links)
        return view, [event_view(event) for event in events]

    async def status_for(self, viewer: int, code: str) -> tuple[ItemView, list[EventView]] | None:
        """/status for a member: the item and its whole history; NotAMember for others."""
        self._member_only(viewer)
        return await self.status(code)

    async def status_of(self, viewer: int, item_id: int) -> tuple[ItemView, list[EventView]] | None:
        """An item's status by its id (a reminder's button), for a member; NotAMember for
        others."""
        self._member_only(viewer)
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            item = await uow.repo.item(item_id)
            if item is None:
                return None
            return await self._status_of(uow, item)

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
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            item = await uow.repo.item(item_id)
            return item.code if item else None

    async def roles_now(self, user_id: int) -> frozenset[str]:
        """The roles a person may act in today as the database holds them now: a message
        drawn right after a change (the welcome) does not wait for the directory to follow."""
        today = self.ctx.office_day(self.ctx.clock.now())
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            roster = await load_roster(uow, today)
        return frozenset(roster.roles_on(user_id, today))

    async def card_data(
        self, item_id: int, step_key: str, version: int, return_event_id: int | None = None
    ) -> CardData | None:
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            item, events = await _cached(uow, ("item", item_id), uow.repo.item_with_events, item_id)
            if item is None:
                return None
            sop = self.ctx.sop_of(item.sop_key)
            if not sop.has_step(step_key):
                return None
            data = await card_data_of(
                uow, sop, item, step_key, version, return_event_id, events=events
            )
            if sop.purpose is not SopPurpose.TAKEDOWN:
                return data
            takedown = await TakedownRepository(uow.session).of_item(item.id)
            view = await takedown_view(uow, self.ctx, takedown) if takedown else None
            return replace(data, takedown=view)

    async def posting_data(self, item_id: int, version: int) -> CardData | None:
        """What the bot posts to the office's channel: the item's card at its own SOP's
        order step (the approved version's files and caption); None without one."""
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            item, events = await _cached(uow, ("item", item_id), uow.repo.item_with_events, item_id)
            if item is None:
                return None
            sop = self.ctx.sop_of(item.sop_key)
            order = next((step for step in sop.steps if step.kind is StepKind.ORDER), None)
            if order is None:
                return None
            return await card_data_of(uow, sop, item, order.key, version, events=events)

    async def retire_target(self, card_id: int) -> RetireTarget | None:
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            card = await uow.session.get(CardMessage, card_id)
            if card is None:
                return None
            return RetireTarget(card.chat_id, card.message_id, card.text)


async def _cached(uow: UnitOfWork, key: object, read: Callable[..., Awaitable[T]], *args: Any) -> T:
    """`read(*args)`, or what it gave already in this read-only transaction (the sender reads
    the cards of one item for several chats at once)."""
    if not uow.reads_only:
        return await read(*args)
    if key not in uow.read_cache:
        uow.read_cache[key] = await read(*args)
    return cast(T, uow.read_cache[key])


async def card_data_of(
    uow: UnitOfWork,
    sop: Sop,
    item: Item,
    step_key: str,
    version: int,
    return_event_id: int | None = None,
    *,
    events: Sequence[Event] | None = None,
) -> CardData:
    """Everything a card of the item at `step_key` shows, read in the caller's unit of work
    (`events`: the item's history, when the caller read it with the item)."""
    step = sop.step(step_key)
    # the design step shows the last submitted version (if any) for reference only
    shown = version if step.kind is not StepKind.DESIGN else 0
    files = (
        await _cached(uow, ("pages", item.id, shown), uow.repo.design_files, item.id, shown)
        if shown
        else []
    )
    design_version = (
        await _cached(uow, ("version", item.id, shown), uow.repo.design_version, item.id, shown)
        if shown
        else None
    )
    if events is None:
        events = await uow.repo.events(item.id)
    materials = await _cached(uow, ("materials", item.id), uow.repo.materials, item.id)
    return_event = next((event_view(e) for e in events if e.id == return_event_id), None)
    approvals = [
        e
        for e in events
        if e.action == Action.APPROVE and e.version == version and e.file_hashes is not None
    ]
    return CardData(
        item=item_view(item, sop),
        step=step,
        version=version,
        materials=tuple(material_view(m) for m in materials),
        design=tuple(file_ref(row) for row in files),
        caption=design_version.caption if design_version else None,
        return_event=return_event,
        history=tuple(event_view(e) for e in events),
        approved_hashes=tuple(approvals[-1].file_hashes or ()) if approvals else None,
        preview_file_id=design_version.preview_file_id if design_version else None,
        channel=(await channel_view(uow, item.id, version) if step.kind is StepKind.POST else None),
    )
