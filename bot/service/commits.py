"""What a use case's commit tells delivery, so the wiring wakes only what the commit needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Committed:
    owed: bool = False  # outbox rows were written: the sender has work
    # the earliest reminder time this commit set (None: it set none): the reminder scheduler
    # looks again only when this is earlier than the look it has planned
    remind_at: datetime | None = None
    # a decision this commit made: (the step it was taken at, or "-", and the action), for
    # the wiring to count (/metrics) and log; None: no decision
    decision: tuple[str, str] | None = None
