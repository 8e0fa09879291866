"""The office's people in chat (issue 14): /undang and the invitation link, the admins'
Terima / Tolak, /anggota (roles and deactivation), and /cuti, a short guided conversation that
records leave and who acts meanwhile (Plh or Plt, on what basis).

Buttons carry "pp:<verb>:<args>" (handled here, before the item buttons); every press is
checked again by the service (a client can forge any data)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from datetime import date
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import filters

from bot import texts
from bot.domain.dates import DateNotUnderstood, format_date, parse_period
from bot.domain.invitations import InvitationRefused
from bot.domain.roster import Absence, AbsenceRejected, Acting, ActingKind
from bot.domain.sop import Sop
from bot.service.errors import ServiceError
from bot.service.payloads import ClaimCard
from bot.service.people import (
    ClaimAlreadyAnswered,
    MemberView,
    NotAllowed,
    UnknownMember,
    UnknownRole,
)
from handlers.commands import help_text
from handlers.common import Handler, reply
from handlers.context import BotContext

log = logging.getLogger(__name__)

PREFIX = "pp:"
WIZARDS_KEY = "leave_wizards"


# --- callback data ---------------------------------------------------------------------------


def _data(*parts: object) -> str:
    data = PREFIX + ":".join(str(part) for part in parts)
    assert len(data.encode()) <= 64, "Telegram refuses callback data over 64 bytes"
    return data


def _button(label: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=_data(*parts))


def claim_card(card: ClaimCard, sop: Sop) -> tuple[str, InlineKeyboardMarkup]:
    """The admins' card for someone who opened an invitation (drawn for the outbox sender)."""
    text = texts.CLAIM_CARD.format(
        name=escape(card.name), user_id=card.user_id, role=escape(sop.role_title(card.role))
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                _button(texts.BTN_ACCEPT, "ok", card.invitation_id),
                _button(texts.BTN_REJECT, "no", card.invitation_id),
            ]
        ]
    )
    return text, keyboard


# --- refusals --------------------------------------------------------------------------------


def _refusal(exc: Exception) -> str:
    match exc:
        case InvitationRefused():
            return texts.INVITE_PROBLEMS[exc.problem.value]
        case ClaimAlreadyAnswered():
            return texts.CLAIM_ALREADY
        case DateNotUnderstood():
            return texts.LEAVE_BAD_DATE
        case UnknownRole() | UnknownMember():
            return texts.BAD_BUTTON
        case _:
            return texts.PEOPLE_ADMIN_ONLY


def _answers(handler: Handler) -> Handler:
    """A refused request is answered with its reason and changes nothing."""

    @functools.wraps(handler)
    async def answered(update: Update, context: BotContext) -> None:
        try:
            await handler(update, context)
        except (InvitationRefused, ServiceError, DateNotUnderstood) as exc:
            text = _refusal(exc)
            if update.callback_query is not None:
                await update.callback_query.answer(text[:200], show_alert=True)
            else:
                await reply(update, text)

    return answered


