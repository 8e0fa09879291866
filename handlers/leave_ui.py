"""How /cuti reads (handlers/leave.py answers with these): the list of absences, each question
of the talk with its buttons, refusals, the recorded leave, and the notices the outbox sender
delivers to the absent member and the acting officials (through handlers/render.py)."""

from __future__ import annotations

from datetime import date
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.domain.leave_talk import BASIS_LIMIT, Ask, Change, LeaveTalk, TalkProblem, change_offered
from bot.domain.roster import Absence, ActingKind, Roster
from bot.domain.sop import RoleTitles
from bot.service.leave_views import Overview, Recorded, TalkRefused
from bot.service.payloads import AbsenceNotice, ActingNotice, LeaveChange
from handlers.people_ui import button

PREFIX = "cu:"


def leave_button(label: str, *parts: object) -> InlineKeyboardButton:
    return button(PREFIX, label[:60], *parts)


def period_text(start: date, end: date) -> str:
    return texts.fmt_dates(start, end)


def name_of(roster: Roster, user_id: int | None) -> str:
    member = roster.members.get(user_id) if user_id is not None else None
    return member.name if member else str(user_id)


def capacity(sop: RoleTitles, role: str, kind: str) -> str:
    """ "Plh. Kasubbag Hukum"."""
    return f"{ActingKind(kind).prefix} {sop.role_title(role)}"


# --- the list ----------------------------------------------------------------------------------


def overview(view: Overview, sop: RoleTitles) -> tuple[str, InlineKeyboardMarkup]:
    """The absences running and coming, a button each; then, while the talk /cuti opened
    still waits for it, the member who is away next."""
    roster, today = view.roster, view.today
    lines = [texts.LEAVE_OVERVIEW_HEADER]
    rows: list[list[InlineKeyboardButton]] = []
    listed = [a for a in roster.absences if change_offered(a, today) is not None]
    for absence in listed:
        name = name_of(roster, absence.user_id)
        coming = change_offered(absence, today) is Change.CANCEL
        lines.append(
            texts.LEAVE_OVERVIEW_LINE.format(
                name=escape(name),
                period=period_text(absence.start, absence.end),
                state=texts.LEAVE_STATE_COMING if coming else texts.LEAVE_STATE_RUNNING,
            )
        )
        lines += acting_lines(
            absence, roster, sop, texts.LEAVE_OVERVIEW_ACTING, texts.LEAVE_OVERVIEW_NO_ACTING
        )
        if coming:
            label = texts.BTN_LEAVE_CANCEL.format(name=name, start=texts.fmt_date(absence.start))
            rows.append([leave_button(label, "del", absence.id)])
        else:
            rows.append([leave_button(texts.BTN_LEAVE_END.format(name=name), "end", absence.id)])
    lines.append(texts.LEAVE_OVERVIEW_HINT if listed else texts.LEAVE_OVERVIEW_NONE)
    talk = view.talk
    if talk is not None and talk.asks is Ask.MEMBER:
        lines += ["", texts.LEAVE_PICK_MEMBER]
        members = sorted((m for m in roster.members.values() if m.active), key=lambda m: m.name)
        rows += [[leave_button(m.name, "m", talk.rev, m.user_id)] for m in members]
        rows.append([leave_button(texts.BTN_STOP, "x", talk.rev)])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def acting_lines(
    absence: Absence,
    roster: Roster,
    sop: RoleTitles,
    named_line: str = texts.LEAVE_ACTING_LINE,
    nobody_line: str = texts.LEAVE_NO_ACTING_LINE,
) -> list[str]:
    """Per role of the absent member: who acts, as what, on what basis; or nobody."""
    member = roster.members.get(absence.user_id)
    named = {acting.role: acting for acting in absence.acting}
    lines = []
    for role in sorted(member.roles if member else named):
        acting = named.get(role)
        if acting is None:
            lines.append(nobody_line.format(role=escape(sop.role_title(role))))
            continue
        lines.append(
            named_line.format(
                capacity=escape(capacity(sop, role, acting.kind)),
                acting=escape(name_of(roster, acting.user_id)),
                basis=escape(acting.basis),
            )
        )
    return lines


# --- the talk -----------------------------------------------------------------------------------


