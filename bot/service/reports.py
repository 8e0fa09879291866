"""The SOP monitoring report of a period (issue 15), read from the database: the items open
in the period a batch at a time (each batch one read-only transaction; the figures are
computed off the event loop between them), the roster's record for who held each role.

    reports = Reports(ctx, threshold=config.report.threshold, office=config.office_name)
    period = reports.period("2026-S2")          # PeriodNotUnderstood for an unknown form
    report = await reports.build_for(user_id, period)   # NotAReportReader for others
    bot.report.workbook_bytes(report), bot.report.events_csv(report)

In chat (/laporan) the report is owed like any message: `request` writes an outbox row
(`ReportJob`) to the reader's private chat in one commit, and the outbox sender builds and
sends it (bot/delivery/report_delivery.py), so a crash or a Telegram error loses nothing.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta

from bot.domain.figures import Monitoring
from bot.domain.holdings import AbsenceFact, Holding, MemberFact, RosterEntry, holdings
from bot.domain.limits import Limit
from bot.domain.monitoring import DEFAULT_THRESHOLD, Report
from bot.domain.periods import (
    Period,
    PeriodKind,
    current_semester,
    month,
    parse_report_period,
    previous_semester,
    year,
)
from bot.domain.roster import Acting, ActingKind
from bot.domain.sop import Sop
from bot.domain.sop_catalog import SopCatalog, as_catalog
from bot.domain.visits import EventFact, ItemFacts, ReminderFact, VisitFact
from bot.domain.workflow import ITEM_CREATED, TAKEDOWN_ASKED, TAKEDOWN_REFUSED, TAKEN_DOWN
from bot.service.commits import Committed
from bot.service.context import ServiceContext
from bot.service.errors import ServiceError
from bot.service.owed import add_outbox
from bot.service.payloads import ReportJob, ReportPurpose
from storage.models import Event, Item
from storage.reporting import ReportingRepository
from storage.uow import UnitOfWork

# items read per transaction. Each batch's rows become ORM objects on the event loop, which
# nobody else has meanwhile: 200 kept the longest such stretch near 0.4 s in asyncio's debug
# mode on a year of 10,000 items (500: 1.0 s), for the same total (bench/laporan_chat.py).
BATCH = 200
SOURCE_CHARS = 300  # of the material's text shown as the item's source


class NotAReportReader(ServiceError):
    """Only the SOP's overseer and cancellers (the sekretaris and the kasubbag) and the
    admins ask for the report."""

    def __init__(self, roles: frozenset[str]) -> None:
        super().__init__(f"needs one of the roles {sorted(roles)}")
        self.roles = roles


class Reports:
    def __init__(
        self,
        ctx: ServiceContext,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        office: str = "",
        batch: int = BATCH,
    ) -> None:
        self.ctx = ctx
        self.threshold = threshold
        self.office = office
        self.batch = batch

    @property
    def reader_roles(self) -> frozenset[str]:
        return report_readers(self.ctx.catalog)

    def may_read(self, user_id: int) -> None:
        """NotAReportReader unless the member holds a reader role today, or is an admin."""
        if user_id in self.ctx.admins:
            return
        actor = self.ctx.directory.actor(user_id)
        if actor is None or not actor.roles & self.reader_roles:
            raise NotAReportReader(self.reader_roles)

    def period(self, text: str | None) -> Period:
        """The period named by `text` (empty: the current semester); PeriodNotUnderstood,
        with examples near today, for anything else."""
        return parse_report_period(text, self.ctx.office_day(self.ctx.clock.now()))

    def common_periods(self) -> list[tuple[str, Period]]:
        """The periods /laporan offers as buttons, near today: this semester, the last one,
        this month, the last one, this year (keys name them in bot/texts.py)."""
        today = self.ctx.office_day(self.ctx.clock.now())
        last_month = today.replace(day=1) - timedelta(days=1)
        return [
            ("this_semester", current_semester(today)),
            ("last_semester", previous_semester(today)),
            ("this_month", month(today.year, today.month)),
            ("last_month", month(last_month.year, last_month.month)),
            ("this_year", year(today.year)),
        ]

    async def request(self, user_id: int, period: Period) -> None:
        """A reader asked for the report of `period`: it is owed to their private chat (one
        commit), and the outbox sender makes and sends it. NotAReportReader for others."""
        self.may_read(user_id)
        now = self.ctx.clock.now()
        async with UnitOfWork(self.ctx.factory) as uow:
            add_outbox(uow.repo, now, user_id, None, report_job(ReportPurpose.ASKED, period))
            await uow.commit()
        self.ctx.on_commit(Committed(owed=True))

    async def build_for(self, user_id: int, period: Period) -> Report:
        """The report, for a member who may read it."""
        self.may_read(user_id)
        return await self.build(period)

    async def build(self, period: Period) -> Report:
        """The period's report: figures, items, exceptions, compliance, workload."""
        ctx = self.ctx
        now = ctx.clock.now()
        start, end = period.bounds(ctx.calendar.tz)
        found, known = await self._holdings(period)
        monitoring = Monitoring(
            ctx.catalog,  # each item measured against its own SOP
            ctx.calendar,
            start,
            end,
            threshold=self.threshold,
            holdings=found if known else None,
        )
        after = 0
        while True:
            async with UnitOfWork(ctx.factory, read_only=True) as uow:
                repo = ReportingRepository(uow.session)
                items = await repo.items_open_between(start, end, after_id=after, limit=self.batch)
                # the report measures the publishing SOP: a takedown item is not a publication
                measured = [item for item in items if not self._takedown(item)]
                facts = await self._facts(repo, measured) if measured else []
            # the working-time arithmetic is CPU work: off the event loop
            await asyncio.to_thread(_add_all, monitoring, facts)
            if len(items) < self.batch:
                break
            after = items[-1].id
        figures = await asyncio.to_thread(monitoring.figures)
        covered = {step.sop_key for step in figures.steps}
        return Report(
            sop=ctx.sop,
            office=self.office,
            period=period,
            made_at=now,
            zone=ctx.calendar.tz,
            threshold=self.threshold,
            figures=figures,
            holdings=tuple(found),
            roster_known=known,
            sops=tuple(sop for sop in ctx.catalog if sop.key in covered),
        )

    def _takedown(self, item: Item) -> bool:
        takedown = self.ctx.catalog.takedown
        return takedown is not None and item.sop_key == takedown.key

    async def _facts(self, repo: ReportingRepository, items: Sequence[Item]) -> list[ItemFacts]:
        ids = [item.id for item in items]
        codes = {item.id: item.code for item in items}
        events: dict[int, list[EventFact]] = defaultdict(list)
        for row in await repo.events_of(ids):
            if row.action in _TAKEDOWN_EVENTS:  # a published item's takedown: not its SOP's
                continue
            events[row.item_id].append(_event(row, codes[row.item_id]))
        visits: dict[int, list[VisitFact]] = defaultdict(list)
        for visit in await repo.visits_of(ids):
            visits[visit.item_id].append(
                VisitFact(
                    visit.step_key,
                    visit.started_at,
                    visit.ended_at,
                    Limit.parse(visit.step_limit) if visit.step_limit else None,
                    visit.due_at,
                    visit.end_event_id,
                    visit.sop_version,
                )
            )
        reminders: dict[int, list[ReminderFact]] = defaultdict(list)
        for sent in await repo.reminders_of(ids):
            reminders[sent.item_id].append(
                ReminderFact(sent.step_key, sent.step_started_at, sent.sent_at)
            )
        makers: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        hashes: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for item_id, version, uploader, digest in await repo.pages_of(ids):
            makers[item_id][version].add(uploader)
            hashes[item_id][version].append(digest or "")
        for handed in await repo.versions_of(ids):
            if handed.submitted_by is not None:
                makers[handed.item_id][handed.version].add(handed.submitted_by)
        sources: dict[int, list[str]] = defaultdict(list)
        for material in await repo.materials_of(ids):
            sources[material.item_id].append(material.text or material.file_name or "")
        return [
            ItemFacts(
                id=item.id,
                code=item.code,
                title=item.title,
                source=_source(sources[item.id]),
                created_at=item.created_at,
                created_by=_creator(events[item.id], item.created_by),
                status=item.status,
                closed_at=item.closed_at,
                step_key=item.step_key,
                post_links=tuple(item.post_links or ()),
                events=tuple(events[item.id]),
                visits=tuple(visits[item.id]),
                reminders=tuple(reminders[item.id]),
                makers={v: frozenset(who) for v, who in makers[item.id].items()},
                page_hashes={v: tuple(pages) for v, pages in hashes[item.id].items()},
                sop_key=item.sop_key,
            )
            for item in items
        ]

    async def _holdings(self, period: Period) -> tuple[list[Holding], bool]:
        """Who held each role in the period, and whether the roster has a record at all."""
        day = self.ctx.office_day
        async with UnitOfWork(self.ctx.factory, read_only=True) as uow:
            repo = ReportingRepository(uow.session)
            held = await uow.roster.roles()
            members = [
                MemberFact(
                    row.user_id,
                    row.name,
                    day(row.joined_at),
                    frozenset(held.get(row.user_id, ())),
                    row.active,
                )
                for row in await uow.roster.members()
            ]
            log = [
                RosterEntry(day(row.at), row.user_id, row.change, row.role)
                for row in await repo.roster_log()
            ]
            absences = await repo.absences_between(period.first, period.last)
            acting: dict[int, list[Acting]] = defaultdict(list)
            for row in await repo.appointments_of([a.id for a in absences]):
                acting[row.absence_id].append(
                    Acting(row.role, row.user_id, ActingKind(row.kind), row.basis)
                )
            away = [
                AbsenceFact(
                    a.user_id,
                    a.start,
                    a.end,
                    day(a.cancelled_at) if a.cancelled_at else None,
                    tuple(acting[a.id]),
                )
                for a in absences
            ]
        return holdings(members, log, away, period.first, period.last), bool(members)


