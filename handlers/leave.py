"""Leave and acting officials in chat (issue 14): /cuti, a short guided conversation that
records that a member is away from date to date and who acts meanwhile in each of their roles
(Plh or Plt, on what basis).

Buttons carry "cu:<verb>:<args>"; every press is checked again by the service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import filters

from bot import texts
from bot.domain.dates import DateNotUnderstood, format_date, parse_period
from bot.domain.roster import Absence, AbsenceRejected, Acting, ActingKind
from bot.service.people import NotAllowed
from handlers.common import reply
from handlers.context import BotContext
from handlers.people_ui import answer, answers, button, edit, pressed, refuse_button, say, user_of

PREFIX = "cu:"
WIZARDS_KEY = "leave_wizards"


def _button(label: str, *parts: object) -> InlineKeyboardButton:
    return button(PREFIX, label, *parts)


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


@answers
async def leave_command(update: Update, context: BotContext) -> None:
    """/cuti: pick the member who is away."""
    people = context.services.service.people
    try:
        await context.services.service.leave.may_record_leave(user_of(update))
    except NotAllowed:
        await reply(update, texts.LEAVE_NOT_ALLOWED)
        return
    views = sorted((v for v in await people.members() if v.active), key=lambda v: v.name)
    rows = [[_button(v.name[:60], "ca", v.user_id)] for v in views]
    rows.append([_button(texts.BTN_STOP, "x")])
    wizards(context)[user_of(update)] = LeaveWizard()
    await reply(update, texts.LEAVE_PICK_MEMBER, InlineKeyboardMarkup(rows))


async def _leave_member(update: Update, context: BotContext, user_id: int) -> None:
    wizard = _wizard_of(update, context)
    if wizard is None or wizard.member is not None:
        await answer(update, texts.LEAVE_NO_WIZARD)
        return
    views = {v.user_id: v for v in await context.services.service.people.members()}
    view = views.get(user_id)
    if view is None:
        await answer(update)
        return
    wizard.member, wizard.name = user_id, view.name
    wizard.roles = sorted(view.roles)
    await answer(update)
    await edit(update, texts.LEAVE_ASK_PERIOD.format(name=escape(view.name)))


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
        await context.services.service.leave.check_absence(
            user_of(update), Absence(wizard.member, start, end)
        )
    except AbsenceRejected as exc:
        wizards(context).pop(user_of(update), None)
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
    await say(update, text, InlineKeyboardMarkup(rows))


async def _acting_picked(update: Update, context: BotContext, user_id: int) -> None:
    wizard = _wizard_of(update, context)
    if wizard is None or wizard.start is None or not wizard.roles or wizard.stand_in:
        await answer(update, texts.LEAVE_NO_WIZARD)
        return
    await answer(update)
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
    await say(update, text, InlineKeyboardMarkup(rows))


async def _kind_picked(update: Update, context: BotContext, kind: str) -> None:
    wizard = _wizard_of(update, context)
    if wizard is None or wizard.stand_in is None or kind not in ("plh", "plt"):
        await answer(update, texts.LEAVE_NO_WIZARD)
        return
    wizard.kind = ActingKind(kind)
    await answer(update)
    await say(update, texts.LEAVE_ASK_BASIS)


async def _record(update: Update, context: BotContext, wizard: LeaveWizard) -> None:
    wizards(context).pop(user_of(update), None)
    assert wizard.member is not None and wizard.start is not None and wizard.end is not None
    absence = Absence(wizard.member, wizard.start, wizard.end, tuple(wizard.acting))
    service = context.services.service
    try:
        await service.leave.record_absence(user_of(update), absence)
    except AbsenceRejected as exc:
        await say(update, _absence_refusal(exc, wizard, context))
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
    await say(update, "\n".join(lines))


def _absence_refusal(exc: AbsenceRejected, wizard: LeaveWizard, context: BotContext) -> str:
    clash = exc.clash
    period = _period(clash.start, clash.end) if clash else ""
    return texts.ABSENCE_PROBLEMS[exc.problem.value].format(name=wizard.name, period=period)


async def _stop(update: Update, context: BotContext) -> None:
    wizards(context).pop(user_of(update), None)
    await answer(update)
    await edit(update, texts.LEAVE_STOPPED)


# --- the one button handler --------------------------------------------------------------------


@answers
async def on_button(update: Update, context: BotContext) -> None:
    verb, args, number = pressed(update, PREFIX)
    match verb, number:
        case "ca", int():
            await _leave_member(update, context, number)
        case "ac", int():
            await _acting_picked(update, context, number)
        case "ak", _ if args:
            await _kind_picked(update, context, args[0])
        case "x", _:
            await _stop(update, context)
        case _:  # forged or from an older version
            await refuse_button(update)
