"""What every use case shares: one frozen context (the database, the SOP, who is who and who
the admins are, the calendar, the clock, and whom to wake after a commit), handed to each use
case by the service (`bot/service/facade.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import Clock
from bot.domain.sop import Sop
from bot.domain.sop_catalog import SopCatalog
from bot.domain.workflow import Actor
from bot.domain.worktime import WorkCalendar
from bot.service.commits import Committed
from bot.service.directory import Directory
from bot.service.errors import NotAMember
from storage.uow import SessionFactory

# Called right after a commit that owed messages or moved a reminder, with what it did: the
# wiring wakes the outbox sender and the reminder scheduler with it. A plain callable, so the
# service knows nothing of delivery, and no handler has to remember it.
OnCommit = Callable[[Committed], None]


def no_one_to_wake(_committed: Committed) -> None:
    """No one to wake: a service without a sender (a test of the service alone)."""


@dataclass(frozen=True, slots=True)
class ServiceContext:
    factory: SessionFactory
    sop: Sop
    directory: Directory
    calendar: WorkCalendar
    clock: Clock
    on_commit: OnCommit = no_one_to_wake
    # The office's SOPs; `sop` is the default among them. None: `sop` is the only one.
    sops: SopCatalog | None = None
    # [publish.telegram] channel: "@name" or "-100..."; None: the office has no channel
    channel: str | None = None

    def __post_init__(self) -> None:
        if self.sops is None:
            object.__setattr__(self, "sops", SopCatalog((self.sop,)))

    @property
    def catalog(self) -> SopCatalog:
        assert self.sops is not None, "set in __post_init__"
        return self.sops

    def sop_of(self, key: str | None) -> Sop:
        """The SOP an item follows: its `sop_key`, or the default SOP for an item stored
        before items named their SOP."""
        return self.catalog.of(key)

    @property
    def admins(self) -> frozenset[int]:
        """Today's admins: config.toml's and those made in chat (the directory's snapshot,
        so a grant counts at once). Admins read the office's work (/tugas, /status, /arsip)
        without holding an SOP role, and manage its people."""
        return self.directory.admins

    def is_admin(self, user_id: int) -> bool:
        return self.directory.is_admin(user_id)

    def office_day(self, moment: datetime) -> date:
        """The office's date at an instant (its own time zone, not UTC's)."""
        return moment.astimezone(self.calendar.tz).date()

    def actor(self, user_id: int) -> Actor:
        """The member acting; NotAMember for anyone else (an admin without a role too)."""
        actor = self.directory.actor(user_id)
        if actor is None:
            raise NotAMember(user_id)
        return actor
