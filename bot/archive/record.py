"""What an archived item records: its decisions, its time per SOP step, its files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


class ArchiveError(Exception):
    """The archive cannot be written as recorded (a missing file, or a copy that differs).

    `name` is the file concerned; `error` the file system's refusal, when it was one (None:
    the copy differs from what was received)."""

    def __init__(self, message: str, *, name: str = "", error: OSError | None = None) -> None:
        super().__init__(message)
        self.name = name
        self.error = error


@dataclass(frozen=True)
class ArchivedFile:
    source: Path
    name: str
    sha256: str  # as recorded when the file was received; the copy must match it
    role: str  # "desain" | "materi"
    # the published version a design page belongs to; None for material (one for all)
    version: int | None = None


@dataclass(frozen=True)
class ArchiveDecision:
    at: datetime
    name: str
    role: str
    action: str  # as people read it (the caller passes the catalog's label)
    step: str | None
    version: int
    notes: str | None
    capacity: str | None = None  # "Plh. Kasubbag Hukum": decided as an acting official
    basis: str | None = None  # the letter that appointed them

    @property
    def acted_as(self) -> str:
        """The role column: the capacity and its basis for an acting official."""
        return f"{self.capacity} ({self.basis})" if self.capacity else self.role


@dataclass(frozen=True)
class ArchiveStep:
    """Time spent at one SOP step, in working minutes, against its limit.

    A working-day limit is not a fixed number of minutes, so the caller may give the step's
    due time instead: lateness is then ended_at > due_at.
    """

    key: str
    title: str
    started_at: datetime
    ended_at: datetime | None
    working_minutes: int
    limit_minutes: int | None
    limit_text: str | None = None  # "30 menit", "1 hari kerja"
    due_at: datetime | None = None

    @property
    def late(self) -> bool | None:
        """True or False once decidable; None when still open or without a limit."""
        if self.ended_at is None:
            return None
        if self.due_at is not None:
            return self.ended_at > self.due_at
        if self.limit_minutes is not None:
            return self.working_minutes > self.limit_minutes
        return None


@dataclass(frozen=True)
class ArchiveLink:
    """A post's link: live, or replaced by a later version's post (ralat), or taken down."""

    url: str
    state: str  # "live" | "replaced" | "taken_down"
    recorded_at: datetime
    replaced_at: datetime | None = None
    replaced_by_version: int | None = None


@dataclass(frozen=True)
class ArchiveCorrection:
    """Why a published version was corrected (ralat): the reason, who asked, when."""

    reason: str
    name: str
    role: str
    at: datetime


@dataclass(frozen=True)
class ArchivePublication:
    """One published version: when, its links, its approvals, and (from the second on) the
    correction that reopened the item for it."""

    version: int
    published_at: datetime
    links: list[ArchiveLink]
    approvals: list[ArchiveDecision]
    correction: ArchiveCorrection | None = None


@dataclass(frozen=True)
class ArchiveRemoval:
    """One link of the post, removed: when, by whom, and how (operator: the operator
    confirmed it; bot: the bot deleted its own post; gone: deleted by hand before)."""

    url: str
    removed_at: datetime | None
    removed_by: str | None
    how: str | None


@dataclass(frozen=True)
class ArchiveTakedown:
    """The takedown (penurunan) of the archived item: who asked, why, each step's decision
    and time, each link removed. The item's files stay archived."""

    code: str  # the takedown item's own code (TRN-2026-0001)
    sop_number: str
    status: str  # as people read it: "diturunkan"
    reason: str
    legal: bool
    explanation: str
    asked_by: str
    asked_at: datetime
    taken_down_at: datetime | None
    decisions: list[ArchiveDecision]
    steps: list[ArchiveStep]
    links: list[ArchiveRemoval]


@dataclass(frozen=True)
class ArchiveRecord:
    code: str
    title: str
    office: str
    sop_number: str
    published_at: datetime
    sources: list[str]
    decisions: list[ArchiveDecision]
    steps: list[ArchiveStep]
    post_links: list[str]
    files: list[ArchivedFile]
    caption: str | None
    approved_version: int
    # the takedown that removed the post, once there is one (the files stay archived)
    takedown: ArchiveTakedown | None = None
    sop_name: str = ""  # the SOP the item followed (an office may run several)
    sop_key: str = ""
    # every published version, the first first (a corrected item has several); the folder
    # stays where the first publication put it
    publications: list[ArchivePublication] = field(default_factory=list)
    first_published_at: datetime | None = None

    @property
    def versioned(self) -> bool:
        """More than one version published: each one's design pages in a folder of its own."""
        return len(self.publications) > 1
