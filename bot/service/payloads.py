"""What an outbox row asks for: one frozen dataclass per kind of owed message, and its JSON.

A row's payload is stored as JSON (storage/models.py, `OutboxMessage.payload`). The writers
build these dataclasses and `to_json` checks that the payload comes back whole from its JSON
before the row is added: a payload that would not parse is refused at write time, in the use
case that made it, rather than found by the sender as a failed delivery. The sender parses each
row once with `from_json` and hands the renderer typed values. The JSON keys are the ones rows
have always had, so rows already in a database parse without a migration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar, TypeAlias


class OutboxKind(StrEnum):
    CARD = "card"  # an item's card for the role at a step (files, text, buttons)
    NOTICE = "notice"  # a line of information from the catalog
    RETIRE = "retire"  # replace a card's buttons with the decision taken on it
    REMINDER = "reminder"  # a step is overdue
    DIGEST = "digest"  # the overseer's daily summary
    ARCHIVE = "archive"  # write the published item's archive folder (no chat: chat_id 0)
    CLAIM = "claim"  # someone opened an invitation: an admin's Terima / Tolak
    CONFIRMATION = "confirmation"  # tell the member what the decision they typed did
    CLAIM_ANSWER = "claim_answer"  # tell who opened an invitation the admin's answer
    ABSENCE = "absence"  # tell a member their leave was recorded, cancelled or ended
    ACTING = "acting"  # tell an acting official (Plh/Plt) they were named, or no longer are
    REPORT = "report"  # the SOP monitoring report of a period: its chart, workbook and CSV
    CHANNEL = "channel"  # post to, or delete from, the office's channel (chat CHANNEL_CHAT)


class NoticeKind(StrEnum):
    """Which catalog text a notice is (stored as the payload's "template")."""

    RETURNED = "returned"  # a version went back to the operator
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    UNCOVERED = "uncovered"  # nobody can act at the item's step: the alarm
    BACKUP_FAILED = "backup_failed"  # to the admins: no item (code and title "-"), the reason
    STALE_HOLIDAYS = "stale_holidays"  # the holiday data lacks a year's cuti bersama (admins)
    DATABASE_AWAY = "database_away"  # to the admins, once it is back: since when, how long
    CORRECTED = "corrected"  # a published item reopened for a corrected version (ralat)
    # a takedown (penurunan): the code and title are the original item's
    TAKEN_DOWN = "taken_down"  # its post removed from every platform
    TAKEDOWN_REFUSED = "takedown_refused"  # refused at an approval step, with the note
    SOP_RETIRED = "sop_retired"  # to the admins at start: an SOP file gone, items follow it


class PayloadError(ValueError):
    """A payload that cannot be written or read; the message names the kind and the key."""


@dataclass(frozen=True, slots=True)
class CardJob:
    """Send the item's card for `step` at `version` (after a return, the return's event)."""

    kind: ClassVar[OutboxKind] = OutboxKind.CARD
    step: str
    version: int
    return_event_id: int | None = None


# The parameters each notice's text needs beyond code, title and name (its stored "params").
_NOTICE_EXTRAS: dict[NoticeKind, tuple[str, ...]] = {
    NoticeKind.RETURNED: ("version", "role", "notes"),
    NoticeKind.PUBLISHED: ("links",),
    NoticeKind.CANCELLED: ("reason",),
    NoticeKind.UNCOVERED: ("role", "step"),
    NoticeKind.BACKUP_FAILED: ("reason",),
    NoticeKind.STALE_HOLIDAYS: ("years", "package"),
    NoticeKind.DATABASE_AWAY: ("reason",),
    NoticeKind.CORRECTED: ("version", "reason"),
    NoticeKind.TAKEN_DOWN: ("takedown", "reason", "links"),
    NoticeKind.TAKEDOWN_REFUSED: ("takedown", "role", "notes"),
    NoticeKind.SOP_RETIRED: ("reason",),  # title: the SOP named; reason: its open items
}


@dataclass(frozen=True, slots=True)
class Notice:
    """A line of information about an item; the fields after `name` belong to one template
    each and are None for the others."""

    kind: ClassVar[OutboxKind] = OutboxKind.NOTICE
    template: NoticeKind
    code: str
    title: str
    name: str  # who decided
    version: int | None = None  # RETURNED: the version sent back
    role: str | None = None  # RETURNED: the title of the role that returned it
    notes: str | None = None  # RETURNED: the correction notes
    links: str | None = None  # PUBLISHED: the posts' links, one a line
    reason: str | None = None  # CANCELLED
    step: str | None = None  # UNCOVERED: the step's number and title ("3 Pemeriksaan ...")
    years: str | None = None  # STALE_HOLIDAYS: the years without cuti bersama ("2027")
    package: str | None = None  # STALE_HOLIDAYS: the installed `holidays` version
    takedown: str | None = None  # TAKEN_DOWN, TAKEDOWN_REFUSED: the takedown item's code

    def params(self) -> dict[str, object]:
        """The template's parameters, exactly the ones its text uses."""
        values: dict[str, object] = {"code": self.code, "title": self.title, "name": self.name}
        for key in _NOTICE_EXTRAS[self.template]:
            value = getattr(self, key)
            if value is None:
                raise PayloadError(f"notice {self.template.value!r} needs {key!r}")
            values[key] = value
        return values


@dataclass(frozen=True, slots=True)
class Retire:
    """Replace the buttons of a sent card with the decision taken on it."""

    kind: ClassVar[OutboxKind] = OutboxKind.RETIRE
    card_id: int
    action: str
    name: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Reminder:
    """A step is overdue: round `round`, `late_minutes` of office time late."""

    kind: ClassVar[OutboxKind] = OutboxKind.REMINDER
    code: str
    title: str
    step: str
    round: int
    late_minutes: int
    who: str  # the names of those who must act
    due_at: datetime | None
    overseer: bool  # sent to an overseer (no button to act), not to one who must act
    sop: str | None = None  # the key of the item's SOP (None: the default SOP)


@dataclass(frozen=True, slots=True)
class ClaimCard:
    """Someone opened an invitation: the admin's card with Terima / Tolak."""

    kind: ClassVar[OutboxKind] = OutboxKind.CLAIM
    invitation_id: int
    role: str
    user_id: int
    name: str


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What a decision typed as text did, owed to the member who typed it: it commits with
    the decision, so a reply Telegram refused (or a crash) never leaves them untold, nor
    tells them to try again what is done."""

    kind: ClassVar[OutboxKind] = OutboxKind.CONFIRMATION
    action: str
    code: str
    version: int
    to_step: str | None  # the step that receives the item; None when it closed
    sop: str | None = None  # the key of the item's SOP (None: the default SOP)


@dataclass(frozen=True, slots=True)
class ClaimAnswer:
    """An admin answered someone who opened an invitation: accepted, the welcome with what
    they can do (drawn from the roles they hold when it is sent); refused, the refusal. It
    commits with the answer, so a crash or a Telegram error cannot leave them untold."""

    kind: ClassVar[OutboxKind] = OutboxKind.CLAIM_ANSWER
    accepted: bool
    role: str  # the invited role (its key)
    name: str  # the person's name as Telegram gave it


@dataclass(frozen=True, slots=True)
class ArchiveJob:
    """Write the published item's archive folder (work for the bot itself, no chat)."""

    kind: ClassVar[OutboxKind] = OutboxKind.ARCHIVE


@dataclass(frozen=True, slots=True)
class DigestRow:
    """An active item in the overseer's digest."""

    code: str
    title: str
    step: str | None
    due_at: datetime | None
    overdue: bool
    who: str
    sop: str | None = None  # the key of the item's SOP (None: the default SOP)


@dataclass(frozen=True, slots=True)
class PublishedRow:
    code: str
    title: str


@dataclass(frozen=True, slots=True)
class Digest:
    """The overseer's daily summary: the active items, and those published since `previous`."""

    kind: ClassVar[OutboxKind] = OutboxKind.DIGEST
    day: date
    previous: date
    active: tuple[DigestRow, ...]
    published: tuple[PublishedRow, ...]


class LeaveChange(StrEnum):
    """What happened to an absence, as its notices tell it."""

    RECORDED = "recorded"
    CANCELLED = "cancelled"  # before it began
    ENDED = "ended"  # early: the member is back at work (`back`)


@dataclass(frozen=True, slots=True)
class ActingLine:
    """Who acts in one of the absent member's roles, as the member's notice names them."""

    role: str
    name: str
    acting_kind: str  # plh | plt
    basis: str


@dataclass(frozen=True, slots=True)
class AbsenceNotice:
    """Told to the absent member: their leave was recorded (and who acts in each role, and
    which roles nobody holds meanwhile), cancelled, or ended early."""

    kind: ClassVar[OutboxKind] = OutboxKind.ABSENCE
    change: LeaveChange
    start: date
    end: date  # the last day away, as it was recorded
    acting: tuple[ActingLine, ...]
    unfilled: tuple[str, ...]  # the member's roles with no acting official (RECORDED)
    by: str | None  # the name of who changed it; None: an admin who is no member
    back: date | None = None  # ENDED: the day the member is back at work


@dataclass(frozen=True, slots=True)
class ActingNotice:
    """Told to an acting official: named Plh/Plt of a role for a period on a basis, or that
    the appointment was cancelled or ended with the absence."""

    kind: ClassVar[OutboxKind] = OutboxKind.ACTING
    change: LeaveChange
    role: str
    acting_kind: str  # plh | plt
    basis: str
    absent: str  # the absent member's name
    start: date
    end: date
    by: str | None
    back: date | None = None  # ENDED: the day the absent member is back at work


class ReportPurpose(StrEnum):
    """Why a report goes to a chat (what its first words say)."""

    ASKED = "asked"  # /laporan
    SEMESTER = "semester"  # the previous semester's, on the first working day of Jan and Jul
    REVIEW = "review"  # the yearly reminder to review the SOP, with the year's figures


@dataclass(frozen=True, slots=True)
class ReportJob:
    """Make the SOP monitoring report of the period [first, last] (its kind names it: a
    semester, a month, ...) and send it: the chart with the summary, the workbook, the CSV.
    Drawn when sent, from the database as it stands then."""

    kind: ClassVar[OutboxKind] = OutboxKind.REPORT
    purpose: ReportPurpose
    period_kind: str  # bot.domain.periods.PeriodKind's value
    first: date
    last: date


class ChannelOp(StrEnum):
    POST = "post"  # post the approved files and caption of `version`
    REPLACE = "replace"  # delete `post_ids`: a newer version's posts are up
    REMOVE = "remove"  # delete every live post of the item (the takedown)


@dataclass(frozen=True, slots=True)
class ChannelJob:
    """Work on the office's Telegram channel for an item (issue 19): post the approved
    version, or delete posts (those named, or all the item's live ones)."""

    kind: ClassVar[OutboxKind] = OutboxKind.CHANNEL
    op: ChannelOp
    version: int | None = None  # POST
    post_ids: tuple[int, ...] = ()  # REPLACE: the channel_posts rows to delete


Payload: TypeAlias = (
    CardJob
    | Notice
    | Retire
    | Reminder
    | ArchiveJob
    | Digest
    | ClaimCard
    | Confirmation
    | ClaimAnswer
    | AbsenceNotice
    | ActingNotice
    | ReportJob
    | ChannelJob
)


def to_json(payload: Payload) -> dict[str, object]:
    """The payload as stored; raises PayloadError when it would not parse back whole (a wrong
    type, a missing parameter, a naive time), so a bad row is never written."""
    try:
        data = _encode(payload)
    except (AttributeError, TypeError) as exc:  # a field of the wrong type, caught by no check
        raise PayloadError(f"{payload.kind.value} payload cannot be written: {exc}") from exc
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise PayloadError(f"{payload.kind.value} payload is not JSON: {exc}") from exc
    if from_json(payload.kind, data) != payload:
        raise PayloadError(f"{payload.kind.value} payload does not survive JSON: {payload!r}")
    return data


def from_json(kind: str, data: object) -> Payload:
    """The payload of a row of `kind`; raises PayloadError naming what is missing or wrong.
    Keys it does not know are ignored (a newer version may add some)."""
    try:
        known = OutboxKind(kind)
    except ValueError:
        raise PayloadError(f"unknown outbox kind {kind!r}") from None
    fields = _Fields(known.value, data)
    match known:
        case OutboxKind.CARD:
            return CardJob(
                fields.text("step"),
                fields.number("version"),
                fields.optional_number("return_event_id"),
            )
        case OutboxKind.NOTICE:
            return _notice(fields)
        case OutboxKind.RETIRE:
            return Retire(
                fields.number("card_id"),
                fields.text("action"),
                fields.text("name"),
                fields.moment("at"),
            )
        case OutboxKind.REMINDER:
            return Reminder(
                code=fields.text("code"),
                title=fields.text("title"),
                step=fields.text("step"),
                round=fields.number("round"),
                late_minutes=fields.number("late_minutes"),
                who=fields.text("who"),
                due_at=fields.optional_moment("due_at"),
                overseer=fields.flag("overseer", default=False),
                sop=fields.optional_text("sop"),
            )
        case OutboxKind.ARCHIVE:
            return ArchiveJob()
        case OutboxKind.CLAIM:
            return ClaimCard(
                fields.number("invitation_id"),
                fields.text("role"),
                fields.number("user_id"),
                fields.text("name"),
            )
        case OutboxKind.CONFIRMATION:
            return Confirmation(
                fields.text("action"),
                fields.text("code"),
                fields.number("version"),
                fields.optional_text("to_step"),
                fields.optional_text("sop"),
            )
        case OutboxKind.CLAIM_ANSWER:
            return ClaimAnswer(fields.flag("accepted"), fields.text("role"), fields.text("name"))
        case OutboxKind.ABSENCE:
            return AbsenceNotice(
                change=_leave_change(fields),
                start=fields.day("start"),
                end=fields.day("end"),
                acting=tuple(_acting_line(row) for row in fields.objects("acting")),
                unfilled=tuple(fields.texts("unfilled")),
                by=fields.optional_text("by"),
                back=fields.optional_day("back"),
            )
        case OutboxKind.ACTING:
            return ActingNotice(
                change=_leave_change(fields),
                role=fields.text("role"),
                acting_kind=fields.text("acting_kind"),
                basis=fields.text("basis"),
                absent=fields.text("absent"),
                start=fields.day("start"),
                end=fields.day("end"),
                by=fields.optional_text("by"),
                back=fields.optional_day("back"),
            )
        case OutboxKind.REPORT:
            try:
                purpose = ReportPurpose(fields.text("purpose"))
            except ValueError:
                raise PayloadError(f"report: unknown purpose {fields.data['purpose']!r}") from None
            return ReportJob(
                purpose, fields.text("period_kind"), fields.day("first"), fields.day("last")
            )
        case OutboxKind.CHANNEL:
            try:
                op = ChannelOp(fields.text("op"))
            except ValueError:
                raise PayloadError(f"channel: unknown op {fields.data['op']!r}") from None
            ids = fields.data.get("post_ids", [])
            if not isinstance(ids, list) or not all(
                isinstance(n, int) and not isinstance(n, bool) for n in ids
            ):
                raise fields._wrong("post_ids", "a list of whole numbers")
            return ChannelJob(op, fields.optional_number("version"), tuple(ids))
        case OutboxKind.DIGEST:
            return Digest(
                day=fields.day("day"),
                previous=fields.day("previous"),
                active=tuple(_digest_row(row) for row in fields.objects("active")),
                published=tuple(
                    PublishedRow(row.text("code"), row.text("title"))
                    for row in fields.objects("published")
                ),
            )


def _encode(payload: Payload) -> dict[str, object]:
    match payload:
        case CardJob():
            data: dict[str, object] = {"step": payload.step, "version": payload.version}
            if payload.return_event_id is not None:
                data["return_event_id"] = payload.return_event_id
            return data
        case Notice():
            return {"template": payload.template.value, "params": payload.params()}
        case Retire():
            return {
                "card_id": payload.card_id,
                "action": str(payload.action),
                "name": payload.name,
                "at": _iso(payload.at, "retire payload: 'at'"),
            }
        case Reminder():
            return {
                "code": payload.code,
                "title": payload.title,
                "step": payload.step,
                "round": payload.round,
                "late_minutes": payload.late_minutes,
                "who": payload.who,
                "due_at": _optional_iso(payload.due_at, "reminder payload: 'due_at'"),
                "overseer": payload.overseer,
            } | _sop_key(payload.sop)
        case ArchiveJob():
            return {}
        case ClaimCard():
            return {
                "invitation_id": payload.invitation_id,
                "role": payload.role,
                "user_id": payload.user_id,
                "name": payload.name,
            }
        case Confirmation():
            return {
                "action": str(payload.action),
                "code": payload.code,
                "version": payload.version,
                "to_step": payload.to_step,
            } | _sop_key(payload.sop)
        case ClaimAnswer():
            return {"accepted": payload.accepted, "role": payload.role, "name": payload.name}
        case AbsenceNotice():
            return {
                "change": payload.change.value,
                "start": _day_iso(payload.start, "absence payload: 'start'"),
                "end": _day_iso(payload.end, "absence payload: 'end'"),
                "acting": [
                    {
                        "role": line.role,
                        "name": line.name,
                        "acting_kind": line.acting_kind,
                        "basis": line.basis,
                    }
                    for line in payload.acting
                ],
                "unfilled": list(payload.unfilled),
                "by": payload.by,
                "back": _optional_day_iso(payload.back, "absence payload: 'back'"),
            }
        case ActingNotice():
            return {
                "change": payload.change.value,
                "role": payload.role,
                "acting_kind": payload.acting_kind,
                "basis": payload.basis,
                "absent": payload.absent,
                "start": _day_iso(payload.start, "acting payload: 'start'"),
                "end": _day_iso(payload.end, "acting payload: 'end'"),
                "by": payload.by,
                "back": _optional_day_iso(payload.back, "acting payload: 'back'"),
            }
        case ReportJob():
            return {
                "purpose": payload.purpose.value,
                "period_kind": payload.period_kind,
                "first": _day_iso(payload.first, "report payload: 'first'"),
                "last": _day_iso(payload.last, "report payload: 'last'"),
            }
        case ChannelJob():
            data = {"op": payload.op.value, "version": payload.version}
            if payload.post_ids:
                data["post_ids"] = list(payload.post_ids)
            return data
        case Digest():
            return {
                "day": _day_iso(payload.day, "digest payload: 'day'"),
                "previous": _day_iso(payload.previous, "digest payload: 'previous'"),
                "active": [_encode_digest_row(row) for row in payload.active],
                "published": [{"code": r.code, "title": r.title} for r in payload.published],
            }


def _sop_key(key: str | None) -> dict[str, object]:
    """The item's SOP, when it names one (older payloads have none: the default SOP)."""
    return {} if key is None else {"sop": key}


def _encode_digest_row(row: DigestRow) -> dict[str, object]:
    return {
        "code": row.code,
        "title": row.title,
        "step": row.step,
        "due_at": _optional_iso(row.due_at, "digest payload: active 'due_at'"),
        "overdue": row.overdue,
        "who": row.who,
    } | _sop_key(row.sop)


def _iso(moment: datetime, where: str) -> str:
    # A naive time would be read back in the wrong zone: refused here, with its key.
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise PayloadError(f"{where} must be an aware datetime, not {_name(moment)}")
    return moment.isoformat()


def _day_iso(day: date, where: str) -> str:
    if not isinstance(day, date) or isinstance(day, datetime):
        raise PayloadError(f"{where} must be a date, not {_name(day)}")
    return day.isoformat()


def _optional_iso(moment: datetime | None, where: str) -> str | None:
    return None if moment is None else _iso(moment, where)


def _notice(fields: _Fields) -> Notice:
    try:
        template = NoticeKind(fields.text("template"))
    except ValueError:
        raise PayloadError(f"notice: unknown template {fields.data['template']!r}") from None
    params = fields.object("params")
    extras = _NOTICE_EXTRAS[template]
    return Notice(
        template,
        code=params.text("code"),
        title=params.text("title"),
        name=params.text("name"),
        version=params.number("version") if "version" in extras else None,
        role=params.text("role") if "role" in extras else None,
        notes=params.text("notes") if "notes" in extras else None,
        links=params.text("links") if "links" in extras else None,
        reason=params.text("reason") if "reason" in extras else None,
        step=params.text("step") if "step" in extras else None,
        years=params.text("years") if "years" in extras else None,
        package=params.text("package") if "package" in extras else None,
        takedown=params.text("takedown") if "takedown" in extras else None,
    )


def _optional_day_iso(day: date | None, where: str) -> str | None:
    return None if day is None else _day_iso(day, where)


def _leave_change(fields: _Fields) -> LeaveChange:
    try:
        return LeaveChange(fields.text("change"))
    except ValueError:
        raise PayloadError(f"{fields.where}: unknown change {fields.data['change']!r}") from None


def _acting_line(row: _Fields) -> ActingLine:
    return ActingLine(
        row.text("role"), row.text("name"), row.text("acting_kind"), row.text("basis")
    )


def _digest_row(row: _Fields) -> DigestRow:
    return DigestRow(
        code=row.text("code"),
        title=row.text("title"),
        step=row.optional_text("step"),
        due_at=row.optional_moment("due_at"),
        overdue=row.flag("overdue"),
        who=row.text("who"),
        sop=row.optional_text("sop"),
    )


class _Fields:
    """A JSON object being read, with errors that say which kind and which key."""

    def __init__(self, where: str, data: object) -> None:
        if not isinstance(data, dict):
            raise PayloadError(f"{where} payload must be a JSON object, not {_name(data)}")
        self.where = where
        self.data: dict[str, object] = data

    def _get(self, key: str) -> object:
        if key not in self.data:
            raise PayloadError(f"{self.where} payload lacks {key!r}")
        return self.data[key]

    def _wrong(self, key: str, wanted: str) -> PayloadError:
        value = self.data.get(key)
        return PayloadError(f"{self.where} payload: {key!r} must be {wanted}, not {_name(value)}")

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._wrong(key, "text")
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self.data.get(key) is None else self.text(key)

    def number(self, key: str) -> int:
        value = self._get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._wrong(key, "a whole number")
        return value

    def optional_number(self, key: str) -> int | None:
        return None if self.data.get(key) is None else self.number(key)

    def flag(self, key: str, *, default: bool | None = None) -> bool:
        if default is not None and key not in self.data:
            return default
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false")
        return value

    def moment(self, key: str) -> datetime:
        value = self._get(key)
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise self._wrong(key, "an ISO time with its zone")
        return parsed

    def optional_moment(self, key: str) -> datetime | None:
        return None if self.data.get(key) is None else self.moment(key)

    def day(self, key: str) -> date:
        value = self._get(key)
        try:
            parsed = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise self._wrong(key, "an ISO date")
        return parsed

    def optional_day(self, key: str) -> date | None:
        return None if self.data.get(key) is None else self.day(key)

    def texts(self, key: str) -> list[str]:
        value = self._get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._wrong(key, "a list of texts")
        return value

    def object(self, key: str) -> _Fields:
        return _Fields(f"{self.where} {key}", self._get(key))

    def objects(self, key: str) -> list[_Fields]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._wrong(key, "a list")
        return [_Fields(f"{self.where} {key}[{n}]", row) for n, row in enumerate(value)]


def _name(value: object) -> str:
    return "null" if value is None else f"{type(value).__name__} {value!r}"[:80]
