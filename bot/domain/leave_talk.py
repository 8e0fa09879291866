"""The /cuti conversation: recording a member's leave in a few questions, and ending or
cancelling a recorded one.

An admin (or the sekretaris) picks the member who is away, types the period, and then, for
each role the member holds, picks who acts meanwhile (or nobody), Plh or Plt, and types the
letter that appoints them. The service keeps the talk in the database between the answers (a
restart loses nothing) and asks here what each answer means: the next question, a refusal
(the same question stays open), or the absence to record. Plain Python, like the roster rules
it relies on (bot/domain/roster.py).

Every question has a number (`rev`) that the buttons of its message carry: a press from an
earlier question, or from an earlier /cuti, no longer matches and is refused."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.domain.dates import DateNotUnderstood, parse_period
from bot.domain.roster import (
    Absence,
    AbsenceProblem,
    AbsenceRejected,
    Acting,
    ActingKind,
    Roster,
)

# A talk left alone this long is over: a text typed days later is not taken for its answer.
TALK_TTL = timedelta(hours=24)
BASIS_LIMIT = 300  # characters: a letter's number and title, not the letter itself


class Ask(StrEnum):
    """The question a talk waits on."""

    MEMBER = "member"  # press: the member who is away
    PERIOD = "period"  # text: from when to when
    ACTING = "acting"  # press: who acts in the next role, or nobody
    KIND = "kind"  # press: Plh or Plt
    BASIS = "basis"  # text: the letter that appoints them


TEXT_ASKS = frozenset({Ask.PERIOD, Ask.BASIS})
_KINDS = frozenset(kind.value for kind in ActingKind)
# The roster's refusals that another answer to the same question can mend; any other (the
# member deactivated meanwhile, say) ends the talk.
_PERIOD_MENDS = frozenset(
    {AbsenceProblem.ENDS_BEFORE_START, AbsenceProblem.IN_THE_PAST, AbsenceProblem.OVERLAPS}
)
_ACTING_MENDS = frozenset(
    {
        AbsenceProblem.ACTS_FOR_SELF,
        AbsenceProblem.STAND_IN_NOT_ACTIVE,
        AbsenceProblem.STAND_IN_AWAY,
    }
)


class TalkProblem(StrEnum):
    """Why an answer was refused, besides the roster's own reasons (`AbsenceProblem`)."""

    STALE = "stale"  # a press from an earlier question or talk, or one this question never had
    BAD_DATE = "bad_date"
    BASIS_TOO_LONG = "basis_too_long"


@dataclass(frozen=True, slots=True)
class LeaveTalk:
    """One /cuti in progress: what was answered so far. The question it waits on follows
    from it (`asks`)."""

    rev: int = 1
    member: int | None = None
    start: date | None = None
    end: date | None = None
    roles: tuple[str, ...] = ()  # the absent member's roles not yet asked about, in order
    acting: tuple[Acting, ...] = ()
    stand_in: int | None = None  # picked for roles[0]; the kind comes next
    kind: ActingKind | None = None  # picked; the basis comes next

    @property
    def asks(self) -> Ask:
        if self.member is None:
            return Ask.MEMBER
        if self.start is None:
            return Ask.PERIOD
        if self.kind is not None:
            return Ask.BASIS
        if self.stand_in is not None:
            return Ask.KIND
        return Ask.ACTING

    @property
    def waits_for_text(self) -> bool:
        return self.asks in TEXT_ASKS

    @property
    def role(self) -> str | None:
        """The role the acting questions are about."""
        return self.roles[0] if self.asks in (Ask.ACTING, Ask.KIND, Ask.BASIS) else None

    def absence(self) -> Absence:
        """The absence as answered so far (the period must be known)."""
        assert self.member is not None and self.start is not None and self.end is not None
        return Absence(self.member, self.start, self.end, self.acting)


def begin(last_rev: int) -> LeaveTalk:
    """A new /cuti; `last_rev` is the number of the person's last question (0: none), so no
    button of an earlier talk matches the new one."""
    return LeaveTalk(rev=last_rev + 1)


def expired(asked_at: datetime, now: datetime) -> bool:
    return now - asked_at > TALK_TTL


# --- the answers -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PickMember:
    rev: int
    user_id: int


@dataclass(frozen=True, slots=True)
class Typed:
    text: str


@dataclass(frozen=True, slots=True)
class PickActing:
    rev: int
    user_id: int | None  # None: nobody acts in this role


@dataclass(frozen=True, slots=True)
class PickKind:
    rev: int
    kind: str  # as pressed: "plh" or "plt" (anything else is forged)


@dataclass(frozen=True, slots=True)
class Stop:
    rev: int


Answer = PickMember | Typed | PickActing | PickKind | Stop


# --- what an answer leads to -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Asked:
    """The next question (`talk.asks`), with a new number."""

    talk: LeaveTalk


@dataclass(frozen=True, slots=True)
class Refused:
    """Nothing changes; the same question stays open (`ended`: the talk is over, because no
    answer to it can mend the problem, e.g. the roster changed meanwhile)."""

    problem: TalkProblem | AbsenceProblem
    clash: Absence | None = None
    ended: bool = False


@dataclass(frozen=True, slots=True)
class Finished:
    """Every question answered: the absence to record (checked against the roster)."""

    absence: Absence


@dataclass(frozen=True, slots=True)
class Stopped:
    """The admin pressed Batal: nothing is kept."""


Outcome = Asked | Refused | Finished | Stopped


