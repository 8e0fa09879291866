"""Overdue reminders and the secretary's daily digest, derived from the database.

Each active step stores when its next reminder is owed (`items.remind_at`). A tick sends what
is owed by now: for each overdue step one reminder, naming how late the step is in working
time, to the role that must act and to the overseer (the sekretaris). Rounds repeat at an
interval of office time up to a cap. `reminders_sent` has one row per (item, step visit,
round) under a unique key, so a reminder goes out at most once whatever restarts or races
happen; after downtime only the latest owed round is sent, not one per missed interval.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError

from bot.config import RESPONSIBLE, ReminderSettings
from bot.domain.limits import Limit, LimitUnit
from bot.domain.names import names_beside_title
from bot.domain.sop import Sop, Step
from bot.domain.sop_catalog import SopCatalog, as_catalog
from bot.domain.workflow import ItemStatus
from bot.domain.worktime import WorkCalendar
from bot.service.directory import Directory
from bot.service.owed import add_outbox
from bot.service.payloads import Digest, DigestRow, PublishedRow, Reminder
from storage.models import DigestSent, Item, ReminderSent
from storage.uow import SessionFactory, UnitOfWork

MIN_INTERVAL = Limit(15, LimitUnit.MINUTES)
BATCH = 200


def reminder_interval(step: Step, settings: ReminderSettings) -> Limit:
    """The configured interval, else the step's own limit, never less than 15 minutes."""
    interval = settings.interval or step.limit or MIN_INTERVAL
    if interval.unit is LimitUnit.MINUTES and interval.amount < MIN_INTERVAL.amount:
        return MIN_INTERVAL
    return interval


def round_times(
    due_at: datetime, interval: Limit, rounds: int, calendar: WorkCalendar
) -> list[datetime]:
    """When each reminder round falls: the first when the step falls due, then one interval of
    office time after another, each moved into office hours."""
    times = [calendar.next_opening(due_at)]
    while len(times) < rounds:
        times.append(calendar.next_opening(calendar.due_at(times[-1], interval)))
    return times


