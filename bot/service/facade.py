"""The one service boundary: the use cases, each holding the same context, composed into the
`Service` the handlers and the wiring use. No Telegram here: callers pass plain values and
get views back; each call is one transaction (or a few, each committed on its own)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from bot.domain.clock import Clock
from bot.domain.roster import Roster
from bot.domain.sop import Sop
from bot.domain.sop_catalog import SopCatalog
from bot.domain.workflow import Actor
from bot.domain.worktime import WorkCalendar
from bot.service.channel import ChannelPublishing
from bot.service.context import OnCommit, ServiceContext, no_one_to_wake
from bot.service.conversation import Conversation
from bot.service.coverage import Coverage, holders_of
from bot.service.decisions import Decisions
from bot.service.directory import Directory
from bot.service.leave import Leave
from bot.service.message_log import MessageLog
from bot.service.opening import ItemOpening
from bot.service.people import People
from bot.service.queries import Reads
from bot.service.roster_rows import RosterKeeper
from bot.service.takedowns import Takedowns
from bot.service.uploads import DesignUploads
from storage.uow import SessionFactory

# How far back a start looks for leave that ended while the bot was away.
CATCH_UP = timedelta(days=31)


class Service:
    """Opening items, decisions, design uploads, the conversation (a member's next text or
    file), the reads for screens and cards, and the log of sent messages."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.context = ctx
        self.opening = ItemOpening(ctx)
        self.decisions = Decisions(ctx)
        self.uploads = DesignUploads(ctx)
        self.takedowns = Takedowns(ctx)
        self.conversation = Conversation(
            ctx, self.opening, self.decisions, self.uploads, self.takedowns
        )
        self.reads = Reads(ctx)
        self.messages = MessageLog(ctx)
        self.coverage = Coverage(ctx)
        self.roster = RosterKeeper(ctx, self._roster_changed)
        self.people = People(ctx, self.roster)
        self.leave = Leave(ctx, self.roster)
        self.channel = ChannelPublishing(ctx)  # the office's Telegram channel (issue 19)
        # Told after the people changed (the wiring refreshes the command menus): the roster
        # before and the day it held for, the roster now.
        self.roster_watchers: list[Callable[[Roster, date, Roster], Awaitable[None]]] = []
        self._day: date | None = None

    async def load_roster(self) -> None:
        """At start: the database's people (seeded from config.toml on the first start); the
        open cards follow any leave that began or ended while the bot was away, and a step
        nobody can act in today raises its alarm (once: not again at the next start)."""
        directory = self.context.directory
        directory.replace(await self.roster.roster())
        self._day = directory.today()
        since = self._day - CATCH_UP
        await self.coverage.catch_up(await self.roster.roster_from(since), since)

    async def _roster_changed(self, roster: Roster) -> None:
        """Effective at once: the directory answers from the new roster, the open items
        follow (cards for new holders, the alarm for a role left without one)."""
        directory = self.context.directory
        before, day = directory.roster, directory.today()
        directory.replace(roster)
        await self.coverage.follow(holders_of(before, day), holders_of(roster, day))
        await self._tell_watchers(before, day, roster)

    async def new_day(self) -> bool:
        """Asked at each reminder tick (and at the office's midnight): when the office's date
        changed, leave that ended or began changes who holds a role, and the open items
        follow. Nothing is read while the date stays the same."""
        today = self.context.directory.today()
        if self._day is None or today == self._day:
            self._day = today
            return False
        # Yesterday's holders from the absences that still covered yesterday, today's from
        # those from today: read again if this fails and the next tick tries once more.
        since = self._day
        before = await self.roster.roster_from(since)
        roster = await self.roster.roster()
        self.context.directory.replace(roster)
        await self.coverage.follow(
            holders_of(before, since), holders_of(roster, today), alarmed_since=today
        )
        self._day = today  # done: a failure of the watchers does not change the day twice
        await self._tell_watchers(before, since, roster)
        return True

    async def _tell_watchers(self, before: Roster, since: date, after: Roster) -> None:
        for watcher in self.roster_watchers:
            await watcher(before, since, after)

    def actor(self, user_id: int) -> Actor:
        """The member acting; NotAMember for anyone else."""
        return self.context.actor(user_id)


def build_service(
    factory: SessionFactory,
    sop: Sop,
    directory: Directory,
    calendar: WorkCalendar,
    clock: Clock,
    *,
    on_commit: OnCommit = no_one_to_wake,
    sops: SopCatalog | None = None,
    channel: str | None = None,
) -> Service:
    ctx = ServiceContext(
        factory,
        sop,
        directory,
        calendar,
        clock,
        on_commit=on_commit,
        sops=sops,
        channel=channel,
    )
    return Service(ctx)
