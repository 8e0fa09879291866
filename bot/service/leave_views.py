"""What the leave use cases (bot/service/leave.py) return to the handler: the list of
absences, the talk's next question, a refusal, the recorded leave; and the refusal of a
listed absence's button."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.leave_talk import ChangeProblem, LeaveTalk, TalkProblem
from bot.domain.roster import Absence, AbsenceProblem, Roster
from bot.service.errors import ServiceError


class AbsenceChangeRefused(ServiceError):
    """A listed absence's button no longer fits it (begun, over, or cancelled since)."""

    def __init__(self, problem: ChangeProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Overview:
    """The running and coming absences (in `roster`), and the talk /cuti opened, if it is
    still at its first question."""

    roster: Roster
    today: date
    talk: LeaveTalk | None


@dataclass(frozen=True, slots=True)
class AbsenceChanged:
    """A listed absence was cancelled or ended: it as it was, and the list now."""

    absence: Absence
    overview: Overview


@dataclass(frozen=True, slots=True)
class Asking:
    """The talk's next question (`talk.asks`)."""

    talk: LeaveTalk
    roster: Roster
    today: date


@dataclass(frozen=True, slots=True)
class TalkRefused:
    """Nothing was kept. `talk` is the talk the answer was for (None: no talk was open, or
    it had expired); `over`: the talk ended with the refusal, else its question stays open."""

    problem: TalkProblem | AbsenceProblem
    clash: Absence | None
    talk: LeaveTalk | None
    over: bool
    roster: Roster


@dataclass(frozen=True, slots=True)
class Recorded:
    absence: Absence
    roster: Roster  # with the absence
    uncovered: tuple[str, ...]  # the member's roles nobody holds on its first day


@dataclass(frozen=True, slots=True)
class TalkStopped:
    pass


@dataclass(frozen=True, slots=True)
class NotForLeave:
    """The text answers no /cuti question (or a newer item question): the conversation of the
    items takes it."""


TalkStep = Asking | TalkRefused | Recorded | TalkStopped
