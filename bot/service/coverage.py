"""Who holds each role changes (a leave begins or ends, a Plh is named, a member joins or is
deactivated): the open items follow. Whoever newly holds the role of an item's current step
receives its card (an acting official at the start of a leave, the official again when it
ends); a step whose role nobody can act in any more is an alarm to the overseer and the
admins, at once, not when its time limit runs out.

The holders are compared between two answers of the roster: before and after a change on the
same day, or the same roster on yesterday and today (the day changed; leave ends by itself)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from bot.domain.roster import Roster
from bot.domain.sop import Step
from bot.domain.workflow import ItemStatus
from bot.service.alarms import alarm
from bot.service.commits import Committed
from bot.service.context import ServiceContext
from bot.service.owed import add_outbox, card_on_its_way
from bot.service.payloads import CardJob, Notice, NoticeKind, OutboxKind, from_json
from storage.models import Item
from storage.repositories import Repository
from storage.uow import UnitOfWork

Holders = Callable[[str], frozenset[int]]


def holders_of(roster: Roster, day: date) -> Holders:
    return lambda role: frozenset(holder.user_id for holder in roster.holders(role, day))


class Coverage:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def _active(self, uow: UnitOfWork) -> list[Item]:
        """The active items at a step of their own SOP (every SOP's steps, each item
        matched against its own)."""
        keys = sorted({step.key for sop in self.ctx.catalog for step in sop.steps})
        items = await uow.repo.items_at(ItemStatus.ACTIVE, keys)
        return [i for i in items if self.ctx.sop_of(i.sop_key).has_step(i.step_key or "")]

    async def follow(self, was: Holders, now: Holders, *, alarmed_since: date | None = None) -> int:
        """Cards for the new holders of each open step's role, alarms for the roles left
        without one; returns how many messages were owed. `alarmed_since`: the day the change
        took effect (a day change), when an alarm already raised since then stands (the
        change is being followed again after a failure)."""
        ctx = self.ctx
        moment = ctx.clock.now()
        owed = 0
        async with UnitOfWork(ctx.factory) as uow:
            for item in await self._active(uow):
                sop = ctx.sop_of(item.sop_key)
                step = sop.step(item.step_key or "")
                before, after = was(step.role), now(step.role)
                if after - before and not ctx.directory.has_role_chat(step.role):
                    owed += await self._send_cards(uow.repo, item, step, after - before, moment)
                if before and not after:
                    if alarmed_since is None or not await self._alarmed(
                        uow.repo, item, alarmed_since
                    ):
                        owed += alarm(uow.repo, sop, ctx.directory, item, moment)
            if owed:
                await uow.commit()
        if owed:
            ctx.on_commit(Committed(owed=True))
        return owed

    async def catch_up(self, then: Roster, since: date) -> int:
        """At start: the days the bot was away may have ended or begun a leave. Whoever holds
        an open step's role today and did not on the day the step began (in `then`, loaded
        with the absences from `since`) gets its card, unless one is live or on its way; a
        step whose role nobody holds today raises the alarm, unless it was raised since the
        role was last held (or since the step began): a second start, or a second day
        without a holder, raises none."""
        ctx = self.ctx
        moment = ctx.clock.now()
        today = ctx.directory.today()
        owed = 0
        async with UnitOfWork(ctx.factory) as uow:
            for item in await self._active(uow):
                sop = ctx.sop_of(item.sop_key)
                step = sop.step(item.step_key or "")
                if item.step_started_at is None:
                    continue
                began = ctx.office_day(item.step_started_at)
                if ctx.directory.uncovered([step.role]):
                    nobody_since = _nobody_since(then, step.role, today, max(began, since))
                    if not await self._alarmed(uow.repo, item, nobody_since):
                        owed += alarm(uow.repo, sop, ctx.directory, item, moment)
                if began >= today or ctx.directory.has_role_chat(step.role):
                    continue
                new = holders_of(ctx.directory.roster, today)(step.role) - holders_of(then, began)(
                    step.role
                )
                owed += await self._send_cards(uow.repo, item, step, new, moment)
            if owed:
                await uow.commit()
        if owed:
            ctx.on_commit(Committed(owed=True))
        return owed

    async def _alarmed(self, repo: Repository, item: Item, day: date) -> bool:
        """The alarm for the item's current step was raised (owed or sent) on or after `day`
        in this visit of the step."""
        assert item.step_started_at is not None  # an active item is at a step
        midnight = datetime.combine(day, time(0), tzinfo=self.ctx.calendar.tz)
        since = max(item.step_started_at, midnight)
        rows = await repo.item_outbox_since(item.id, OutboxKind.NOTICE, since)
        notices = (from_json(row.kind, row.payload) for row in rows)
        return any(isinstance(n, Notice) and n.template is NoticeKind.UNCOVERED for n in notices)

    async def _send_cards(
        self, repo: Repository, item: Item, step: Step, people: Iterable[int], moment: datetime
    ) -> int:
        live = {card.chat_id for card in await repo.cards_with_buttons(item.id)}
        card = CardJob(step.key, item.version)
        sent = 0
        for user_id in sorted(people):
            if user_id in live or await card_on_its_way(repo, user_id, item.id, card):
                continue
            add_outbox(repo, moment, user_id, item.id, card)
            sent += 1
        return sent


def _nobody_since(roster: Roster, role: str, today: date, floor: date) -> date:
    """The first day of the days up to today on which nobody held the role (not before
    `floor`: the day the step began, or the first day the roster knows the absences of)."""
    day = today
    while day > floor and not roster.holders(role, day - timedelta(days=1)):
        day -= timedelta(days=1)
    return day