def answer(talk: LeaveTalk, given: Answer, roster: Roster, today: date) -> Outcome:
    """What `given` means for the talk, with the roster as it is now and the office's date."""
    if isinstance(given, Typed):
        if talk.asks is Ask.PERIOD:
            return _period(talk, given.text, roster, today)
        if talk.asks is Ask.BASIS:
            return _basis(talk, given.text, roster, today)
        return Refused(TalkProblem.STALE)
    if given.rev != talk.rev:
        return Refused(TalkProblem.STALE)
    match given:
        case Stop():
            return Stopped()
        case PickMember() if talk.asks is Ask.MEMBER:
            return _member(talk, given.user_id, roster)
        case PickActing() if talk.asks is Ask.ACTING:
            return _acting(talk, given.user_id, roster, today)
        case PickKind() if talk.asks is Ask.KIND and given.kind in _KINDS:
            return Asked(replace(talk, rev=talk.rev + 1, kind=ActingKind(given.kind)))
    return Refused(TalkProblem.STALE)


def _member(talk: LeaveTalk, user_id: int, roster: Roster) -> Outcome:
    member = roster.members.get(user_id)
    if member is None or not member.active:
        return Refused(AbsenceProblem.NOT_A_MEMBER)
    return Asked(replace(talk, rev=talk.rev + 1, member=user_id, roles=tuple(sorted(member.roles))))


def _period(talk: LeaveTalk, text: str, roster: Roster, today: date) -> Outcome:
    try:
        start, end = parse_period(text)
    except DateNotUnderstood:
        return Refused(TalkProblem.BAD_DATE)
    dated = replace(talk, start=start, end=end)
    try:
        roster.check_absence(dated.absence(), today)
    except AbsenceRejected as exc:
        return Refused(exc.problem, exc.clash, ended=exc.problem not in _PERIOD_MENDS)
    return _next_role(dated, roster, today)


def _acting(talk: LeaveTalk, user_id: int | None, roster: Roster, today: date) -> Outcome:
    if user_id is None:
        return _next_role(replace(talk, roles=talk.roles[1:]), roster, today)
    assert talk.role is not None
    # Checked as the absence would be with this official (the basis is typed later): the
    # absent member, someone inactive or someone away then is refused now, not at the end.
    trial = Acting(talk.role, user_id, ActingKind.PLH, "-")
    try:
        roster.check_absence(replace(talk.absence(), acting=(*talk.acting, trial)), today)
    except AbsenceRejected as exc:
        return Refused(exc.problem, exc.clash, ended=exc.problem not in _ACTING_MENDS)
    return Asked(replace(talk, rev=talk.rev + 1, stand_in=user_id))


def _basis(talk: LeaveTalk, text: str, roster: Roster, today: date) -> Outcome:
    basis = " ".join(text.split())
    if not basis:
        return Refused(AbsenceProblem.NO_BASIS)
    if len(basis) > BASIS_LIMIT:
        return Refused(TalkProblem.BASIS_TOO_LONG)
    assert talk.role is not None and talk.stand_in is not None and talk.kind is not None
    named = Acting(talk.role, talk.stand_in, talk.kind, basis)
    return _next_role(
        replace(talk, roles=talk.roles[1:], acting=(*talk.acting, named), stand_in=None, kind=None),
        roster,
        today,
    )


def _next_role(talk: LeaveTalk, roster: Roster, today: date) -> Outcome:
    """The next role's question, or, when every role is answered, the absence itself checked
    whole (the roster may have changed since the first answers: then the talk is over)."""
    if talk.roles:
        return Asked(replace(talk, rev=talk.rev + 1))
    absence = talk.absence()
    try:
        roster.check_absence(absence, today)
    except AbsenceRejected as exc:
        return Refused(exc.problem, exc.clash, ended=True)
    return Finished(absence)


# --- a recorded absence, ended or cancelled from the list -----------------------------------


class Change(StrEnum):
    """What a press on a listed absence asks for; the button offered depends on the day."""

    CANCEL = "cancel"  # not begun: it never happens
    END = "end"  # running: the member is back today


class ChangeProblem(StrEnum):
    BEGUN = "begun"  # "Batalkan" pressed, but the absence has begun since
    NOT_RUNNING = "not_running"  # "Akhiri" pressed, but it has not begun or is over
    GONE = "gone"  # cancelled already, ended, or never there


@dataclass(frozen=True, slots=True)
class Shortened:
    """The absence now ends on `end` (the day before the member came back)."""

    absence: Absence
    end: date


@dataclass(frozen=True, slots=True)
class Cancelled:
    """Nothing of the absence is left (cancelled before it began, or ended on its first day)."""

    absence: Absence


def change_offered(absence: Absence, today: date) -> Change | None:
    """The button a listed absence gets today: cancel one not begun, end a running one."""
    if absence.start > today:
        return Change.CANCEL
    if absence.end >= today:
        return Change.END
    return None


def change_absence(
    absence: Absence | None, change: Change, today: date
) -> Shortened | Cancelled | ChangeProblem:
    """What the press does to the stored absence (None: not there, or cancelled), or why it is
    refused. Ending means the member is back at work today: the acting official's authority
    ends with the official's return, so the absence ends yesterday; one that began today is
    thereby cancelled whole."""
    if absence is None or change_offered(absence, today) is None:
        return ChangeProblem.GONE
    offered = change_offered(absence, today)
    if change is Change.CANCEL:
        return Cancelled(absence) if offered is Change.CANCEL else ChangeProblem.BEGUN
    if offered is not Change.END:
        return ChangeProblem.NOT_RUNNING
    if absence.start == today:
        return Cancelled(absence)
    return Shortened(absence, today - timedelta(days=1))
