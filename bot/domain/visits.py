"""An item's record as the monitoring report reads it, and its step visits measured in office
working time. Pure Python: the service turns rows into these facts.

A visit of a step runs from the decision that began it to the one that ended it. Since
migration 0011 each visit is recorded as it began (the limit then in force, its due time, the
SOP it ran under). Visits that ended before that have no record: they are rebuilt from the
history (each decision ends the visit begun by the decision before it) and measured against
the current SOP's limit, marked `recorded=False` so the report can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.actions import Action
from bot.domain.limits import Limit
from bot.domain.sop import Sop
from bot.domain.workflow import ITEM_CREATED, moves_at
from bot.domain.worktime import WorkCalendar

NO_TIME = timedelta(0)


@dataclass(frozen=True, slots=True)
class EventFact:
    """One row of an item's history."""

    id: int
    item_id: int
    code: str
    at: datetime
    action: str
    actor_id: int
    actor_name: str
    role: str
    step_key: str | None  # the step the decision was taken at (the visit it ended)
    version: int
    notes: str | None = None
    capacity: str | None = None  # "Plh. Kasubbag Hukum" for an acting official
    basis: str | None = None
    file_hashes: tuple[str, ...] | None = None  # an approval: the pages approved
    sources_checked: bool | None = None  # an approval: SOP 4b confirmed (None: not recorded)


@dataclass(frozen=True, slots=True)
class VisitFact:
    """A recorded visit (table step_visits)."""

    step_key: str
    started_at: datetime
    ended_at: datetime | None
    limit: Limit | None
    due_at: datetime | None
    end_event_id: int | None
    sop_version: str | None = None  # None: copied from its item at the upgrade


@dataclass(frozen=True, slots=True)
class ReminderFact:
    step_key: str
    step_started_at: datetime  # names the visit it was about
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class ItemFacts:
    id: int
    code: str
    title: str
    source: str  # the material handed in: its text and links, its files' names
    created_at: datetime
    created_by: str
    status: str  # now
    closed_at: datetime | None
    step_key: str | None  # now
    post_links: tuple[str, ...] = ()
    events: tuple[EventFact, ...] = ()  # the whole history, in order
    visits: tuple[VisitFact, ...] = ()
    reminders: tuple[ReminderFact, ...] = ()
    makers: Mapping[int, frozenset[int]] = field(default_factory=dict)  # version -> who made it
    page_hashes: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # version -> pages
    sop_key: str | None = None  # the SOP the item follows (None: the default SOP)


@dataclass(frozen=True, slots=True)
class Visit:
    """One visit of a step, measured."""

    item_id: int
    code: str
    step_key: str
    started_at: datetime
    ended_at: datetime | None
    limit: Limit | None
    due_at: datetime | None
    recorded: bool  # False: rebuilt from the history, the limit is the current SOP's
    end: EventFact | None  # the decision that ended it
    run: bool  # ended by the step's own decision (not a cancellation or a newer version)
    reminders: int
    working: timedelta | None  # office working time from start to end
    allowed: timedelta | None  # office working time from start to the due time
    late: timedelta  # office working time past the due time (0: within the standard)

    @property
    def within(self) -> bool:
        return self.late == NO_TIME


def visits_of(item: ItemFacts, sop: Sop, calendar: WorkCalendar) -> list[Visit]:
    """Every visit of the item, recorded or rebuilt, in the order they began."""
    events = {event.id: event for event in item.events}
    reminded: dict[tuple[str, datetime], int] = {}
    for reminder in item.reminders:
        key = (reminder.step_key, reminder.step_started_at)
        reminded[key] = reminded.get(key, 0) + 1
    found: list[Visit] = []
    ends = set()
    for fact in item.visits:
        end = events.get(fact.end_event_id) if fact.end_event_id is not None else None
        ends.add(fact.end_event_id)
        found.append(
            _measure(item, sop, calendar, fact.step_key, fact.started_at, fact.ended_at,
                     fact.limit, fact.due_at, True, end, reminded)
        )  # fmt: skip
    previous: EventFact | None = None
    for event in item.events:
        if (
            previous is not None
            and event.step_key
            and event.action != ITEM_CREATED
            and event.id not in ends
        ):
            limit = sop.step(event.step_key).limit if sop.has_step(event.step_key) else None
            due = calendar.due_at(previous.at, limit) if limit else None
            found.append(
                _measure(item, sop, calendar, event.step_key, previous.at, event.at,
                         limit, due, False, event, reminded)
            )  # fmt: skip
        previous = event
    return sorted(found, key=lambda visit: visit.started_at)


def _measure(
    item: ItemFacts,
    sop: Sop,
    calendar: WorkCalendar,
    step_key: str,
    started: datetime,
    ended: datetime | None,
    limit: Limit | None,
    due: datetime | None,
    recorded: bool,
    end: EventFact | None,
    reminded: Mapping[tuple[str, datetime], int],
) -> Visit:
    late = NO_TIME
    if due is not None and ended is not None and ended > due:
        late = calendar.working_time_between(due, ended)
    return Visit(
        item_id=item.id,
        code=item.code,
        step_key=step_key,
        started_at=started,
        ended_at=ended,
        limit=limit,
        due_at=due,
        recorded=recorded,
        end=end,
        run=_is_run(sop, step_key, end),
        reminders=reminded.get((step_key, started), 0),
        working=calendar.working_time_between(started, ended) if ended else None,
        allowed=calendar.working_time_between(started, due) if due else None,
        late=late,
    )


def _is_run(sop: Sop, step_key: str, end: EventFact | None) -> bool:
    """Was the visit ended by the step's own decision? A cancellation, or a newer design
    handed in while a review waited, ends a visit without the step being carried out."""
    if end is None or end.action == Action.CANCEL:
        return False
    if not sop.has_step(step_key):
        return True  # a step of an earlier SOP: its own decisions are all we have
    return end.action in {action.value for action in moves_at(sop.step(step_key).kind)}