def _user(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


def _is_admin(context: BotContext, user_id: int) -> bool:
    return user_id in context.services.config.telegram.admins


# --- invitations -----------------------------------------------------------------------------


@_answers
async def start_link(update: Update, context: BotContext) -> None:
    """/start <token>: someone opened an invitation link; an admin decides."""
    user = update.effective_user
    assert user is not None
    token = (context.args or [""])[0]
    people = context.services.service.people
    claim = await people.open_invitation(user.id, user.full_name, token)
    role = context.services.config.sop.role_title(claim.role)
    await reply(update, texts.INVITE_OPENED.format(name=escape(user.first_name), role=role))


@_answers
async def invite_command(update: Update, context: BotContext) -> None:
    """/undang: pick the role of the person to invite."""
    if not _is_admin(context, _user(update)):
        raise NotAllowed
    sop = context.services.config.sop
    rows = [[_button(sop.role_title(role), "inv", role)] for role in sop.roles]
    await reply(update, texts.INVITE_PICK_ROLE, InlineKeyboardMarkup(rows))


async def _issue(update: Update, context: BotContext, role: str) -> None:
    invited = await context.services.service.people.issue(_user(update), role)
    config = context.services.config
    link = f"https://t.me/{context.bot.username}?start={invited.token}"
    text = texts.INVITE_LINK.format(
        role=escape(config.sop.role_title(role)),
        until=texts.fmt_time(invited.expires_at, config.timezone),
        link=link,
    )
    keyboard = InlineKeyboardMarkup(
        [[_button(texts.BTN_REVOKE_INVITE, "rev", invited.invitation_id)]]
    )
    await _answer(update)
    await reply(update, text, keyboard)


async def _revoke(update: Update, context: BotContext, invitation_id: int) -> None:
    await context.services.service.people.revoke(_user(update), invitation_id)
    await _answer(update, texts.INVITE_REVOKED)
    await _edit(update, texts.INVITE_REVOKED)


async def _answer_claim(
    update: Update, context: BotContext, invitation_id: int, accept: bool
) -> None:
    user = update.effective_user
    assert user is not None
    claim = await context.services.service.people.answer_claim(user.id, invitation_id, accept)
    sop = context.services.config.sop
    role = sop.role_title(claim.role)
    name = escape(claim.name)
    admin = escape(user.full_name)
    outcome = (
        texts.CLAIM_ACCEPTED.format(name=name, role=role, admin=admin)
        if accept
        else texts.CLAIM_REJECTED.format(name=name, admin=admin)
    )
    await _answer(update)
    await _edit(update, outcome)
    if accept:
        welcome = texts.CLAIM_WELCOME.format(name=name, role=role)
        await _tell(context, claim.user_id, welcome + help_text(context, claim.user_id))
    else:
        await _tell(context, claim.user_id, texts.CLAIM_REFUSED_TO_USER)


async def _tell(context: BotContext, chat_id: int, text: str) -> None:
    try:
        await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:  # they can /start later: the help is there
        log.warning("could not tell %s: %s", chat_id, exc)


# --- members ---------------------------------------------------------------------------------


def _status(view: MemberView) -> str:
    if not view.active:
        return texts.MEMBER_INACTIVE
    if view.away_until is not None:
        return texts.MEMBER_AWAY.format(until=format_date(view.away_until))
    return texts.MEMBER_ACTIVE


def _roles(sop: Sop, roles: frozenset[str]) -> str:
    return sop.role_titles(roles) or texts.MEMBER_NO_ROLE


@_answers
async def members_command(update: Update, context: BotContext) -> None:
    """/anggota: the members, their roles and status; a button per member."""
    if not _is_admin(context, _user(update)):
        raise NotAllowed
    sop = context.services.config.sop
    views = sorted(await context.services.service.people.members(), key=lambda v: v.name)
    lines = [texts.MEMBERS_HEADER.format(count=len(views))]
    lines += [
        texts.MEMBERS_LINE.format(
            name=escape(v.name),
            user_id=v.user_id,
            roles=escape(_roles(sop, v.roles)),
            status=_status(v),
        )
        for v in views
    ]
    lines.append(texts.MEMBERS_HINT)
    rows = [[_button(v.name[:60], "m", v.user_id)] for v in views]
    await reply(update, "\n".join(lines), InlineKeyboardMarkup(rows))


async def _member_card(update: Update, context: BotContext, user_id: int, *, edit: bool) -> None:
    if not _is_admin(context, _user(update)):
        raise NotAllowed
    sop = context.services.config.sop
    views = {v.user_id: v for v in await context.services.service.people.members()}
    view = views.get(user_id)
    if view is None:
        await _answer(update)
        return
    text = texts.MEMBER_CARD.format(
        name=escape(view.name),
        user_id=view.user_id,
        roles=escape(_roles(sop, view.roles)),
        status=_status(view),
    )
    rows = [
        [_button(("✓ " if role in view.roles else "") + sop.role_title(role), "r", user_id, role)]
        for role in sop.roles
    ]
    active = ("off", texts.BTN_DEACTIVATE) if view.active else ("on", texts.BTN_REACTIVATE)
    rows.append([_button(active[1], active[0], user_id)])
    await _answer(update)
    if edit:
        await _edit(update, text, InlineKeyboardMarkup(rows))
    else:
        await reply(update, text, InlineKeyboardMarkup(rows))


async def _toggle_role(update: Update, context: BotContext, user_id: int, role: str) -> None:
    people = context.services.service.people
    views = {v.user_id: v for v in await people.members()}
    if user_id not in views:
        await _answer(update)
        return
    roles = views[user_id].roles ^ {role}
    await people.set_roles(_user(update), user_id, frozenset(roles))
    await _member_card(update, context, user_id, edit=True)


async def _set_active(update: Update, context: BotContext, user_id: int, active: bool) -> None:
    await context.services.service.people.set_active(_user(update), user_id, active)
    await _member_card(update, context, user_id, edit=True)


# --- leave: the guided conversation ----------------------------------------------------------


@dataclass(slots=True)
class LeaveWizard:
    """One admin's /cuti in progress (kept in memory: after a restart it is begun again)."""

    member: int | None = None
    name: str = ""
    start: date | None = None
    end: date | None = None
    roles: list[str] = field(default_factory=list)  # the absent member's roles still to ask
    acting: list[Acting] = field(default_factory=list)
    stand_in: int | None = None  # picked for roles[0], waiting for the kind
    kind: ActingKind | None = None  # picked, waiting for the basis


def wizards(context: BotContext) -> dict[int, LeaveWizard]:
    return context.application.bot_data.setdefault(WIZARDS_KEY, {})  # type: ignore[no-any-return]


def _wizard_of(update: Update, context: BotContext) -> LeaveWizard | None:
    user = update.effective_user
    return wizards(context).get(user.id) if user is not None else None


class WizardWaitsForText(filters.MessageFilter):
    """A text meant for a /cuti in progress (the period, or the basis of an appointment)."""

    def __init__(self, store: dict[int, LeaveWizard]) -> None:
        super().__init__(name="WizardWaitsForText")
        self.store = store

    def filter(self, message: Message) -> bool:
        user = message.from_user
        wizard = self.store.get(user.id) if user is not None else None
        return (
            wizard is not None
            and wizard.member is not None
            and (wizard.start is None or wizard.kind is not None)
        )


@_answers
async def leave_command(update: Update, context: BotContext) -> None:
    """/cuti: pick the member who is away."""
    people = context.services.service.people
    try:
        await people.may_record_leave(_user(update))
    except NotAllowed:
        await reply(update, texts.LEAVE_NOT_ALLOWED)
        return
    views = sorted((v for v in await people.members() if v.active), key=lambda v: v.name)
    rows = [[_button(v.name[:60], "ca", v.user_id)] for v in views]
    rows.append([_button(texts.BTN_STOP, "x")])
    wizards(context)[_user(update)] = LeaveWizard()
    await reply(update, texts.LEAVE_PICK_MEMBER, InlineKeyboardMarkup(rows))


async def _leave_member(update: Update, context: BotContext, user_id: int) -> None:
    wizard = _wizard_of(update, context)
    if wizard is None or wizard.member is not None:
        await _answer(update, texts.LEAVE_NO_WIZARD)
        return
    views = {v.user_id: v for v in await context.services.service.people.members()}
    view = views.get(user_id)
    if view is None:
        await _answer(update)
        return
    wizard.member, wizard.name = user_id, view.name
    wizard.roles = sorted(view.roles)
    await _answer(update)
    await _edit(update, texts.LEAVE_ASK_PERIOD.format(name=escape(view.name)))


async def on_wizard_text(update: Update, context: BotContext) -> None:
    """The period, or an appointment's basis, typed during /cuti."""
    wizard = _wizard_of(update, context)
    message = update.effective_message
    if wizard is None or message is None:
        return
    text = (message.text or "").strip()
    if wizard.start is None:
        await _period_typed(update, context, wizard, text)
    elif wizard.kind is not None and wizard.stand_in is not None:
        wizard.acting.append(Acting(wizard.roles.pop(0), wizard.stand_in, wizard.kind, text))
        wizard.stand_in = wizard.kind = None
        await _next_role(update, context, wizard)


async def _period_typed(
    update: Update, context: BotContext, wizard: LeaveWizard, text: str
) -> None:
    if wizard.member is None:
        return
    try:
        start, end = parse_period(text)
    except DateNotUnderstood:
        await reply(update, texts.LEAVE_BAD_DATE)  # asked again: nothing kept
        return
    try:
        await context.services.service.people.check_absence(
            _user(update), Absence(wizard.member, start, end)
        )
    except AbsenceRejected as exc:
        wizards(context).pop(_user(update), None)
        await reply(update, _absence_refusal(exc, wizard, context))
        return
    wizard.start, wizard.end = start, end
    await _next_role(update, context, wizard)


def _period(start: date, end: date) -> str:
    return format_date(start) if start == end else f"{format_date(start)} s.d. {format_date(end)}"


async def _next_role(update: Update, context: BotContext, wizard: LeaveWizard) -> None:
    if not wizard.roles:
        await _record(update, context, wizard)
        return
    assert wizard.start is not None and wizard.end is not None
    sop = context.services.config.sop
    role = wizard.roles[0]
    views = await context.services.service.people.members()
    rows = [
        [_button(v.name[:60], "ac", v.user_id)]
        for v in sorted(views, key=lambda v: v.name)
        if v.active and v.user_id != wizard.member
    ]
    rows.append([_button(texts.BTN_NO_ACTING, "ac", 0)])
    rows.append([_button(texts.BTN_STOP, "x")])
    text = texts.LEAVE_ASK_ACTING.format(
        role=escape(sop.role_title(role)),
        name=escape(wizard.name),
        period=_period(wizard.start, wizard.end),
    )
    await _say(update, text, InlineKeyboardMarkup(rows))


async def _acting_picked(update: Update, context: BotContext, user_id: int) -> None:
    wizard = _wizard_of(update, context)
    if wizard is None or wizard.start is None or not wizard.roles or wizard.stand_in:
        await _answer(update, texts.LEAVE_NO_WIZARD)
        return
    await _answer(update)
    if user_id == 0:
        wizard.roles.pop(0)
        await _next_role(update, context, wizard)
        return
    views = {v.user_id: v for v in await context.services.service.people.members()}
    wizard.stand_in = user_id
    sop = context.services.config.sop
    name = views[user_id].name if user_id in views else str(user_id)
    rows = [
        [_button("Plh", "ak", "plh"), _button("Plt", "ak", "plt")],
        [_button(texts.BTN_STOP, "x")],
    ]
    text = texts.LEAVE_ASK_KIND.format(
        name=escape(name), role=escape(sop.role_title(wizard.roles[0]))
    )
    await _say(update, text, InlineKeyboardMarkup(rows))


async def _kind_picked(update: Update, context: BotContext, kind: str) -> None:
    wizard = _wizard_of(update, context)
    if wizard is None or wizard.stand_in is None or kind not in ("plh", "plt"):
        await _answer(update, texts.LEAVE_NO_WIZARD)
        return
    wizard.kind = ActingKind(kind)
    await _answer(update)
    await _say(update, texts.LEAVE_ASK_BASIS)


async def _record(update: Update, context: BotContext, wizard: LeaveWizard) -> None:
    wizards(context).pop(_user(update), None)
    assert wizard.member is not None and wizard.start is not None and wizard.end is not None
    absence = Absence(wizard.member, wizard.start, wizard.end, tuple(wizard.acting))
    service = context.services.service
    try:
        await service.people.record_absence(_user(update), absence)
    except AbsenceRejected as exc:
        await _say(update, _absence_refusal(exc, wizard, context))
        return
    sop = context.services.config.sop
    directory = service.context.directory
    lines = [
        texts.LEAVE_RECORDED.format(
            name=escape(wizard.name), period=_period(wizard.start, wizard.end)
        )
    ]
    named = {acting.role: acting for acting in wizard.acting}
    member = directory.roster.members.get(wizard.member)
    for role in sorted(member.roles if member else ()):
        acting = named.get(role)
        if acting is None:
            lines.append(texts.LEAVE_NO_ACTING_LINE.format(role=escape(sop.role_title(role))))
            continue
        lines.append(
            texts.LEAVE_ACTING_LINE.format(
                capacity=escape(f"{acting.kind.prefix} {sop.role_title(role)}"),
                acting=escape(directory.name(acting.user_id)),
                basis=escape(acting.basis),
            )
        )
    uncovered = directory.roster.uncovered(member.roles if member else (), wizard.start)
    if uncovered:
        lines.append(texts.LEAVE_UNCOVERED_WARNING.format(roles=escape(sop.role_titles(uncovered))))
    await _say(update, "\n".join(lines))


def _absence_refusal(exc: AbsenceRejected, wizard: LeaveWizard, context: BotContext) -> str:
    clash = exc.clash
    period = _period(clash.start, clash.end) if clash else ""
    return texts.ABSENCE_PROBLEMS[exc.problem.value].format(name=wizard.name, period=period)


async def _stop(update: Update, context: BotContext) -> None:
    wizards(context).pop(_user(update), None)
    await _answer(update)
    await _edit(update, texts.LEAVE_STOPPED)


# --- the one button handler --------------------------------------------------------------------


@_answers
async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    verb, *args = (query.data or "").removeprefix(PREFIX).split(":")
    number = int(args[0]) if args and args[0].isdigit() and len(args[0]) <= 12 else None
    match verb, number:
        case "inv", _ if args:
            await _issue(update, context, args[0])
        case "rev", int():
            await _revoke(update, context, number)
        case (("ok" | "no"), int()):
            await _answer_claim(update, context, number, verb == "ok")
        case "m", int():
            await _member_card(update, context, number, edit=False)
        case "r", int() if len(args) == 2:
            if not _is_admin(context, _user(update)):
                raise NotAllowed
            await _toggle_role(update, context, number, args[1])
        case (("off" | "on"), int()):
            await _set_active(update, context, number, verb == "on")
        case "ca", int():
            await _leave_member(update, context, number)
        case "ac", int():
            await _acting_picked(update, context, number)
        case "ak", _ if args:
            await _kind_picked(update, context, args[0])
        case "x", _:
            await _stop(update, context)
        case _:  # forged or from an older version
            await query.answer(texts.BAD_BUTTON, show_alert=True)


# --- small helpers -----------------------------------------------------------------------------


async def _answer(update: Update, text: str | None = None) -> None:
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text[:200] if text else None)
        except TelegramError as exc:  # answered already or too late: the edit still tells
            log.info("callback answer failed: %s", exc)


async def _edit(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        await reply(update, text, keyboard)
        return
    try:
        await query.message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except TelegramError as exc:  # unchanged text and the like: nothing to tell
        log.info("edit failed: %s", exc)


async def _say(update: Update, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the chat of the conversation (a press or a text)."""
    await reply(update, text, keyboard)
