"""The reports the bot sends without being asked (issue 15). PermenPANRB 35/2012 asks for the
SOP's application to be monitored every six months, and our SOP is reviewed at least once a
year, so:

* on the first working day of January and July, at office opening, the overseer (the
  sekretaris) receives the previous semester's report;
* on the first working day of the review month ([report] review_month, by default the month of
  the SOP's date), the overseer and the cancellers (the kasubbag) are reminded to review the
  SOP, with the figures of the twelve months before it.

Like the daily digest, each is sent once: a `reports_sent` row under its key ("semester:
2026-S2", "review:2027") is written in the same transaction as the outbox rows that deliver it
(the outbox sender makes the files when it sends them). A bot that was down at that opening
sends it at its start, any day of that month; a month gone by without it is not made up for.
If nobody holds the role that day (leave without a Plh), it waits for someone who does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from bot.config import ReportSettings
from bot.domain.periods import Period, PeriodKind, previous_semester, year
from bot.service.context import ServiceContext
from bot.service.owed import add_outbox
from bot.service.payloads import ReportPurpose
from bot.service.reports import report_job
from storage.models import ReportSent
from storage.reporting import ReportingRepository
from storage.uow import UnitOfWork

SEMESTER_MONTHS = (1, 7)  # the report of the semester before goes out in these months


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A report owed in a month: its key in `reports_sent`, why, of which period, from when
    (the opening of the month's first working day), and to which roles."""

    key: str
    purpose: ReportPurpose
    period: Period
    at: datetime
    roles: tuple[str, ...]


def review_period(review_year: int, review_month: int) -> Period:
    """The twelve months before the review month: the previous calendar year when the review
    is in January, else from that month a year before to the end of the month before it."""
    if review_month == 1:
        return year(review_year - 1)
    first = date(review_year - 1, review_month, 1)
    last = date(review_year, review_month, 1) - timedelta(days=1)
    return Period(PeriodKind.DATES, first, last)


class ReportSchedule:
    def __init__(self, ctx: ServiceContext, settings: ReportSettings) -> None:
        self.ctx = ctx
        self.settings = settings

    def owed_in(self, year_: int, month_: int) -> list[Scheduled]:
        """The reports owed in that month (none, one or both), with their moment."""
        if not self.settings.schedule:
            return []
        day = self._first_working_day(year_, month_)
        opening = self.ctx.calendar.opening_of(day) if day is not None else None
        if day is None or opening is None:
            return []
        catalog = self.ctx.catalog
        overseer = tuple(sorted(catalog.overseers))
        owed: list[Scheduled] = []
        if month_ in SEMESTER_MONTHS and overseer:
            period = previous_semester(day)
            key = f"semester:{period.spec}"
            owed.append(Scheduled(key, ReportPurpose.SEMESTER, period, opening, overseer))
        if month_ == self.settings.review_month:
            roles = tuple(dict.fromkeys([*overseer, *sorted(catalog.cancellers)]))
            period = review_period(year_, month_)
            owed.append(Scheduled(f"review:{year_}", ReportPurpose.REVIEW, period, opening, roles))
        return owed

    async def next_at(self, now: datetime) -> datetime | None:
        """When a scheduled report is next owed: this month's not yet sent (in the past, so
        at once, when someone can receive it), else the next month's."""
        today = self.ctx.office_day(now)
        following = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        due = self.owed_in(today.year, today.month)
        later = self.owed_in(following.year, following.month)
        sent = await self._sent(s.key for s in [*due, *later])
        moments = [
            s.at for s in due if s.key not in sent and (s.at > now or self._recipients(s.roles))
        ]
        moments += [s.at for s in later if s.key not in sent]
        return min(moments, default=None)

    async def send_due(self, now: datetime) -> int:
        """Owe every scheduled report due by `now` and not sent yet; returns how many."""
        today = self.ctx.office_day(now)
        sent = 0
        for scheduled in self.owed_in(today.year, today.month):
            if scheduled.at <= now:
                sent += await self._send(scheduled, now)
        return sent

    async def _send(self, scheduled: Scheduled, now: datetime) -> int:
        recipients = self._recipients(scheduled.roles)
        if not recipients:
            return 0  # nobody holds the role today: tried again at the next look
        job = report_job(scheduled.purpose, scheduled.period)
        try:
            async with UnitOfWork(self.ctx.factory) as uow:
                if await ReportingRepository(uow.session).report_sent(scheduled.key):
                    return 0
                uow.repo.add(ReportSent(key=scheduled.key, sent_at=now))
                await uow.repo.flush()  # a racing look fails here, before any row is owed
                for chat_id in recipients:
                    add_outbox(uow.repo, now, chat_id, None, job)
                await uow.commit()
        except IntegrityError:
            return 0  # another look sent it
        return 1

    def _recipients(self, roles: Iterable[str]) -> list[int]:
        """Each holder of the roles today, in private (a Plh too; a role's group chat not)."""
        directory = self.ctx.directory
        found = [holder.user_id for role in roles for holder in directory.holders(role)]
        return list(dict.fromkeys(found))

    async def _sent(self, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return set()
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            return await ReportingRepository(uow.session).reports_sent(wanted)

    def _first_working_day(self, year_: int, month_: int) -> date | None:
        day = date(year_, month_, 1)
        while day.month == month_:
            if self.ctx.calendar.is_working_day(day):
                return day
            day += timedelta(days=1)
        return None
