"""The reminder schedule: one APScheduler job, always set for the next moment something is
owed according to the database, and never later than the office's next midnight (a new day
may begin or end a leave: the open cards follow at once, not at the next reminder). Nothing
about a deadline lives only in the scheduler: after a restart the job is derived again from the
stored due times and the clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta, tzinfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.outage import DatabaseWatch
from bot.domain.clock import Clock
from bot.service.reminders import ReminderService
from bot.service.report_schedule import ReportSchedule

log = logging.getLogger(__name__)

JOB_ID = "reminders"
# Even when nothing is owed, look again now and then (a configuration changes); the day
# change has its own look, at the office's midnight.
IDLE_RECHECK = timedelta(hours=1)
RETRY = timedelta(seconds=30)  # after a failed tick (the database was away)


class ReminderScheduler:
    def __init__(
        self,
        reminders: ReminderService,
        clock: Clock,
        on_sent: Callable[[], None],
        also: Callable[[], Awaitable[object]] | None = None,
        reports: ReportSchedule | None = None,
    ) -> None:
        self.reminders = reminders
        # the reports sent without being asked (issue 15): looked at with the digest
        self.reports = reports
        # asked at each tick too (the people: a day that changed ends leave); for it, a tick
        # runs at each midnight of the office's time zone (the calendar's)
        self.also = also
        self.zone = reminders.calendar.tz
        self.clock = clock
        self.on_sent = on_sent
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._lock = asyncio.Lock()
        self._stopped = False
        self._dirty = False  # poked while a tick was running: that tick looks once more
        self.outage: DatabaseWatch | None = None  # issue 17: told when the database is away

    async def start(self) -> None:
        self._scheduler.start()  # needs the running loop: called from post_init
        subscribe = getattr(self.clock, "subscribe", None)
        if subscribe is not None:
            subscribe(self.poke)
        await self.reschedule()

    async def stop(self) -> None:
        """Stop scheduling and wait for a tick in progress, so the database can close."""
        self._stopped = True
        unsubscribe = getattr(self.clock, "unsubscribe", None)
        if unsubscribe is not None:
            unsubscribe(self.poke)
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        async with self._lock:
            pass

    def poke(self) -> None:
        """Something changed (a transition, or a test moved the clock): look again at once."""
        self._dirty = True  # a tick in progress looks once more before it sleeps
        self._schedule(timedelta(0))

    def reminder_set(self, at: datetime | None) -> None:
        """A commit set a reminder for `at` (the injected clock's time; None: it set none).
        The planned look stays unless `at` comes before it: then the job moves to `at`,
        without a query (a decision moves its own item's reminder; every other item's
        stands, and the planned look is already the earliest of those)."""
        if at is None or self._stopped:
            return
        if self._lock.locked():
            self._dirty = True  # the tick in progress may have read before the commit
            return
        delay = max(at - self.clock.now(), timedelta(0))
        job = self._scheduler.get_job(JOB_ID) if self._scheduler.running else None
        # APScheduler runs on the wall clock (see _schedule), so its time is compared here.
        if job is not None and job.next_run_time <= datetime.now(UTC) + delay:
            return
        self._schedule(delay)

    async def reschedule(self) -> None:
        if self._stopped:
            return
        now = self.clock.now()
        wake = await self.reminders.next_wakeup(now)
        report = await self.reports.next_at(now) if self.reports is not None else None
        if report is not None:
            wake = report if wake is None else min(wake, report)
        delay = (wake - now) if wake is not None else IDLE_RECHECK
        delay = min(delay, IDLE_RECHECK, next_midnight(now, self.zone) - now)
        self._schedule(max(delay, timedelta(0)))

    def _schedule(self, delay: timedelta) -> None:
        # The job runs on the wall clock; the delay is measured on the injected clock, so a
        # test that moves its clock pokes us and the job is set again from the new time.
        # misfire_grace_time=None: a job missed while the loop was busy still runs
        # (APScheduler's default of 1 s would silently drop it).
        if self._stopped or not self._scheduler.running:
            return
        self._scheduler.add_job(
            self._tick,
            "date",
            run_date=datetime.now(UTC) + delay,
            id=JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            # A job due while a tick runs (a poke, or the tick's own reschedule at 0) must wait
            # for the lock, not be skipped: APScheduler skips a job at max_instances and drops
            # a date job it skipped, leaving no job at all.
            max_instances=2,
        )

    async def _tick(self) -> None:
        async with self._lock:
            if self._stopped:
                return
            self._dirty = True
            while self._dirty and not self._stopped:
                self._dirty = False
                try:
                    now = self.clock.now()
                    if self.also is not None:
                        await self.also()
                    sent = await self.reminders.send_due(now)
                    digest = await self.reminders.send_digest_if_due(now)
                    reported = await self.reports.send_due(now) if self.reports else 0
                    if sent or digest or reported:
                        self.on_sent()
                except Exception as exc:
                    if self.outage is None or not self.outage.unavailable(exc, "reminders"):
                        log.exception("reminders: tick failed; trying again in %s", RETRY)
                    self._schedule(RETRY)  # and at once when the database is back (app.py)
                    return
                if not self._dirty:
                    await self.reschedule()  # a poke meanwhile: loop, do not sleep on old news

    def next_look(self) -> datetime | None:
        """When the job runs next, on the wall clock (None: no job)."""
        job = self._scheduler.get_job(JOB_ID) if self._scheduler.running else None
        return job.next_run_time if job is not None else None

    def at_rest(self) -> bool:
        """No look running and none due within a second: everything owed up to the clock's
        present time has been looked at. What the tests wait for before they check that no
        reminder followed (tests/test_e2e_reminders.py)."""
        job = self._scheduler.get_job(JOB_ID) if self._scheduler.running else None
        soon = datetime.now(UTC) + timedelta(seconds=1)  # APScheduler's wall clock
        return not self._lock.locked() and job is not None and job.next_run_time > soon


def next_midnight(now: datetime, zone: tzinfo) -> datetime:
    """The start of the office's next day after `now` (in UTC: a difference between aware
    times of one zone ignores a change of its offset)."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=zone).astimezone(UTC)
