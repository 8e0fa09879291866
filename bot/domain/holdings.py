"""Who held which role during a period, read back from the roster's record: appointments and
releases, deactivations, absences and the acting officials (Plh/Plt) named for them. The
monitoring report lists these for the auditor and checks each decision against them. Pure
Python: the service turns the rows into the facts below (dates in the office's zone)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.roster import Acting


class HoldingKind(StrEnum):
    OWN = "own"  # the member's own role
    PLH = "plh"
    PLT = "plt"
    AWAY = "away"  # the member was absent (on leave) and did not hold their roles


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One line of the roster log: `change` is appointed / released / deactivated /
    reactivated (others, such as absences, are read from `AbsenceFact`)."""

    day: date
    user_id: int
    change: str
    role: str | None


@dataclass(frozen=True, slots=True)
class MemberFact:
    user_id: int
    name: str
    joined: date
    roles: frozenset[str]  # held now (kept while deactivated)
    active: bool


@dataclass(frozen=True, slots=True)
class AbsenceFact:
    user_id: int
    first: date
    last: date  # included
    cancelled_on: date | None  # from this day on the absence no longer counted
    acting: tuple[Acting, ...] = ()


@dataclass(frozen=True, slots=True)
class Holding:
    role: str | None  # None for an absence: away from all the member's roles
    user_id: int
    name: str
    kind: HoldingKind
    first: date
    last: date | None  # None: still held
    basis: str | None = None  # the appointing letter of an acting official

    def covers(self, day: date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last)


def holdings(
    members: Iterable[MemberFact],
    log: Sequence[RosterEntry],
    absences: Iterable[AbsenceFact],
    first: date,
    last: date,
) -> list[Holding]:
    """Every holding that shares a day with [first, last], clipped to it: own roles, acting
    appointments and absences, ordered by role, then start."""
    people = {member.user_id: member for member in members}
    found = [h for member in people.values() for h in _own(member, log)]
    for absence in absences:
        end = absence.last
        if absence.cancelled_on is not None:
            end = min(end, absence.cancelled_on - timedelta(days=1))
        if end < absence.first:
            continue  # cancelled before it began
        name = people[absence.user_id].name if absence.user_id in people else str(absence.user_id)
        found.append(Holding(None, absence.user_id, name, HoldingKind.AWAY, absence.first, end))
        for acting in absence.acting:
            stand_in = people.get(acting.user_id)
            kind = HoldingKind(acting.kind.value)
            found.append(
                Holding(
                    acting.role,
                    acting.user_id,
                    stand_in.name if stand_in else str(acting.user_id),
                    kind,
                    absence.first,
                    end,
                    acting.basis,
                )
            )
    clipped = [_clip(h, first, last) for h in found]
    kept = [h for h in clipped if h is not None]
    return sorted(kept, key=lambda h: (h.role or "~", h.first, h.kind != HoldingKind.OWN, h.name))


def _own(member: MemberFact, log: Sequence[RosterEntry]) -> list[Holding]:
    """The member's own roles as intervals: appointed .. released, less the days deactivated."""
    entries = [entry for entry in log if entry.user_id == member.user_id]
    roles: dict[str, date] = {}  # role -> held since
    spans: list[tuple[str, date, date | None]] = []
    active_since: date | None = member.joined
    for entry in entries:
        if entry.change == "appointed" and entry.role and entry.role not in roles:
            roles[entry.role] = entry.day
        elif entry.change == "released" and entry.role in roles:
            since = roles.pop(entry.role)
            if active_since is not None:  # a deactivation already ended the span
                spans.append((entry.role, since, entry.day))
        elif entry.change == "deactivated" and active_since is not None:
            spans.extend((role, max(s, active_since), entry.day) for role, s in roles.items())
            active_since = None
        elif entry.change == "reactivated":
            active_since = entry.day
            roles = dict.fromkeys(roles, entry.day)
    for role in member.roles - set(roles) - {span[0] for span in spans}:
        roles[role] = member.joined  # held from the start, before the record began
    if active_since is not None:
        spans.extend((role, since, None) for role, since in roles.items())
    return [
        Holding(role, member.user_id, member.name, HoldingKind.OWN, start, end)
        for role, start, end in spans
        if end is None or start <= end
    ]


def _clip(holding: Holding, first: date, last: date) -> Holding | None:
    if holding.first > last or (holding.last is not None and holding.last < first):
        return None
    end = last if holding.last is None else min(holding.last, last)
    return Holding(
        holding.role,
        holding.user_id,
        holding.name,
        holding.kind,
        max(holding.first, first),
        end,
        holding.basis,
    )


def held_on(found: Sequence[Holding], user_id: int, role: str, day: date) -> bool:
    """Did the person hold the role that day: their own and not away, or as an acting
    official?"""
    mine = [h for h in found if h.user_id == user_id and h.covers(day)]
    if any(h.kind in (HoldingKind.PLH, HoldingKind.PLT) and h.role == role for h in mine):
        return True
    away = any(h.kind is HoldingKind.AWAY for h in mine)
    return not away and any(h.kind is HoldingKind.OWN and h.role == role for h in mine)
