"""The SOP monitoring figures of a period (PermenPANRB 35/2012, "Monitoring Pelaksanaan SOP
AP", Tabel 7): per step, how often it was carried out, how much of it within the time
standard, how long it took (median, p90, maximum, in office working time), the returns and
their most common reasons, the reminders sent, and the assessment that proposes; and beside
them what an auditor asks for: every item, the exceptions, the compliance checks, who held
each role and the workload per person. Pure Python: fed one item at a time (`Monitoring.add`),
so a long period is read in batches, never all at once.

A step's run counts in the period it ended in; an item belongs to a period it was open in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.holdings import Holding
from bot.domain.limits import Limit
from bot.domain.periods import Period
from bot.domain.sop import Sop
from bot.domain.visits import EventFact

DEFAULT_THRESHOLD = 80.0  # % of runs within the time standard for "berjalan dengan baik"
TOP_REASONS = 3


class Assessment(StrEnum):
    GOOD = "good"  # berjalan dengan baik
    NOT_GOOD = "not_good"  # tidak berjalan dengan baik
    NO_STANDARD = "no_standard"  # the step has no time standard: the assessor judges
    NO_RUNS = "no_runs"  # not carried out in the period


@dataclass(frozen=True, slots=True)
class StepFigures:
    key: str
    ref: str
    title: str
    role: str
    limits: tuple[Limit, ...]  # the limits the runs were measured against, in order seen
    runs: int
    within: int
    within_pct: float | None  # None: no standard, or no run
    median: timedelta | None
    p90: timedelta | None
    longest: timedelta | None
    standard: timedelta | None  # the median working time the limit allowed the runs
    returns: int
    reasons: tuple[tuple[str, int], ...]  # the most common return notes, with their count
    reminders: int
    open_at_end: int
    late_at_end: int  # of those, past their due time at the period's end
    unrecorded: int  # runs measured against the current SOP's limit (before 0011)
    assessment: Assessment
    sop_key: str = ""  # the SOP the step belongs to (an office may run several)


@dataclass(frozen=True, slots=True)
class StepCell:
    """One step of one item, as the Item sheet shows it."""

    actors: tuple[str, ...]  # "Budi" or "Sari (Plh. Kasubbag Hukum)"
    working: timedelta
    limit: Limit | None
    visits: int
    late: bool


@dataclass(frozen=True, slots=True)
class ItemRow:
    code: str
    title: str
    source: str
    created_by: str
    created_at: datetime
    closed_at: datetime | None  # within or before the period's end, else None
    status_at_end: str  # draft / active / published / cancelled, at the period's end
    step_at_end: str | None
    status_now: str
    versions: int  # design versions handed in until the period's end
    approved_version: int | None  # the version finally approved
    links: tuple[str, ...]
    steps: dict[str, StepCell]
    returns: int
    reminders: int
    sop_key: str = ""  # the SOP the item follows


@dataclass(frozen=True, slots=True)
class LateRun:
    code: str
    title: str
    step_key: str
    actor: str
    capacity: str | None
    due_at: datetime
    ended_at: datetime
    late: timedelta
    limit: Limit
    recorded: bool
    sop_key: str = ""  # whose step `step_key` is


@dataclass(frozen=True, slots=True)
class Noted:
    """A return or a cancellation: who, when, where, why."""

    code: str
    title: str
    step_key: str | None
    at: datetime
    actor: str
    capacity: str | None
    version: int
    notes: str
    sop_key: str = ""  # whose step `step_key` is


@dataclass(frozen=True, slots=True)
class OpenItem:
    code: str
    title: str
    status: str  # draft / active at the period's end
    step_key: str | None
    since: datetime
    due_at: datetime | None
    late: timedelta  # past the due time at the period's end
    sop_key: str = ""  # whose step `step_key` is


class Verdict(StrEnum):
    YES = "yes"
    NO = "no"
    NONE = "none"  # nothing to check yet (no approval, not posted)
    BY_RULE = "by_rule"  # not recorded, but the bot refused anything else (before 0011)


@dataclass(frozen=True, slots=True)
class Check:
    verdict: Verdict
    facts: tuple[str, ...] = ()  # what went wrong, in short: "3 v2: Sari"


@dataclass(frozen=True, slots=True)
class Compliance:
    code: str
    title: str
    approver_not_maker: Check
    sources_confirmed: Check
    posted_as_approved: Check
    decided_by_holders: Check


@dataclass(frozen=True, slots=True)
class Workload:
    user_id: int
    name: str
    role: str
    capacity: str | None
    decisions: int
    runs: int
    working: timedelta
    late_runs: int


@dataclass(frozen=True, slots=True)
class Overview:
    """The period in a few numbers (the Evaluasi sheet and the chat's summary)."""

    items: int
    opened: int
    published: int
    cancelled: int
    open_at_end: int
    runs: int
    measured: int  # runs of steps with a time standard
    within: int
    within_pct: float | None
    late_runs: int
    returns: int
    reminders: int
    decisions: int
    acting_decisions: int
    lead_time_median: timedelta | None  # material handed in -> posted, items published
    unrecorded_runs: int


@dataclass(frozen=True, slots=True)
class Figures:
    steps: tuple[StepFigures, ...]
    items: tuple[ItemRow, ...]
    late: tuple[LateRun, ...]
    returns: tuple[Noted, ...]
    cancellations: tuple[Noted, ...]
    open_at_end: tuple[OpenItem, ...]
    compliance: tuple[Compliance, ...]
    workload: tuple[Workload, ...]
    events: tuple[EventFact, ...]  # every event in the period, in order
    overview: Overview
    sop_versions: tuple[str, ...]  # the SOP fingerprints the period's runs were recorded under


@dataclass(frozen=True, slots=True)
class Report:
    """A period's monitoring report as plain values: what the workbook, the CSV, the chat's
    chart and summary are drawn from."""

    sop: Sop  # in force when the report was made (its number, name, fingerprint, roles)
    office: str
    period: Period
    made_at: datetime
    zone: ZoneInfo  # the office's: every time in the report is shown in it
    threshold: float  # % within the time standard for "berjalan dengan baik"
    figures: Figures
    holdings: tuple[Holding, ...]
    roster_known: bool  # False: no roster record (who held a role could not be checked)
    # The office's SOPs whose items the report covers ((): `sop` alone); the figures keep
    # each SOP's steps apart, each named by its key.
    sops: tuple[Sop, ...] = ()

    @property
    def empty(self) -> bool:
        """No item was open in the period."""
        return not self.figures.items

    @property
    def several(self) -> bool:
        """The report covers items of more than one SOP: each row names its SOP."""
        return len(self.sops) > 1

    def sop_of(self, key: str) -> Sop:
        """The SOP of that key among the report's (the report's own SOP for an unknown or
        empty key)."""
        return next((sop for sop in self.sops if sop.key == key), self.sop)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (the smallest value at or above pct% of the values)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def reason_key(notes: str) -> str:
    """Return notes compared loosely: case, spaces and closing punctuation aside."""
    return re.sub(r"\s+", " ", notes.casefold()).strip().rstrip(".!").strip()


def who(event: EventFact) -> str:
    return f"{event.actor_name} ({event.capacity})" if event.capacity else event.actor_name
