"""Computing the monitoring figures (`bot/domain/monitoring.py` says what they are): one item
at a time, then the per-step summary. Pure Python."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.actions import Action
from bot.domain.holdings import Holding, held_on
from bot.domain.monitoring import (
    DEFAULT_THRESHOLD,
    TOP_REASONS,
    Assessment,
    Check,
    Compliance,
    Figures,
    ItemRow,
    LateRun,
    Noted,
    OpenItem,
    Overview,
    StepCell,
    StepFigures,
    Verdict,
    Workload,
    percentile,
    reason_key,
    who,
)
from bot.domain.sop import Sop, StepKind
from bot.domain.sop_catalog import SopCatalog, as_catalog
from bot.domain.visits import NO_TIME, EventFact, ItemFacts, Visit, visits_of
from bot.domain.workflow import ITEM_CREATED, ItemStatus
from bot.domain.worktime import WorkCalendar

WorkKey = tuple[int, str, str | None]  # person, role, capacity
StepOf = tuple[str, str]  # (SOP key, step key): one SOP's step


@dataclass(slots=True)
class _Work:
    """One person's work in one role (and capacity), added up."""

    name: str
    decisions: int = 0
    runs: int = 0
    working: timedelta = NO_TIME
    late: int = 0


class Monitoring:
    """Feed it the items of a period (`add`), then ask for the figures (`figures`)."""

    def __init__(
        self,
        sops: Sop | SopCatalog,
        calendar: WorkCalendar,
        start: datetime,
        end: datetime,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        holdings: Sequence[Holding] | None = None,  # None: the roster's record is unknown
    ) -> None:
        # each item is measured against its own SOP; a step's figures are its SOP's alone
        self.sops, self.calendar = as_catalog(sops), calendar
        self.sop = self.sops.default
        self.start, self.end = start, end
        self.threshold = threshold
        self.holdings = holdings
        # keyed by (SOP key, step key): two SOPs' steps are never added together
        self._runs: dict[StepOf, list[Visit]] = defaultdict(list)
        self._reasons: dict[StepOf, list[str]] = defaultdict(list)
        self._reminders: Counter[StepOf] = Counter()
        self._sops_seen: set[str] = set()
        self._items: list[ItemRow] = []
        self._late: list[LateRun] = []
        self._returns: list[Noted] = []
        self._cancelled: list[Noted] = []
        self._open: list[OpenItem] = []
        self._compliance: list[Compliance] = []
        self._events: list[EventFact] = []
        self._work: dict[WorkKey, _Work] = {}
        self._lead: list[float] = []
        self._counts: Counter[str] = Counter()
        self._versions: set[str] = set()

    def _in(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def add(self, item: ItemFacts) -> None:
        """Take in one item of the period (open in it at some time)."""
        sop = self.sops.find(item.sop_key)
        self._sops_seen.add(sop.key)
        visits = visits_of(item, sop, self.calendar)
        self._versions.update(v.sop_version for v in item.visits if v.sop_version)
        for visit in visits:
            if visit.run and visit.ended_at is not None and self._in(visit.ended_at):
                self._run(item, sop, visit)
        for event in item.events:
            if self._in(event.at):
                self._event(item, sop, event)
        self._reminders.update((sop.key, r.step_key) for r in item.reminders if self._in(r.sent_at))
        if self._in(item.created_at):
            self._counts["opened"] += 1
        closed = item.closed_at is not None and item.closed_at < self.end
        if closed and item.closed_at is not None and self._in(item.closed_at):
            self._counts[_ended(item.status)] += 1
            if _ended(item.status) == ItemStatus.PUBLISHED:
                self._lead_time(item)
        row = self._item_row(item, sop, visits, closed)
        self._items.append(row)
        if not closed:
            self._open.append(self._open_item(item, sop, visits, row.status_at_end))
        self._compliance.append(self._comply(item, sop))

    def _run(self, item: ItemFacts, sop: Sop, visit: Visit) -> None:
        self._runs[(sop.key, visit.step_key)].append(visit)
        end = visit.end
        assert end is not None and visit.ended_at is not None
        work = self._worker(end)
        work.runs += 1
        work.working += visit.working or NO_TIME
        if visit.late > NO_TIME and visit.due_at is not None and visit.limit is not None:
            work.late += 1
            self._late.append(
                LateRun(
                    item.code,
                    item.title,
                    visit.step_key,
                    end.actor_name,
                    end.capacity,
                    visit.due_at,
                    visit.ended_at,
                    visit.late,
                    visit.limit,
                    visit.recorded,
                    sop.key,
                )
            )

    def _worker(self, event: EventFact) -> _Work:
        key = (event.actor_id, event.role, event.capacity)
        if key not in self._work:
            self._work[key] = _Work(event.actor_name)
        return self._work[key]

    def _event(self, item: ItemFacts, sop: Sop, event: EventFact) -> None:
        self._events.append(event)
        if event.action == ITEM_CREATED:
            return
        self._worker(event).decisions += 1
        self._counts["decisions"] += 1
        if event.capacity:
            self._counts["acting"] += 1
        if event.action in (Action.RETURN, Action.CANCEL):
            noted = Noted(
                item.code,
                item.title,
                event.step_key,
                event.at,
                event.actor_name,
                event.capacity,
                event.version,
                event.notes or "",
                sop.key,
            )
            if event.action == Action.RETURN:
                self._returns.append(noted)
                self._reasons[(sop.key, event.step_key or "")].append(event.notes or "")
            else:
                self._cancelled.append(noted)

    def _lead_time(self, item: ItemFacts) -> None:
        handed = next((e for e in item.events if e.action == Action.SUBMIT_MATERIAL), None)
        if handed is not None and item.closed_at is not None:
            lead = self.calendar.working_time_between(handed.at, item.closed_at)
            self._lead.append(lead.total_seconds())

    # --- one item ----------------------------------------------------------------------

    def _item_row(self, item: ItemFacts, sop: Sop, visits: list[Visit], closed: bool) -> ItemRow:
        before = [e for e in item.events if e.at < self.end]
        handed = any(e.action == Action.SUBMIT_MATERIAL for e in before)
        status = (
            _ended(item.status) if closed else (ItemStatus.ACTIVE if handed else ItemStatus.DRAFT)
        )
        open_visit = self._open_visit(visits)
        cells: dict[str, StepCell] = {}
        for key in dict.fromkeys(v.step_key for v in visits):
            done = [v for v in visits if v.step_key == key and v.ended_at and v.ended_at < self.end]
            if not done:
                continue
            actors = tuple(dict.fromkeys(who(v.end) for v in done if v.run and v.end))
            working = sum((v.working or NO_TIME for v in done), NO_TIME)
            limit = done[-1].limit
            late = any(v.late > NO_TIME for v in done)
            cells[key] = StepCell(actors, working, limit, len(done), late)
        designs = [e.version for e in before if e.action == Action.SUBMIT_DESIGN]
        return ItemRow(
            code=item.code,
            title=item.title,
            source=item.source,
            created_by=item.created_by,
            created_at=item.created_at,
            closed_at=item.closed_at if closed else None,
            status_at_end=status,
            step_at_end=open_visit.step_key if open_visit and not closed else None,
            status_now=item.status,
            versions=max(designs, default=0),
            approved_version=self._approved_version(sop, before),
            links=item.post_links if closed else (),
            steps=cells,
            returns=sum(1 for e in before if e.action == Action.RETURN),
            reminders=sum(1 for r in item.reminders if r.sent_at < self.end),
            sop_key=sop.key,
        )

    def _approved_version(self, sop: Sop, events: list[EventFact]) -> int | None:
        reviews = [s.key for s in sop.steps if s.kind is StepKind.REVIEW]
        final = reviews[-1] if reviews else None
        approvals = [e for e in events if e.action == Action.APPROVE and e.step_key == final]
        return approvals[-1].version if approvals else None

    def _open_visit(self, visits: list[Visit]) -> Visit | None:
        return next(
            (
                v
                for v in reversed(visits)
                if v.started_at < self.end and (v.ended_at is None or v.ended_at >= self.end)
            ),
            None,
        )

    def _open_item(self, item: ItemFacts, sop: Sop, visits: list[Visit], status: str) -> OpenItem:
        visit = self._open_visit(visits)
        if visit is None:  # a draft: waiting for its material since it was opened
            return OpenItem(
                item.code, item.title, status, None, item.created_at, None, NO_TIME, sop.key
            )
        late = NO_TIME
        if visit.due_at is not None and visit.due_at < self.end:
            late = self.calendar.working_time_between(visit.due_at, self.end)
        return OpenItem(
            item.code,
            item.title,
            status,
            visit.step_key,
            visit.started_at,
            visit.due_at,
            late,
            sop.key,
        )

    def _comply(self, item: ItemFacts, sop: Sop) -> Compliance:
        events = [e for e in item.events if e.at < self.end]
        approvals = [e for e in events if e.action == Action.APPROVE]
        return Compliance(
            item.code,
            item.title,
            self._not_own(item, sop, approvals),
            self._sources(sop, approvals),
            self._as_approved(item, sop, events, approvals),
            self._holders([e for e in events if self._in(e.at)]),
        )

    def _ref(self, sop: Sop, step_key: str | None) -> str:
        if step_key and sop.has_step(step_key):
            return sop.step(step_key).ref
        return step_key or "-"

    def _not_own(self, item: ItemFacts, sop: Sop, approvals: list[EventFact]) -> Check:
        if not approvals:
            return Check(Verdict.NONE)
        own = [
            f"{self._ref(sop, e.step_key)} v{e.version}: {e.actor_name}"
            for e in approvals
            if e.actor_id in item.makers.get(e.version, frozenset())
        ]
        return Check(Verdict.NO, tuple(own)) if own else Check(Verdict.YES)

    def _sources(self, sop: Sop, approvals: list[EventFact]) -> Check:
        keys = {s.key for s in sop.steps if s.confirm_sources}
        asked = [e for e in approvals if e.step_key in keys]
        if not asked:
            return Check(Verdict.NONE)
        missing = [
            f"{self._ref(sop, e.step_key)} v{e.version}: {e.actor_name}"
            for e in asked
            if e.sources_checked is False
        ]
        if missing:
            return Check(Verdict.NO, tuple(missing))
        if any(e.sources_checked is None for e in asked):
            return Check(Verdict.BY_RULE)
        return Check(Verdict.YES)

    def _as_approved(
        self, item: ItemFacts, sop: Sop, events: list[EventFact], approvals: list[EventFact]
    ) -> Check:
        posted = [e for e in events if e.action == Action.REPORT_POSTED]
        if not posted:
            return Check(Verdict.NONE)
        version = posted[-1].version
        pages = tuple(item.page_hashes.get(version, ()))
        problems: list[str] = []
        unrecorded = False
        for step in (s for s in sop.steps if s.kind is StepKind.REVIEW):
            mine = [e for e in approvals if e.step_key == step.key and e.version == version]
            if not mine:
                problems.append(f"{step.ref} v{version}: -")
            elif mine[-1].file_hashes is None:
                unrecorded = True
            elif tuple(mine[-1].file_hashes) != pages or not pages:
                problems.append(f"{step.ref} v{version}: ≠")
        if problems:
            return Check(Verdict.NO, tuple(problems))
        return Check(Verdict.BY_RULE if unrecorded else Verdict.YES)

    def _holders(self, events: list[EventFact]) -> Check:
        if self.holdings is None:
            return Check(Verdict.NONE)
        roles = self.sops.roles
        decided = [e for e in events if e.action != ITEM_CREATED and e.role in roles]
        if not decided:
            return Check(Verdict.NONE)
        zone = self.calendar.tz
        strangers = [
            f"{e.actor_name}: {self.sops.role_title(e.role)} {e.at.astimezone(zone):%d-%m-%Y}"
            for e in decided
            if not held_on(self.holdings, e.actor_id, e.role, e.at.astimezone(zone).date())
        ]
        return Check(Verdict.NO, tuple(strangers)) if strangers else Check(Verdict.YES)

    # --- the summary -------------------------------------------------------------------

    def figures(self) -> Figures:
        open_steps = Counter((o.sop_key, o.step_key) for o in self._open if o.step_key)
        late_open = Counter(
            (o.sop_key, o.step_key) for o in self._open if o.step_key and o.late > NO_TIME
        )
        keys: list[StepOf] = []
        for sop in self.sops:  # each SOP's steps in its order: the default's even when idle
            if sop is self.sop or sop.key in self._sops_seen:
                mine = [(sop.key, s.key) for s in sop.steps]
                strays = {k for k in self._runs if k[0] == sop.key} - set(mine)
                keys += mine + sorted(strays)
        steps = tuple(self._step(key, open_steps[key], late_open[key]) for key in keys)
        runs = [v for key in keys for v in self._runs[key]]
        measured = [v for v in runs if v.limit is not None]
        within = sum(1 for v in measured if v.within)
        overview = Overview(
            items=len(self._items),
            opened=self._counts["opened"],
            published=self._counts[ItemStatus.PUBLISHED],
            cancelled=self._counts[ItemStatus.CANCELLED],
            open_at_end=len(self._open),
            runs=len(runs),
            measured=len(measured),
            within=within,
            within_pct=100 * within / len(measured) if measured else None,
            late_runs=len(self._late),
            returns=len(self._returns),
            reminders=sum(self._reminders.values()),
            decisions=self._counts["decisions"],
            acting_decisions=self._counts["acting"],
            lead_time_median=_seconds(statistics.median(self._lead)) if self._lead else None,
            unrecorded_runs=sum(1 for v in runs if not v.recorded),
        )
        workload = tuple(
            Workload(user, w.name, role, capacity, w.decisions, w.runs, w.working, w.late)
            for (user, role, capacity), w in sorted(
                self._work.items(), key=lambda kv: (kv[1].name, kv[0][1], kv[0][2] or "")
            )
        )
        return Figures(
            steps=steps,
            items=tuple(self._items),
            late=tuple(sorted(self._late, key=lambda late: late.ended_at)),
            returns=tuple(sorted(self._returns, key=lambda noted: noted.at)),
            cancellations=tuple(sorted(self._cancelled, key=lambda noted: noted.at)),
            open_at_end=tuple(self._open),
            compliance=tuple(self._compliance),
            workload=workload,
            events=tuple(sorted(self._events, key=lambda e: (e.at, e.id))),
            overview=overview,
            sop_versions=tuple(sorted(self._versions)),
        )

    def _step(self, of: StepOf, open_at_end: int, late_at_end: int) -> StepFigures:
        sop, key = self.sops.find(of[0]), of[1]
        step = sop.step(key) if sop.has_step(key) else None
        runs = self._runs[of]
        measured = [v for v in runs if v.limit is not None]
        within = sum(1 for v in measured if v.within)
        working = [(v.working or NO_TIME).total_seconds() for v in runs]
        allowed = [(v.allowed or NO_TIME).total_seconds() for v in measured]
        pct = 100 * within / len(measured) if measured else None
        if not runs:
            assessment = Assessment.NO_RUNS
        elif pct is None:
            assessment = Assessment.NO_STANDARD
        else:
            assessment = Assessment.GOOD if pct >= self.threshold else Assessment.NOT_GOOD
        limits = tuple(dict.fromkeys(v.limit for v in measured if v.limit))
        if not limits and step is not None and step.limit is not None:
            limits = (step.limit,)
        return StepFigures(
            key=key,
            ref=step.ref if step else key,
            title=step.title if step else key,
            role=sop.role_title(step.role) if step else "-",
            limits=limits,
            runs=len(runs),
            within=within,
            within_pct=pct,
            median=_seconds(statistics.median(working)) if working else None,
            p90=_seconds(percentile(working, 90)) if working else None,
            longest=_seconds(max(working)) if working else None,
            standard=_seconds(statistics.median(allowed)) if allowed else None,
            returns=len(self._reasons[of]),
            reasons=_top_reasons(self._reasons[of]),
            reminders=self._reminders[of],
            open_at_end=open_at_end,
            late_at_end=late_at_end,
            unrecorded=sum(1 for v in runs if not v.recorded),
            assessment=assessment,
            sop_key=sop.key,
        )


def _top_reasons(notes: list[str]) -> tuple[tuple[str, int], ...]:
    counted = Counter(reason_key(n) for n in notes if n.strip())
    first: dict[str, str] = {}
    for n in notes:
        first.setdefault(reason_key(n), n.strip())
    ranked = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS]
    return tuple((first[key], count) for key, count in ranked)


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def _ended(status: str) -> str:
    """How an item's SOP ended: a published item taken down later was published (its
    closing time is its publication's; the takedown is its own item, under its own SOP)."""
    return ItemStatus.PUBLISHED if status == ItemStatus.TAKEN_DOWN else status
