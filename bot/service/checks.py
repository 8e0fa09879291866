"""Asking the pure workflow about an item in the database, and turning its refusals into the
service's: finding the item, "may this member act now?", "what does this decision do?", and
"who already decided?". Functions over the shared context, used by every use case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot import logcontext, texts
from bot.domain import workflow
from bot.domain.sop import SopPurpose
from bot.domain.workflow import CLOSED_STATUSES, Action, Actor, Decision, ItemStatus, Transition
from bot.service.context import ServiceContext
from bot.service.errors import (
    AlreadyDecided,
    CorrectionRunning,
    DraftOfAnother,
    InvalidInput,
    ItemNotFound,
    NotPublished,
)
from bot.service.rows import item_state
from bot.service.takedown_steps import takedown_facts
from storage.models import DesignFile, Event, Item
from storage.takedowns import TakedownRepository
from storage.uow import UnitOfWork


async def load_item(uow: UnitOfWork, item_id: int, *, for_update: bool = False) -> Item:
    item = await uow.repo.item(item_id, for_update=for_update)
    if item is None:
        raise ItemNotFound(str(item_id))
    logcontext.bind_item(item.code)  # what the lines logged while handling it are about
    return item


async def check_decision(
    ctx: ServiceContext,
    uow: UnitOfWork,
    item: Item,
    actor: Actor,
    decision: Decision,
    pages: Sequence[DesignFile] | None = None,
) -> Transition:
    """The workflow's answer to a decision, with what it carries (`pages`: the pages of the
    item's version, when the caller read them already)."""
    await _not_while_taken_down(ctx, uow, item, decision.action)
    state = await _state(ctx, uow, item, decision.action, pages)
    try:
        return workflow.decide(ctx.sop_of(item.sop_key), state, actor, decision)
    except workflow.WorkflowError as exc:
        step, version = decision.step_key, decision.version
        raise await _translate(ctx, uow, item, exc, step, version) from None


async def check_may_act(
    ctx: ServiceContext,
    uow: UnitOfWork,
    item: Item,
    actor: Actor,
    action: Action,
    step_key: str | None,
    version: int | None,
) -> None:
    """The workflow's answer to "may this member take this action now?"."""
    await _not_while_taken_down(ctx, uow, item, action)
    state = await _state(ctx, uow, item, action)
    try:
        workflow.may_act(ctx.sop_of(item.sop_key), state, actor, action, step_key, version)
    except workflow.WorkflowError as exc:
        raise await _translate(ctx, uow, item, exc, step_key, version) from None


async def already_decided(
    uow: UnitOfWork, item: Item, step_key: str | None, version: int | None
) -> AlreadyDecided:
    """The refusal for a press on a step (or an item) already decided: who decided, when."""
    if item.status in CLOSED_STATUSES:
        return already(item, await uow.repo.last_event(item.id))
    event = await uow.repo.last_decision(item.id, step_key, version)
    return already(item, event or await uow.repo.last_event(item.id))


def already(item: Item, event: Event | None) -> AlreadyDecided:
    return AlreadyDecided(
        action=event.action if event else None,
        name=event.actor_name if event else None,
        role=event.role if event else None,
        at=event.at if event else None,
        current_step=item.step_key,
        current_version=item.version,
        code=item.code,
        status=item.status,
        sop_key=item.sop_key,
    )


async def _not_while_taken_down(
    ctx: ServiceContext, uow: UnitOfWork, item: Item, action: Action
) -> None:
    """A correction (ralat) is not asked for an item that is being taken down, nor for a
    takedown request itself: each refused naming what to look at instead."""
    if action is not Action.CORRECT:
        return
    if ctx.sop_of(item.sop_key).purpose is SopPurpose.TAKEDOWN:
        raise InvalidInput(texts.CORRECTION_OF_TAKEDOWN.format(code=item.code))
    if item.status == ItemStatus.PUBLISHED:
        repo = TakedownRepository(uow.session)
        under_way = await repo.open_for(item.id, (ItemStatus.ACTIVE.value,))
        if under_way is not None:
            raise InvalidInput(
                texts.CORRECTION_TAKEDOWN_UNDER_WAY.format(code=item.code, takedown=under_way.code)
            )


async def _state(
    ctx: ServiceContext,
    uow: UnitOfWork,
    item: Item,
    action: Action,
    pages: Sequence[DesignFile] | None = None,
) -> workflow.ItemState:
    uploaders: frozenset[int] = frozenset()
    if action is Action.APPROVE:
        # "own design" covers every page of the version, not only who handed it in
        if pages is None:
            pages = await uow.repo.design_files(item.id, item.version)
        uploaders = frozenset(page.uploaded_by for page in pages)
    state = item_state(item, uploaders)
    if ctx.sop_of(item.sop_key).purpose is SopPurpose.TAKEDOWN:
        # a takedown's reason decides its steps; its links are confirmed one by one
        facts, links = await takedown_facts(uow, item)
        state = replace(state, facts=facts, links_left=links)
    return state


async def _translate(
    ctx: ServiceContext,
    uow: UnitOfWork,
    item: Item,
    exc: workflow.WorkflowError,
    step_key: str | None,
    version: int | None,
) -> Exception:
    """The refusal to raise for a workflow error: a stale or closed item names who
    decided; someone else's draft names its creator; the rest as they are, naming the
    item's SOP (whose steps and roles the refusal speaks of)."""
    exc.sop_key = item.sop_key
    if isinstance(exc, workflow.StaleDecision | workflow.ItemClosed):
        return await already_decided(uow, item, step_key, version)
    if isinstance(exc, workflow.NotPublished):
        return await not_published(ctx, uow, item)
    if isinstance(exc, workflow.NotYourDraft):
        name = ctx.directory.name(exc.creator_id)
        return DraftOfAnother(item.code, name, exc.required_roles)
    return exc


async def not_published(
    ctx: ServiceContext, uow: UnitOfWork, item: Item
) -> NotPublished | CorrectionRunning:
    """Why a correction cannot be asked: the item is not published, or (active again after
    a correction) its correction already runs, asked by whom and when."""
    sop = ctx.sop_of(item.sop_key)
    step = sop.step(item.step_key) if item.step_key and sop.has_step(item.step_key) else None
    ref, title = (step.ref, step.title) if step else (None, None)
    if item.status == ItemStatus.ACTIVE:
        events = await uow.repo.events(item.id)
        asked = [e for e in events if e.action == Action.CORRECT]
        posted = [e for e in events if e.action == Action.REPORT_POSTED]
        if asked and (not posted or posted[-1].id < asked[-1].id):
            return CorrectionRunning(item.code, asked[-1].actor_name, asked[-1].at, ref, title)
    return NotPublished(item.code, item.status, ref, title)
