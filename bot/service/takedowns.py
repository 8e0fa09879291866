"""Takedown (penurunan) of a published item: asking for it (/turunkan, the reason, the
explanation), and what its decisions do beyond any item's (the links confirmed removed, the
original item taken down when the last one is, the notices). The takedown is an item of its
own under the office's takedown SOP; its steps run through `Decisions` like any item's."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.domain import workflow
from bot.domain.actions import PromptKind
from bot.domain.conversation import Question
from bot.domain.sop import Reason, Sop, SopPurpose
from bot.domain.workflow import TAKEDOWN_ASKED, Action, Actor, Decision, ItemStatus
from bot.service import questions
from bot.service.commits import Committed
from bot.service.context import ServiceContext
from bot.service.decisions import Decided, Decisions
from bot.service.errors import AlreadyDecided, InvalidInput, ItemNotFound
from bot.service.owed import enqueue_after_transition
from bot.service.rows import event_view, history_event, item_view
from bot.service.takedown_steps import takedown_view
from bot.service.views import ItemView, TakedownView
from bot.service.visits import record_visits
from storage.models import Item, PostLinkState, Takedown, TakedownLink
from storage.takedowns import TakedownRepository
from storage.uow import UnitOfWork

_OPEN = (ItemStatus.ACTIVE.value,)
BOT_ID = 0  # the bot itself, confirming the removal of its own channel posts
_EXPLANATION_MAX = 2000


@dataclass(frozen=True, slots=True)
class TakedownAsk:
    """What the bot asks next: the reason (with `reasons` to choose from), or, once
    `reason` is chosen, the explanation."""

    original: ItemView
    reasons: tuple[Reason, ...]
    reason: Reason | None = None


@dataclass(frozen=True, slots=True)
class TakedownStarted:
    item: ItemView  # the takedown item, at its first step
    original: ItemView
    role: str  # the title of the role that decides first


async def live_links(uow: UnitOfWork, original: Item) -> list[str]:
    """The published item's links that are live now (a corrected item's current version's;
    the replaced ones are gone already), to be removed by its takedown."""
    rows = await uow.repo.post_links(original.id)
    live = [row.url for row in rows if row.state == PostLinkState.LIVE]
    return live or list(original.post_links or ())


class Takedowns:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def sop(self) -> Sop:
        """The office's takedown SOP; a refusal when it has none."""
        sop = self.ctx.catalog.takedown
        if sop is None:
            raise InvalidInput(texts.TAKEDOWN_NO_SOP)
        return sop

    def may_ask(self, actor: Actor) -> bool:
        """May this member ask for takedowns (the takedown SOP's openers)?"""
        sop = self.ctx.catalog.takedown
        return sop is not None and bool(actor.roles & sop.openers)

    async def ask(
        self, actor: Actor, *, code: str | None = None, item_id: int | None = None
    ) -> TakedownAsk:
        """/turunkan KODE (or "Turunkan" on the item's status): check the item may be taken
        down by this member now; the reason is asked next (its buttons)."""
        sop = self._opener_sop(actor)
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            original = await self._original(uow, sop, actor, code=code, item_id=item_id)
            return TakedownAsk(item_view(original, self.ctx.sop_of(original.sop_key)), sop.reasons)

    async def choose_reason(self, actor: Actor, original_id: int, reason_key: str) -> TakedownAsk:
        """A reason's button: checked again, then the explanation is asked for."""
        sop = self._opener_sop(actor)
        async with UnitOfWork(self.ctx.factory) as uow:
            original = await self._original(uow, sop, actor, item_id=original_id)
            reason = self._reason(sop, reason_key, original.code)
            question = Question(PromptKind.TAKEDOWN_TEXT, original.id, reason.key)
            await questions.ask(uow, actor.user_id, question, self.ctx.clock.now())
            await uow.commit()
            view = item_view(original, self.ctx.sop_of(original.sop_key))
            return TakedownAsk(view, sop.reasons, reason)

    async def explain(
        self, actor: Actor, original_id: int, reason_key: str, text: str
    ) -> TakedownStarted:
        """The explanation typed: the takedown item exists, at its first step (the reason
        decides which steps it visits); its card goes to that step's role."""
        ctx = self.ctx
        sop = self._opener_sop(actor)
        explanation = text.strip()
        if not any(char.isalnum() for char in explanation):  # empty, or only "-" or "..."
            raise InvalidInput(texts.TAKEDOWN_TEXT_EMPTY)  # the question stays open
        explanation = explanation[:_EXPLANATION_MAX]
        now = ctx.clock.now()
        year = now.astimezone(ctx.calendar.tz).year
        async with UnitOfWork(ctx.factory) as uow:
            original = await self._original(uow, sop, actor, item_id=original_id)
            reason = self._reason(sop, reason_key, original.code)
            transition = workflow.takedown_start(sop, reason.facts, actor)
            assert transition.to_step is not None
            visit = workflow.step_visit(sop, ctx.calendar, transition.to_step, now)
            number = await uow.repo.next_number(sop.item_prefix, year)
            item = Item(
                code=f"{sop.item_prefix}-{year}-{number:04d}",
                title=texts.TAKEDOWN_TITLE.format(code=original.code, title=original.title),
                sop_key=sop.key,
                status=ItemStatus.ACTIVE,
                created_by=actor.user_id,
                created_at=now,
                step_key=visit.step_key,
                step_started_at=visit.started_at,
                step_limit=visit.limit,
                step_due_at=visit.due_at,
                remind_at=visit.remind_at,
            )
            uow.repo.add(item)
            await uow.repo.flush()
            repo = TakedownRepository(uow.session)
            repo.add(
                Takedown(
                    item_id=item.id,
                    original_id=original.id,
                    reason_key=reason.key,
                    reason_title=reason.title,
                    legal=reason.legal,
                    explanation=explanation,
                )
            )
            await uow.repo.flush()
            for position, url in enumerate(await live_links(uow, original), 1):
                repo.add(TakedownLink(item_id=item.id, position=position, url=url))
            notes = f"{reason.title}: {explanation}"
            role = transition.acting_role
            event = history_event(item.id, now, TAKEDOWN_ASKED, actor, role, None, 0, notes)
            uow.repo.add(event)
            uow.repo.add(
                history_event(
                    original.id,
                    now,
                    TAKEDOWN_ASKED,
                    actor,
                    role,
                    None,
                    original.version,
                    f"{item.code} — {notes}",
                )
            )
            await uow.repo.clear_pending_input(actor.user_id)
            await uow.repo.flush()
            await record_visits(uow, sop, item.id, transition, visit, event.id, now)
            await enqueue_after_transition(
                uow.repo, sop, ctx.directory, item, transition, event_view(event), event.id, now
            )
            committed = Committed(
                owed=True, remind_at=visit.remind_at, decision=("-", TAKEDOWN_ASKED)
            )
            uow.after_commit(lambda: ctx.on_commit(committed))
            await uow.commit()
            first = sop.step(transition.to_step)
            return TakedownStarted(
                item_view(item, sop),
                item_view(original, ctx.sop_of(original.sop_key)),
                sop.role_title(first.role),
            )

    async def views_for(self, viewer: int, item_id: int) -> tuple[TakedownView, ...]:
        """For /status: the takedown a takedown item carries out, or the takedowns asked for
        a published item (the latest last); empty for any other item."""
        if self.ctx.directory.actor(viewer) is None and not self.ctx.is_admin(viewer):
            return ()
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            repo = TakedownRepository(uow.session)
            own = await repo.of_item(item_id)
            if own is not None:
                return (await takedown_view(uow, self.ctx, own),)
            return tuple(
                [
                    await takedown_view(uow, self.ctx, row)
                    for row, _ in await repo.of_original(item_id)
                ]
            )

    # --- checks ---------------------------------------------------------------------------

    def _opener_sop(self, actor: Actor) -> Sop:
        sop = self.sop()
        try:
            workflow.may_open(sop, actor)
        except workflow.NotOpener:
            roles = sop.role_titles(sop.openers)
            raise InvalidInput(texts.TAKEDOWN_NOT_OPENER.format(roles=roles)) from None
        return sop

    def _reason(self, sop: Sop, key: str, code: str) -> Reason:
        try:
            return sop.reason(key)
        except KeyError:
            raise InvalidInput(texts.TAKEDOWN_BAD_REASON.format(code=code)) from None

    async def _original(
        self,
        uow: UnitOfWork,
        sop: Sop,
        actor: Actor,
        *,
        code: str | None = None,
        item_id: int | None = None,
    ) -> Item:
        """The published item to take down; a refusal naming what to do instead for anything
        else (unknown, not published, taken down already, a takedown under way for it)."""
        if item_id is not None:
            item = await uow.repo.item(item_id)
        else:
            item = await uow.repo.item_by_code((code or "").strip().upper())
        if item is None and code is None:
            raise ItemNotFound(str(item_id))  # a button's item, gone
        if item is None:
            raise InvalidInput(texts.TAKEDOWN_UNKNOWN.format(code=(code or "").strip()))
        repo = TakedownRepository(uow.session)
        if self.ctx.sop_of(item.sop_key).purpose is SopPurpose.TAKEDOWN:
            raise InvalidInput(texts.TAKEDOWN_OF_TAKEDOWN.format(code=item.code))
        if item.status == ItemStatus.TAKEN_DOWN:
            done = [row for row, it in await repo.of_original(item.id) if it.status == item.status]
            takedown = await uow.repo.item(done[-1].item_id) if done else None
            raise InvalidInput(
                texts.TAKEDOWN_ALREADY.format(
                    code=item.code, takedown=takedown.code if takedown else "-"
                )
            )
        try:
            workflow.may_take_down(sop, ItemStatus(item.status), actor)
        except workflow.NotTakedownable:
            status = texts.STATUS_LABELS.get(item.status, item.status)
            raise InvalidInput(
                texts.TAKEDOWN_NOT_PUBLISHED.format(code=item.code, status=status)
            ) from None
        under_way = await repo.open_for(item.id, _OPEN)
        if under_way is not None:
            raise InvalidInput(
                texts.TAKEDOWN_UNDER_WAY.format(code=item.code, takedown=under_way.code)
            )
        return item

    async def confirm_removed(
        self, actor: Actor, item_id: int, step_key: str | None, position: int | None
    ) -> Decided:
        """The operator's button for one link: its post is removed from its platform."""
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            links = await TakedownRepository(uow.session).links(item_id)
        url = next((link.url for link in links if link.position == position), None)
        if url is None:
            raise InvalidInput(texts.TAKEDOWN_LINK_GONE)
        decision = Decision(Action.CONFIRM_REMOVED, step_key, None, notes=url, links=(url,))
        return await Decisions(self.ctx).decide(actor, item_id, decision)

    async def removed_by_bot(self, original_id: int, url: str, *, gone: bool = False) -> bool:
        """The bot deleted its own channel post of an item being taken down (`gone`: the post
        had been deleted by hand before): the link is confirmed removed, by the bot, as the
        operator would (the last link ends the takedown). False when no takedown of the item
        waits for that link (nothing changes)."""
        ctx = self.ctx
        async with UnitOfWork(ctx.factory) as uow:
            with uow.shared():
                item = await TakedownRepository(uow.session).open_for(original_id, _OPEN)
                if item is None or item.step_key is None:
                    return False
                step = ctx.sop_of(item.sop_key).step(item.step_key)
                bot = Actor(BOT_ID, texts.TAKEDOWN_BY_BOT, frozenset({step.role}))
                decision = Decision(Action.CONFIRM_REMOVED, step.key, None, notes=url, links=(url,))
                try:
                    await Decisions(ctx).decide(bot, item.id, decision)
                except (workflow.WorkflowError, AlreadyDecided):
                    return False  # not at the removal step, or that link is done already
                for link in await TakedownRepository(uow.session).links(item.id):
                    if link.url == url:
                        link.how = "gone" if gone else "bot"
                        link.removed_by = None
            await uow.commit()
            return True
