"""Who holds which role on a given day: members, their leave, and acting officials.

An Indonesian office covers an absent official by a letter (surat perintah, nota dinas) that
names a Pelaksana Harian (Plh, a few days) or a Pelaksana Tugas (Plt, a vacancy or a long
absence) for a period; the acting official signs "Plh. Kasubbag Hukum". This module answers,
for one day, who receives a role's cards and may act in it, and in what capacity, and checks a
recorded absence before it is kept. Plain Python: the service loads the rows and asks here.

Periods are whole days in the office's time zone, both ends included (as a letter states them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ActingKind(StrEnum):
    PLH = "plh"  # Pelaksana Harian: stands in for an official who is away for a while
    PLT = "plt"  # Pelaksana Tugas: fills a vacancy or a long absence

    @property
    def prefix(self) -> str:
        """How the capacity is written before the role's title: "Plh. Kasubbag Hukum"."""
        return "Plh." if self is ActingKind.PLH else "Plt."


@dataclass(frozen=True, slots=True)
class RosterMember:
    user_id: int
    name: str
    roles: frozenset[str]
    active: bool = True
    admin: bool = False  # made an admin in chat (config.toml's admins are not members' rows)


@dataclass(frozen=True, slots=True)
class Acting:
    """One role of the absent member, held for the period by another member."""

    role: str
    user_id: int
    kind: ActingKind
    basis: str  # the letter that appoints them, as the office cites it


@dataclass(frozen=True, slots=True)
class Absence:
    user_id: int
    start: date
    end: date  # the last day away, included
    acting: tuple[Acting, ...] = ()
    id: int | None = None  # the stored row, when there is one

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Holder:
    """Someone who receives a role's cards on a day, and how they hold it."""

    user_id: int
    role: str
    acting: Acting | None = None  # None: the member's own role

    def capacity(self, role_title: str) -> str:
        """The capacity a decision records: "Kasubbag Hukum" or "Plh. Kasubbag Hukum"."""
        return f"{self.acting.kind.prefix} {role_title}" if self.acting else role_title


class AbsenceProblem(StrEnum):
    """Why a recorded absence cannot be meant; the catalog words each for the user."""

    NOT_A_MEMBER = "not_a_member"
    ENDS_BEFORE_START = "ends_before_start"
    IN_THE_PAST = "in_the_past"
    OVERLAPS = "overlaps"
    ACTS_FOR_SELF = "acts_for_self"
    ROLE_NOT_HELD = "role_not_held"
    STAND_IN_NOT_ACTIVE = "stand_in_not_active"
    NO_BASIS = "no_basis"
    STAND_IN_AWAY = "stand_in_away"


class AbsenceRejected(ValueError):
    """The absence was refused and nothing was kept; `clash` is the stored absence it hit."""

    def __init__(self, problem: AbsenceProblem, clash: Absence | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.clash = clash


@dataclass(frozen=True, slots=True)
class Roster:
    members: Mapping[int, RosterMember]
    absences: tuple[Absence, ...] = ()

    @classmethod
    def of(cls, members: Iterable[RosterMember], absences: Iterable[Absence] = ()) -> Roster:
        return cls({member.user_id: member for member in members}, tuple(absences))

    def away(self, user_id: int, day: date) -> Absence | None:
        return next((a for a in self.absences if a.user_id == user_id and a.covers(day)), None)

    def holders(self, role: str, day: date) -> list[Holder]:
        """Who receives the role's cards and reminders on the day: its active members who are
        not away, then whoever acts for an absent one (each person once)."""
        found: dict[int, Holder] = {}
        for member in self.members.values():
            if member.active and role in member.roles and self.away(member.user_id, day) is None:
                found[member.user_id] = Holder(member.user_id, role)
        for absence in self.absences:
            if not absence.covers(day):
                continue
            for acting in absence.acting:
                stand_in = self.members.get(acting.user_id)
                usable = stand_in is not None and stand_in.active
                if acting.role == role and usable and acting.user_id not in found:
                    if self.away(acting.user_id, day) is None:
                        found[acting.user_id] = Holder(acting.user_id, role, acting)
        return list(found.values())

    def roles_on(self, user_id: int, day: date) -> dict[str, Holder]:
        """The roles a person may act in on the day, each with its capacity; none while away
        or deactivated."""
        member = self.members.get(user_id)
        if member is None or not member.active or self.away(user_id, day) is not None:
            return {}
        held = {role: Holder(user_id, role) for role in member.roles}
        for absence in self.absences:
            if absence.covers(day):
                for acting in absence.acting:
                    if acting.user_id == user_id and acting.role not in held:
                        held[acting.role] = Holder(user_id, acting.role, acting)
        return held

    def uncovered(self, roles: Iterable[str], day: date) -> list[str]:
        """The roles nobody can act in on the day: the alarm, not a silence."""
        return [role for role in roles if not self.holders(role, day)]

    def check_absence(self, absence: Absence, today: date) -> None:
        """Refuse an absence that cannot be meant (AbsenceRejected says why)."""
        member = self.members.get(absence.user_id)
        if member is None or not member.active:
            raise AbsenceRejected(AbsenceProblem.NOT_A_MEMBER)
        if absence.end < absence.start:
            raise AbsenceRejected(AbsenceProblem.ENDS_BEFORE_START)
        if absence.end < today:
            raise AbsenceRejected(AbsenceProblem.IN_THE_PAST)
        for other in self._overlapping(absence.user_id, absence):
            raise AbsenceRejected(AbsenceProblem.OVERLAPS, other)
        for acting in absence.acting:
            self._check_acting(absence, acting, member)

    def _check_acting(self, absence: Absence, acting: Acting, member: RosterMember) -> None:
        stand_in = self.members.get(acting.user_id)
        if acting.user_id == absence.user_id:
            raise AbsenceRejected(AbsenceProblem.ACTS_FOR_SELF)
        if acting.role not in member.roles:
            raise AbsenceRejected(AbsenceProblem.ROLE_NOT_HELD)
        if stand_in is None or not stand_in.active:
            raise AbsenceRejected(AbsenceProblem.STAND_IN_NOT_ACTIVE)
        if not acting.basis.strip():
            raise AbsenceRejected(AbsenceProblem.NO_BASIS)
        for other in self._overlapping(acting.user_id, absence):
            raise AbsenceRejected(AbsenceProblem.STAND_IN_AWAY, other)

    def _overlapping(self, user_id: int, period: Absence) -> list[Absence]:
        """The person's stored absences that share a day with the period (the period's own
        row aside, when it is being changed)."""
        return [
            other
            for other in self.absences
            if other.user_id == user_id
            and other.start <= period.end
            and period.start <= other.end
            and not (other.id is not None and other.id == period.id)
        ]
