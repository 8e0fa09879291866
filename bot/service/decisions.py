"""Decisions: each applies one workflow move exactly once, in one unit of work, with its
history and the messages it owes, and wakes delivery after its commit. Also "may this member
act now?" (asked before asking for notes) and a reminder's "show me the card again" (or,
for a member with no part in the step now, the item's status)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.domain import workflow
from bot.domain.conversation import Question
from bot.domain.sop import SopPurpose, StepKind
from bot.domain.workflow import Action, Actor, Decision, ItemStatus, Transition
from bot.service import questions
from bot.service.channel import (
    channel_view,
    live_links,
    owe_channel_post,
    owe_channel_removal,
)
from bot.service.checks import already_decided, check_decision, check_may_act, load_item
from bot.service.commits import Committed
from bot.service.context import ServiceContext
from bot.service.errors import CardNotForChat, NoDesignFiles, NoMaterial
from bot.service.owed import add_outbox, card_on_its_way, enqueue_after_transition
from bot.service.payloads import CardJob
from bot.service.queries import card_data_of
from bot.service.rows import (
    draft_version,
    event_view,
    history_event,
    item_values,
    item_view,
    stamp_acting,
)
from bot.service.takedown_steps import after_takedown_decision
from bot.service.views import CardData, EventView, ItemView
from bot.service.visits import record_visits
from storage.models import Item
from storage.uow import UnitOfWork

Precheck = Callable[[UnitOfWork, Item], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Decided:
    """A decision applied: the item as it is now, and the workflow's move."""

    item: ItemView
    transition: Transition


@dataclass(frozen=True, slots=True)
class CardResent:
    item: ItemView
    queued: bool  # False: the same card was already waiting to go to that chat


@dataclass(frozen=True, slots=True)
class StatusOnly:
    """The member has no part in the item's current step (or the item closed): what is true
    now, to read, as /status tells it."""

    item: ItemView
    events: tuple[EventView, ...]


