"""A takedown item's steps beyond any item's: what the workflow needs to know of it (its
reason's facts, its links not yet confirmed removed), what its decisions do (a link confirmed;
the last one takes the original item down; a refusal), and how it reads (`TakedownView`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.sop import Sop, StepKind
from bot.domain.workflow import (
    TAKEDOWN_ASKED,
    TAKEDOWN_REFUSED,
    TAKEN_DOWN,
    Action,
    Actor,
    ItemStatus,
    Transition,
)
from bot.service.channel import owe_channel_removal
from bot.service.context import ServiceContext
from bot.service.owed import ARCHIVE_CHAT, add_outbox
from bot.service.payloads import ArchiveJob, CardJob, Notice, NoticeKind
from bot.service.rows import event_view, history_event
from bot.service.views import TakedownLinkView, TakedownView
from storage.models import Event, Item, PostLinkState, Takedown
from storage.takedowns import TakedownRepository
from storage.uow import UnitOfWork

# --- what the workflow needs to know, and what a decision does beyond any item's -----------


async def takedown_facts(uow: UnitOfWork, item: Item) -> tuple[frozenset[str], tuple[str, ...]]:
    """A takedown item's facts for its steps' conditions (its reason's) and its links whose
    removal is not confirmed yet."""
    repo = TakedownRepository(uow.session)
    takedown = await repo.of_item(item.id)
    if takedown is None:
        return frozenset(), ()
    facts = frozenset({"legal"}) if takedown.legal else frozenset()
    links = tuple(link.url for link in await repo.links(item.id) if link.removed_at is None)
    return facts, links


async def after_takedown_decision(
    uow: UnitOfWork,
    ctx: ServiceContext,
    sop: Sop,
    item: Item,
    transition: Transition,
    actor: Actor,
    event: Event,
    links: Sequence[str],
    now: datetime,
) -> None:
    """A takedown item's decision, in its own transaction: a link confirmed removed; when the
    last one is, the original item taken down (its archive records it) and the notices; a
    refusal ends it and says so."""
    repo = TakedownRepository(uow.session)
    takedown = await repo.of_item(item.id)
    assert takedown is not None, "a takedown SOP's item has its takedown row"
    if transition.action is Action.CONFIRM_REMOVED:
        for link in await repo.links(item.id):
            if link.url in links and link.removed_at is None:
                link.removed_at, link.removed_by = now, actor.user_id
                link.removed_by_name, link.how = actor.name, "operator"
        if transition.to_step is not None:  # other links left: the card again, without it
            step = sop.step(transition.to_step)
            card = CardJob(step.key, item.version)
            for chat_id in ctx.directory.chats_for_role(step.role):
                add_outbox(uow.repo, now, chat_id, item.id, card)
    original = await uow.repo.item(takedown.original_id, for_update=True)
    assert original is not None
    entered = transition.to_step if transition.step_changed else None
    if entered and sop.step(entered).kind is StepKind.REMOVAL and ctx.channel is not None:
        # approved: the bot deletes its own channel posts; each deletion confirms its link
        await owe_channel_removal(uow, original.id, now)
    if transition.status is ItemStatus.TAKEN_DOWN:
        await _take_down(uow, ctx, takedown, item, original, actor, transition, now)
    elif transition.status is ItemStatus.REFUSED:
        notes = event.notes or ""
        uow.repo.add(
            history_event(
                original.id,
                now,
                TAKEDOWN_REFUSED,
                actor,
                transition.acting_role,
                None,
                original.version,
                f"{item.code} — {notes}",
            )
        )
        notice = Notice(
            NoticeKind.TAKEDOWN_REFUSED,
            original.code,
            original.title,
            actor.name,
            role=sop.role_title(transition.acting_role),
            notes=notes,
            takedown=item.code,
        )
        _notify(uow, now, [item.created_by, original.created_by], actor.user_id, original, notice)


async def _take_down(
    uow: UnitOfWork,
    ctx: ServiceContext,
    takedown: Takedown,
    item: Item,
    original: Item,
    actor: Actor,
    transition: Transition,
    now: datetime,
) -> None:
    """Every link confirmed removed: the original item is taken down, its archive folder is
    written again with the takedown recorded (its files stay), and the office is told."""
    original.status = ItemStatus.TAKEN_DOWN
    original.rev += 1
    for row in await uow.repo.post_links(original.id):
        if row.state == PostLinkState.LIVE:  # the replaced ones stay replaced
            row.state = PostLinkState.TAKEN_DOWN
    notes = f"{item.code} — {takedown.reason_title}: {takedown.explanation}"
    uow.repo.add(
        history_event(
            original.id,
            now,
            TAKEN_DOWN,
            actor,
            transition.acting_role,
            None,
            original.version,
            notes,
        )
    )
    add_outbox(uow.repo, now, ARCHIVE_CHAT, original.id, ArchiveJob())
    links = [link.url for link in await TakedownRepository(uow.session).links(item.id)]
    notice = Notice(
        NoticeKind.TAKEN_DOWN,
        original.code,
        original.title,
        actor.name,
        reason=f"{takedown.reason_title}: {takedown.explanation}",
        links="\n".join(links) or "-",
        takedown=item.code,
    )
    sop = ctx.sop_of(item.sop_key)
    approvers = [step.role for step in sop.steps if step.kind is StepKind.APPROVAL]
    recipients = [
        item.created_by,
        original.created_by,
        *ctx.directory.chats_for_roles(approvers),
    ]
    _notify(uow, now, recipients, actor.user_id, original, notice)


def _notify(
    uow: UnitOfWork,
    now: datetime,
    recipients: Sequence[int],
    actor_id: int,
    original: Item,
    notice: Notice,
) -> None:
    seen = {actor_id}  # the actor hears it from the press
    for chat_id in recipients:
        if chat_id not in seen:
            seen.add(chat_id)
            add_outbox(uow.repo, now, chat_id, original.id, notice)


async def takedown_view(uow: UnitOfWork, ctx: ServiceContext, takedown: Takedown) -> TakedownView:
    """A takedown as /status, the card and the archive show it."""
    item = await uow.repo.item(takedown.item_id)
    original = await uow.repo.item(takedown.original_id)
    assert item is not None and original is not None
    events = await uow.repo.events(item.id)
    asked = next((e for e in events if e.action == TAKEDOWN_ASKED), None)
    links = tuple(
        TakedownLinkView(link.position, link.url, link.removed_at, link.removed_by_name, link.how)
        for link in await TakedownRepository(uow.session).links(item.id)
    )
    decisions = tuple(
        event_view(e)
        for e in events
        if e.action in (Action.APPROVE, Action.REFUSE, Action.CONFIRM_REMOVED, Action.CANCEL)
    )
    return TakedownView(
        item_id=item.id,
        code=item.code,
        status=item.status,
        original_id=original.id,
        original_code=original.code,
        original_title=original.title,
        reason_key=takedown.reason_key,
        reason_title=takedown.reason_title,
        legal=takedown.legal,
        explanation=takedown.explanation,
        asked_by=asked.actor_name if asked else "-",
        asked_at=asked.at if asked else item.created_at,
        links=links,
        decisions=decisions,
    )