def question(talk: LeaveTalk, roster: Roster, sop: RoleTitles) -> tuple[str, InlineKeyboardMarkup]:
    """The question the talk waits on, with its buttons (each carrying the question's number)."""
    name = escape(name_of(roster, talk.member))
    stop = [leave_button(texts.BTN_STOP, "x", talk.rev)]
    if talk.asks is Ask.MEMBER:
        return texts.LEAVE_PICK_MEMBER, InlineKeyboardMarkup([stop])  # listed by overview()
    if talk.asks is Ask.PERIOD:
        return texts.LEAVE_ASK_PERIOD.format(name=name), InlineKeyboardMarkup([stop])
    if talk.asks is Ask.BASIS:
        return texts.LEAVE_ASK_BASIS, InlineKeyboardMarkup([stop])
    assert talk.role is not None and talk.start is not None and talk.end is not None
    role = escape(sop.role_title(talk.role))
    if talk.asks is Ask.KIND:
        kinds = [leave_button(kind.name.title(), "k", talk.rev, kind.value) for kind in ActingKind]
        text = texts.LEAVE_ASK_KIND.format(name=escape(name_of(roster, talk.stand_in)), role=role)
        return text, InlineKeyboardMarkup([kinds, stop])
    candidates = sorted(
        (m for m in roster.members.values() if m.active and m.user_id != talk.member),
        key=lambda m: m.name,
    )
    rows = [[leave_button(m.name, "a", talk.rev, m.user_id)] for m in candidates]
    rows += [[leave_button(texts.BTN_NO_ACTING, "a", talk.rev, 0)], stop]
    text = texts.LEAVE_ASK_ACTING.format(
        role=role, name=name, period=period_text(talk.start, talk.end)
    )
    return text, InlineKeyboardMarkup(rows)


def refusal(step: TalkRefused) -> str:
    """Why nothing was kept (HTML)."""
    if step.problem is TalkProblem.STALE:
        return texts.LEAVE_NO_WIZARD if step.talk is None else texts.LEAVE_STALE_BUTTON
    if step.problem is TalkProblem.BAD_DATE:
        return texts.LEAVE_BAD_DATE
    if step.problem is TalkProblem.BASIS_TOO_LONG:
        return texts.LEAVE_BASIS_TOO_LONG.format(limit=BASIS_LIMIT)
    member = step.talk.member if step.talk is not None else None
    clash = step.clash
    return texts.ABSENCE_PROBLEMS[step.problem.value].format(
        name=escape(name_of(step.roster, member)),
        period=period_text(clash.start, clash.end) if clash else "",
    )


def type_again(talk: LeaveTalk) -> str:
    return (
        texts.LEAVE_TYPE_PERIOD_AGAIN if talk.asks is Ask.PERIOD else texts.LEAVE_TYPE_BASIS_AGAIN
    )


def stop_keyboard(talk: LeaveTalk) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[leave_button(texts.BTN_STOP, "x", talk.rev)]])


def recorded(step: Recorded, sop: RoleTitles) -> str:
    absence, roster = step.absence, step.roster
    lines = [
        texts.LEAVE_RECORDED.format(
            name=escape(name_of(roster, absence.user_id)),
            period=period_text(absence.start, absence.end),
        ),
        *acting_lines(absence, roster, sop),
    ]
    if step.uncovered:
        roles = escape(sop.role_titles(step.uncovered))
        lines.append(texts.LEAVE_UNCOVERED_WARNING.format(roles=roles))
    return "\n".join(lines)


# --- the notices (drawn for the outbox sender) ---------------------------------------------


def leave_notice(notice: AbsenceNotice | ActingNotice, sop: RoleTitles) -> str:
    """The absent member's or an acting official's notice of a recorded, cancelled or ended
    absence (HTML)."""
    by = texts.LEAVE_BY.format(name=escape(notice.by or texts.LEAVE_BY_ADMIN))
    period = period_text(notice.start, notice.end)
    back = texts.fmt_day(notice.back) if notice.back else ""
    if isinstance(notice, ActingNotice):
        template = {
            LeaveChange.RECORDED: texts.ACTING_NOTICE_RECORDED,
            LeaveChange.CANCELLED: texts.ACTING_NOTICE_CANCELLED,
            LeaveChange.ENDED: texts.ACTING_NOTICE_ENDED,
        }[notice.change]
        return template.format(
            capacity=escape(capacity(sop, notice.role, notice.acting_kind)),
            absent=escape(notice.absent),
            period=period,
            basis=escape(notice.basis),
            back=back,
            by=by,
        )
    if notice.change is LeaveChange.CANCELLED:
        return texts.LEAVE_NOTICE_CANCELLED.format(period=period, by=by)
    if notice.change is LeaveChange.ENDED:
        return texts.LEAVE_NOTICE_ENDED.format(period=period, by=by, back=back)
    lines = [texts.LEAVE_NOTICE_RECORDED.format(period=period, by=by)]
    lines += [
        texts.LEAVE_NOTICE_ACTING.format(
            capacity=escape(capacity(sop, line.role, line.acting_kind)),
            acting=escape(line.name),
            basis=escape(line.basis),
        )
        for line in notice.acting
    ]
    lines += [
        texts.LEAVE_NOTICE_NO_ACTING.format(role=escape(sop.role_title(role)))
        for role in notice.unfilled
    ]
    return "\n".join(lines)