class Decisions:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def may_act(
        self,
        actor: Actor,
        item_id: int,
        action: Action,
        step_key: str | None = None,
        version: int | None = None,
    ) -> ItemView:
        """May this member take this action on the item now (at the step and version they
        saw)? Asked before asking for notes or a confirmation, so a wrong-role press is
        refused at once instead of after typing."""
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            item = await load_item(uow, item_id)
            await check_may_act(self.ctx, uow, item, actor, action, step_key, version)
            return item_view(item, self.ctx.sop_of(item.sop_key))

    async def sources_to_confirm(
        self, actor: Actor, item_id: int, step_key: str, version: int | None
    ) -> CardData:
        """SOP 4b: may this member approve the item now? If so, the card's material, which
        the approver confirms having checked before the approval counts."""
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            item = await load_item(uow, item_id)
            await check_may_act(self.ctx, uow, item, actor, Action.APPROVE, step_key, version)
            return await card_data_of(
                uow, self.ctx.sop_of(item.sop_key), item, step_key, item.version
            )

    async def ask_for(
        self,
        actor: Actor,
        item_id: int,
        action: Action,
        step_key: str | None = None,
        version: int | None = None,
    ) -> ItemView:
        """Check the member may take the action, then remember that its text (notes, reason,
        links) comes next."""
        async with UnitOfWork(self.ctx.factory) as uow:
            item = await load_item(uow, item_id)
            await check_may_act(self.ctx, uow, item, actor, action, step_key, version)
            question = Question.for_action(action, item.id, item.step_key, item.version)
            await questions.ask(uow, actor.user_id, question, self.ctx.clock.now())
            await uow.commit()
            return item_view(item, self.ctx.sop_of(item.sop_key))

    async def submit_material(self, actor: Actor, item_id: int) -> Decided:
        """SOP 1a: the material is handed in; step 1's limit starts now."""

        async def check(uow: UnitOfWork, item: Item) -> None:
            if item.status != ItemStatus.DRAFT:  # a second press: say who handed it in
                raise await already_decided(uow, item, None, None)
            if not await uow.repo.materials(item.id):
                raise NoMaterial

        return await self.decide(
            actor, item_id, Decision(Action.SUBMIT_MATERIAL, None, None), precheck=check
        )

    async def submit_design(self, actor: Actor, item_id: int, version: int) -> Decided:
        """SOP 2c: hand in the draft version's pages for checking."""

        async def check(uow: UnitOfWork, item: Item) -> None:
            if version != draft_version(item):
                step = self.ctx.sop_of(item.sop_key).design_step.key
                raise await already_decided(uow, item, step, version)
            if not await uow.repo.design_files(item.id, version):
                raise NoDesignFiles

        # No step on this decision: a version may be handed in at or after the design step.
        return await self.decide(
            actor, item_id, Decision(Action.SUBMIT_DESIGN, None, version - 1), precheck=check
        )

    async def decide(
        self,
        actor: Actor,
        item_id: int,
        decision: Decision,
        *,
        precheck: Precheck | None = None,
        confirm: bool = False,
    ) -> Decided:
        """Apply one decision exactly once, with its history and the messages it owes;
        `confirm`: the member typed it, and its confirmation is owed to them like any message
        (a press is answered by its toast instead)."""
        ctx = self.ctx
        now = ctx.clock.now()
        async with UnitOfWork(ctx.factory) as uow:
            item = await load_item(uow, item_id)
            if precheck is not None:
                await precheck(uow, item)
            # an approval's pages: whose they are (no one approves their own), and what the
            # approval is bound to; read once
            pages = (
                await uow.repo.design_files(item.id, item.version)
                if decision.action is Action.APPROVE
                else None
            )
            transition = await check_decision(ctx, uow, item, actor, decision, pages)
            sop = ctx.sop_of(item.sop_key)
            from_version = item.version
            changes = workflow.changes_after(sop, ctx.calendar, transition, actor, decision, now)
            if decision.action is Action.REPORT_POSTED:
                changes = replace(changes, post_links=await self._links(uow, item, decision))
            updated = await uow.repo.update_item_if_rev(item.id, item.rev, item_values(changes))
            if updated is None:
                fresh = await load_item(uow, item_id)
                raise await already_decided(uow, fresh, decision.step_key, from_version)
            item = updated
            event = history_event(
                item.id,
                now,
                decision.action,
                actor,
                transition.acting_role,
                transition.from_step,
                transition.version,
                decision.notes,
            )
            stamp_acting(event, actor, sop)  # a Plh/Plt: in what capacity, on what basis
            if pages is not None:
                # the approval is bound to these exact files (checked again before posting)
                if transition.version != from_version:
                    pages = await uow.repo.design_files(item.id, transition.version)
                event.file_hashes = [row.sha256 or "" for row in pages]
                event.sources_checked = decision.sources_checked  # SOP 4b, for the report
            uow.repo.add(event)
            if decision.action is Action.REPORT_POSTED:
                # this version's links are live; an earlier version's are replaced (ralat)
                await uow.repo.record_post_links(
                    item.id, transition.version, changes.post_links or (), actor.user_id, now
                )
            if decision.action is Action.SUBMIT_DESIGN:
                await uow.repo.design_version_submitted(
                    item.id, transition.version, actor.user_id, now
                )
            # the actor's open question; and when the step changed or the item closed (a
            # cancelled draft has no step to leave), every question about an earlier step or
            # a closed item, which has no answer any more
            step_left = transition.step_changed or transition.to_step is None
            await uow.repo.clear_pending_input(
                actor.user_id, about_item=item.id if step_left else None
            )
            await uow.repo.flush()
            # the visit this move ends, and the one it begins, as the SOP stands now
            await record_visits(uow, sop, item.id, transition, changes.visit, event.id, now)
            ordered = transition.action is Action.ORDER_UPLOAD and (
                sop.step(transition.from_step or "").kind is StepKind.ORDER
            )
            if ordered and ctx.channel is not None:
                # the upload is ordered: the bot posts the approved version to the channel
                owe_channel_post(uow.repo, item.id, item.version, now)
            elif decision.action is Action.CANCEL and ctx.channel is not None:
                # cancelled after the order: what the bot posted (or is posting) goes
                await owe_channel_removal(uow, item.id, now)
            await enqueue_after_transition(
                uow.repo,
                sop,
                ctx.directory,
                item,
                transition,
                event_view(event),
                event.id,
                now,
                confirm=confirm,
            )
            if sop.purpose is SopPurpose.TAKEDOWN:  # links confirmed, the original taken down
                await after_takedown_decision(
                    uow, ctx, sop, item, transition, actor, event, decision.links, now
                )
            # the next role's card and the notices are owed; the new step's reminder is set
            remind_at = changes.visit.remind_at if changes.visit else None
            made = (transition.from_step or "-", decision.action.value)
            committed = Committed(owed=True, remind_at=remind_at, decision=made)
            uow.after_commit(lambda: ctx.on_commit(committed))
            await uow.commit()
            return Decided(item_view(item, sop), transition)

    async def _links(self, uow: UnitOfWork, item: Item, decision: Decision) -> tuple[str, ...]:
        """The posted item's links: the bot's channel posts recorded so far, then the
        operator's; "channel only" is refused for an item the bot does not post."""
        if decision.channel_only:
            # the channel's links are there, or on their way; not when the post was refused
            view = await channel_view(uow, item.id, item.version)
            if view is None or not (view.links or view.pending):
                raise workflow.LinksRequired("no channel post for this item")
        channel = await live_links(uow, item.id, item.version)
        return (*channel, *(link for link in decision.links if link not in channel))

    async def resend_card(
        self, actor: Actor, item_id: int, chat_id: int
    ) -> CardResent | StatusOnly:
        """A reminder's button: the item's current card again, buttons and all, for those
        whose role acts at the current step; once while one is on its way. Anyone else (an
        old reminder's reader after the step moved on, an overseer) reads the item's status:
        never a card whose buttons belong to another role."""
        ctx = self.ctx
        async with UnitOfWork(ctx.factory) as uow:
            # the row lock makes two simultaneous presses see each other's queued card
            item = await load_item(uow, item_id, for_update=True)
            if not self._acts_now(actor, item):
                events = await uow.repo.events(item.id)
                view = item_view(item, ctx.sop_of(item.sop_key))
                return StatusOnly(view, tuple(event_view(event) for event in events))
            self._check_card_chat(actor, item, chat_id)
            assert item.step_key is not None
            card = CardJob(item.step_key, item.version)
            if await card_on_its_way(uow.repo, chat_id, item.id, card):
                return CardResent(item_view(item, ctx.sop_of(item.sop_key)), queued=False)
            add_outbox(uow.repo, ctx.clock.now(), chat_id, item.id, card)
            await uow.commit()
            resent = CardResent(item_view(item, ctx.sop_of(item.sop_key)), queued=True)
        ctx.on_commit(Committed(owed=True))  # the card is owed
        return resent

    def _acts_now(self, actor: Actor, item: Item) -> bool:
        """Does the member hold the role that acts at the item's current step?"""
        if item.status != ItemStatus.ACTIVE or item.step_key is None:
            return False
        return self.ctx.sop_of(item.sop_key).step(item.step_key).role in actor.roles

    def _check_card_chat(self, actor: Actor, item: Item, chat_id: int) -> None:
        """The card (with its design) goes to the presser's own chat or a chat that gets the
        acting role's messages, never pulled into another group."""
        role = self.ctx.sop_of(item.sop_key).step(item.step_key or "").role
        if chat_id != actor.user_id and chat_id not in self.ctx.directory.chats_for_role(role):
            raise CardNotForChat(item.code)