_TAKEDOWN_EVENTS = frozenset({TAKEDOWN_ASKED, TAKEN_DOWN, TAKEDOWN_REFUSED})


def report_readers(sops: Sop | SopCatalog) -> frozenset[str]:
    """The roles that read the report (besides the admins): the SOPs' overseer and their
    cancellers, the sekretaris and the kasubbag."""
    catalog = as_catalog(sops)
    return catalog.cancellers | catalog.overseers


def report_job(purpose: ReportPurpose, period: Period) -> ReportJob:
    return ReportJob(purpose, period.kind.value, period.first, period.last)


def job_period(job: ReportJob) -> Period:
    """The period an outbox row asks for (its kind, first and last day, as written)."""
    return Period(PeriodKind(job.period_kind), job.first, job.last)


def _add_all(monitoring: Monitoring, facts: Iterable[ItemFacts]) -> None:
    for item in facts:
        monitoring.add(item)


def _event(row: Event, code: str) -> EventFact:
    return EventFact(
        id=row.id,
        item_id=row.item_id,
        code=code,
        at=row.at,
        action=row.action,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        role=row.role,
        step_key=row.step_key,
        version=row.version,
        notes=row.notes,
        capacity=row.capacity,
        basis=row.basis,
        file_hashes=tuple(row.file_hashes) if row.file_hashes is not None else None,
        sources_checked=row.sources_checked,
    )


def _creator(events: list[EventFact], user_id: int) -> str:
    created = next((e for e in events if e.action == ITEM_CREATED), None)
    return created.actor_name if created else str(user_id)


def _source(pieces: list[str]) -> str:
    text = "; ".join(" ".join(piece.split()) for piece in pieces if piece.strip())
    return text if len(text) <= SOURCE_CHARS else text[: SOURCE_CHARS - 1] + "…"