class ReminderService:
    def __init__(
        self,
        factory: SessionFactory,
        sops: Sop | SopCatalog,
        directory: Directory,
        calendar: WorkCalendar,
        settings: ReminderSettings,
    ) -> None:
        self.factory = factory
        self.sops = as_catalog(sops)  # each item is reminded under its own SOP
        self.directory = directory
        self.calendar = calendar
        self.settings = settings

    async def next_wakeup(self, now: datetime) -> datetime | None:
        """The earliest moment something (a reminder or the digest) is owed."""
        candidates: list[datetime] = []
        if self.settings.enabled:
            async with UnitOfWork(self.factory, read_only=True) as uow:
                owed = await uow.repo.earliest_reminder(status=ItemStatus.ACTIVE)
            if owed is not None:
                candidates.append(self.calendar.next_opening(max(owed, now)))
        if self.settings.digest and self.sops.overseers:
            candidates.append(await self.next_digest_at(now))
        return min(candidates) if candidates else None

    async def send_due(self, now: datetime) -> int:
        """Send every reminder owed by `now`; returns how many steps were reminded."""
        if not self.settings.enabled or not self.calendar.is_open(now):
            return 0  # a round owed outside office hours waits for the next opening
        sent = 0
        while True:
            async with UnitOfWork(self.factory, read_only=True) as uow:
                ids = await uow.repo.items_to_remind(now, BATCH, status=ItemStatus.ACTIVE)
            for item_id in ids:
                sent += await self._remind(item_id, now)
            if len(ids) < BATCH:
                return sent

    async def _remind(self, item_id: int, now: datetime) -> int:
        try:
            async with UnitOfWork(self.factory) as uow:
                item = await uow.repo.item(item_id)
                if item is None or not _owed(item, now):
                    return 0
                sop = self.sops.of(item.sop_key)
                step = sop.step(item.step_key or "")
                assert item.step_due_at is not None and item.step_started_at is not None
                times = round_times(
                    item.step_due_at,
                    reminder_interval(step, self.settings),
                    self.settings.max_rounds,
                    self.calendar,
                )
                already = await uow.repo.last_round(item.id, step.key, item.step_started_at)
                owed = [r for r, t in enumerate(times, 1) if t <= now]
                if not owed:
                    # the calendar or the settings changed since remind_at was stored: the
                    # first round now falls later; only the schedule needs mending
                    if await uow.repo.move_reminder(item, times[0], status=ItemStatus.ACTIVE):
                        await uow.commit()
                    return 0
                owed_round = max(owed)
                next_at = times[owed_round] if owed_round < len(times) else None
                # Claim the round first: if a decision or another tick got there, stop.
                if not await uow.repo.move_reminder(item, next_at, status=ItemStatus.ACTIVE):
                    return 0
                if owed_round <= already:
                    await uow.commit()  # only the schedule needed mending
                    return 0
                late = self.calendar.working_time_between(item.step_due_at, now)
                minutes = int(late.total_seconds() // 60)
                uow.repo.add(
                    ReminderSent(
                        item_id=item.id,
                        step_key=step.key,
                        step_started_at=item.step_started_at,
                        round=owed_round,
                        late_minutes=minutes,
                        sent_at=now,
                    )
                )
                self._enqueue(uow, item, sop, step, owed_round, minutes, now)
                await uow.commit()
                return 1
        except IntegrityError:
            return 0  # that round was recorded by a concurrent tick: it is not sent twice

    def _enqueue(
        self,
        uow: UnitOfWork,
        item: Item,
        sop: Sop,
        step: Step,
        round_: int,
        minutes: int,
        now: datetime,
    ) -> None:
        responsible = self.directory.chats_for_role(step.role)
        names = names_beside_title(
            (m.name for m in self.directory.members_with(step.role)), sop.role_title(step.role)
        )
        reminder = Reminder(
            code=item.code,
            title=item.title,
            step=step.key,
            round=round_,
            late_minutes=minutes,
            who=names,
            due_at=item.step_due_at,
            overseer=False,
            sop=sop.key,
        )
        seen: set[int] = set()
        for role in self.settings.notify:
            chats = responsible if role == RESPONSIBLE else self.directory.chats_for_role(role)
            for chat_id in chats:
                if chat_id in seen:
                    continue
                seen.add(chat_id)
                overseer = role != RESPONSIBLE and chat_id not in responsible
                add_outbox(uow.repo, now, chat_id, item.id, replace(reminder, overseer=overseer))

    # --- the daily digest ----------------------------------------------------------------

    def _digest_moment(self, day: date) -> datetime | None:
        if not self.calendar.is_working_day(day):
            return None
        if self.settings.digest_time is None:
            return self.calendar.opening_of(day)
        local = datetime.combine(day, self.settings.digest_time, tzinfo=self.calendar.tz)
        opening = self.calendar.opening_of(day)
        assert opening is not None  # a working day
        # that day's digest, at the configured time or at opening if that is later
        return max(local.astimezone(UTC), opening)

    async def next_digest_at(self, now: datetime) -> datetime:
        day = now.astimezone(self.calendar.tz).date()
        async with UnitOfWork(self.factory, read_only=True) as uow:
            sent_today = await uow.repo.digest_sent(day)
        moment = None if sent_today else self._digest_moment(day)
        while moment is None:
            day = self.calendar.next_working_day(day)
            moment = self._digest_moment(day)
        return moment

    async def send_digest_if_due(self, now: datetime) -> bool:
        """At office opening on working days, the overseer gets the state of all items."""
        if not self.settings.digest or not self.sops.overseers:
            return False
        day = now.astimezone(self.calendar.tz).date()
        moment = self._digest_moment(day)
        if moment is None or now < moment:
            return False
        previous = self._previous_working_day(day)
        try:
            async with UnitOfWork(self.factory) as uow:
                if await uow.repo.digest_sent(day):
                    return False
                uow.repo.add(DigestSent(day=day, sent_at=now))
                await uow.repo.flush()
                active = await uow.repo.items_with_status([ItemStatus.ACTIVE])
                start, _ = self._day_bounds(previous)
                end, _ = self._day_bounds(day)  # and the days off since: nothing is skipped
                published = await uow.repo.closed_between(ItemStatus.PUBLISHED, start, end)
                digest = Digest(
                    day=day,
                    previous=previous,
                    active=tuple(self._digest_row(item, now) for item in active),
                    published=tuple(PublishedRow(i.code, i.title) for i in published),
                )
                for chat_id in self.directory.chats_for_roles(sorted(self.sops.overseers)):
                    add_outbox(uow.repo, now, chat_id, None, digest)
                await uow.commit()
                return True
        except IntegrityError:
            return False  # another tick sent today's digest

    def _digest_row(self, item: Item, now: datetime) -> DigestRow:
        sop = self.sops.of(item.sop_key)
        step = sop.step(item.step_key) if item.step_key and sop.has_step(item.step_key) else None
        holders = self.directory.members_with(step.role) if step else []
        title = sop.role_title(step.role) if step else ""
        return DigestRow(
            code=item.code,
            title=item.title,
            step=item.step_key,
            due_at=item.step_due_at,
            overdue=bool(item.step_due_at and item.step_due_at <= now),
            who=names_beside_title((m.name for m in holders), title),
            sop=sop.key,
        )

    def _previous_working_day(self, day: date) -> date:
        candidate = day - timedelta(days=1)
        while not self.calendar.is_working_day(candidate):
            candidate -= timedelta(days=1)
        return candidate

    def _day_bounds(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, time(0), tzinfo=self.calendar.tz)
        return start, start + timedelta(days=1)


def _owed(item: Item, now: datetime) -> bool:
    return (
        item.status == ItemStatus.ACTIVE
        and item.remind_at is not None
        and item.remind_at <= now
        and item.step_due_at is not None
    )
