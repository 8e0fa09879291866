"""The /cuti conversation as stored (`leave_talks`): written and read only here, in the
caller's unit of work, so an answer and what it changed commit together.

A talk is kept as JSON; a row this version cannot read (written by another version, or by
hand) counts as no talk open, so the admin simply begins again with /cuti."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.leave_talk import LeaveTalk
from bot.domain.roster import Acting, ActingKind
from storage import models
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class StoredTalk:
    """A person's open talk, where its questions are asked and when the last one was."""

    talk: LeaveTalk
    chat_id: int
    asked_at: datetime


async def last_rev(uow: UnitOfWork, user_id: int) -> int:
    row = await uow.roster.leave_talk(user_id)
    return row.rev if row is not None else 0


async def open_talk(uow: UnitOfWork, user_id: int) -> StoredTalk | None:
    row = await uow.roster.leave_talk(user_id)
    talk = _talk(row) if row is not None else None
    if row is None or talk is None:
        return None
    return StoredTalk(talk, row.chat_id, row.asked_at)


async def keep(uow: UnitOfWork, user_id: int, chat_id: int, talk: LeaveTalk, now: datetime) -> None:
    """Remember the talk and the question it now asks (replacing the person's last one)."""
    row = await uow.roster.leave_talk(user_id)
    if row is None:
        row = models.LeaveTalk(user_id=user_id)
        uow.roster.add_leave_talk(row)
    row.chat_id, row.rev, row.state, row.asked_at = chat_id, talk.rev, _state(talk), now


async def close(uow: UnitOfWork, user_id: int) -> None:
    """No talk open any more (the row stays: its `rev` keeps old buttons from matching)."""
    row = await uow.roster.leave_talk(user_id)
    if row is not None:
        row.state = None


async def waiting_for_text(uow: UnitOfWork) -> dict[int, int]:
    """Who has a talk open that waits for typed text, and in which chat."""
    waiting: dict[int, int] = {}
    for row in await uow.roster.open_leave_talks():
        talk = _talk(row)
        if talk is not None and talk.waits_for_text:
            waiting[row.user_id] = row.chat_id
    return waiting


def _state(talk: LeaveTalk) -> dict[str, Any]:
    return {
        "member": talk.member,
        "start": talk.start.isoformat() if talk.start else None,
        "end": talk.end.isoformat() if talk.end else None,
        "roles": list(talk.roles),
        "acting": [
            {"role": a.role, "user_id": a.user_id, "kind": a.kind.value, "basis": a.basis}
            for a in talk.acting
        ],
        "stand_in": talk.stand_in,
        "kind": talk.kind.value if talk.kind else None,
    }


def _talk(row: models.LeaveTalk) -> LeaveTalk | None:
    state = row.state
    if not isinstance(state, dict):
        return None
    try:
        return LeaveTalk(
            rev=row.rev,
            member=_number(state.get("member")),
            start=_day(state.get("start")),
            end=_day(state.get("end")),
            roles=tuple(str(role) for role in state.get("roles") or ()),
            acting=tuple(
                Acting(str(a["role"]), int(a["user_id"]), ActingKind(a["kind"]), str(a["basis"]))
                for a in state.get("acting") or ()
            ),
            stand_in=_number(state.get("stand_in")),
            kind=ActingKind(state["kind"]) if state.get("kind") else None,
        )
    except (KeyError, TypeError, ValueError):
        return None


def _number(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    return value


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None
