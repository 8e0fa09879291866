"""Leave and acting officials in chat (issue 14): /cuti lists the absences running and coming,
each with a button to cancel it (not begun) or end it (running: the member is back today),
then asks who is away next, the period, and for each of their roles who acts meanwhile (Plh or
Plt, on what basis). The conversation's rules are pure (bot/domain/leave_talk.py), its progress
is kept by the service (`Leave`, in the database: a restart loses nothing); this module passes
each answer on and draws the result (handlers/leave_ui.py).

Buttons carry "cu:<verb>:<args>"; the talk's carry the number of their question, and every
press is checked again by the service."""

from __future__ import annotations

import functools
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import filters

from bot import texts
from bot.domain.leave_talk import (
    Answer,
    Ask,
    Change,
    PickActing,
    PickKind,
    PickMember,
    Stop,
    TalkProblem,
)
from bot.service.leave_views import (
    AbsenceChangeRefused,
    Asking,
    NotForLeave,
    Recorded,
    TalkRefused,
    TalkStep,
    TalkStopped,
)
from bot.service.people import NotAllowed
from handlers import leave_ui, messages
from handlers.cards import plain
from handlers.common import Handler, reply
from handlers.context import SERVICES_KEY, BotContext, Services
from handlers.people_ui import answer, edit, pressed, refuse_button, say, user_of

PREFIX = leave_ui.PREFIX


def _refusals(handler: Handler) -> Handler:
    """Someone not allowed, or a listed absence changed since: answered; nothing changes."""

    @functools.wraps(handler)
    async def answered(update: Update, context: BotContext) -> None:
        try:
            await handler(update, context)
        except NotAllowed:
            await _refuse(update, texts.LEAVE_NOT_ALLOWED)
        except AbsenceChangeRefused as exc:
            await _refuse(update, texts.LEAVE_CHANGE_PROBLEMS[exc.problem.value])

    return answered


async def _refuse(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)
    else:
        await reply(update, text)


@_refusals
async def leave_command(update: Update, context: BotContext) -> None:
    """/cuti: the absences running and coming, and the member who is away next."""
    assert update.effective_chat is not None
    view = await context.services.service.leave.begin(user_of(update), update.effective_chat.id)
    await reply(update, *leave_ui.overview(view, context.services.config.sops))


class WaitsForText(filters.MessageFilter):
    """A text that may answer a /cuti in progress (its period or a basis), told by the
    service's record of who waits for text where: no database read per message."""

    def __init__(self, bot_data: dict[Any, Any]) -> None:
        super().__init__(name="leave.WaitsForText")
        self.bot_data = bot_data  # the services arrive there at start (post_init)

    def filter(self, message: Message) -> bool:
        services: Services | None = self.bot_data.get(SERVICES_KEY)
        user = message.from_user
        if services is None or user is None:
            return False
        return services.service.leave.may_wait_for_text(user.id, message.chat.id)


@_refusals
async def on_text(update: Update, context: BotContext) -> None:
    """The period or a basis typed for /cuti; a text meant for an item question (or for
    nothing) goes on to the items' conversation."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and message.text is not None and chat is not None
    step = await context.services.service.leave.answer_text(
        user_of(update), chat.id, message.text.strip(), private=chat.type == ChatType.PRIVATE
    )
    if isinstance(step, NotForLeave):
        await messages.on_text(update, context)
        return
    sop = context.services.config.sops
    match step:
        case Asking():
            await reply(update, *leave_ui.question(step.talk, step.roster, sop))
        case Recorded():
            await reply(update, leave_ui.recorded(step, sop))
        case TalkRefused(over=False, talk=talk) if talk is not None:
            if step.problem is TalkProblem.BAD_DATE:  # it shows how to write one: asked again
                await reply(update, leave_ui.refusal(step), leave_ui.stop_keyboard(talk))
                return
            await reply(update, leave_ui.refusal(step))
            await reply(update, leave_ui.type_again(talk), leave_ui.stop_keyboard(talk))
        case TalkRefused():
            await reply(update, leave_ui.refusal(step) + "\n" + texts.LEAVE_TALK_OVER)
        case TalkStopped():
            await reply(update, texts.LEAVE_STOPPED)


# --- the buttons ------------------------------------------------------------------------------


@_refusals
async def on_button(update: Update, context: BotContext) -> None:
    """A press on /cuti's list or on one of its questions."""
    verb, args, number = pressed(update, PREFIX)
    rev = number  # the talk's buttons carry their question's number first
    second = args[1] if len(args) == 2 else None
    given: Answer | None = None
    match verb, rev, second:
        case (("del" | "end"), int(), None):
            await _change(update, context, rev, Change.CANCEL if verb == "del" else Change.END)
            return
        case "m", int(), str() if second.isdigit():
            given = PickMember(rev, int(second))
        case "a", int(), str() if second.isdigit():
            given = PickActing(rev, int(second) or None)
        case "k", int(), str():
            given = PickKind(rev, second)
        case "x", int(), None:
            given = Stop(rev)
    if given is None:  # forged, or from an older version's message
        await refuse_button(update)
        return
    step = await context.services.service.leave.answer(user_of(update), given)
    await _show_press(update, context, given, step)


async def _show_press(update: Update, context: BotContext, given: Answer, step: TalkStep) -> None:
    sop = context.services.config.sops
    if isinstance(step, TalkRefused) and not step.over:
        await _refuse(update, plain(leave_ui.refusal(step)))  # the question stays open
        return
    await answer(update)
    match step:
        case Asking() if step.talk.asks is Ask.PERIOD:  # the member picked: asked in place
            await edit(update, *leave_ui.question(step.talk, step.roster, sop))
        case Asking():
            await _mark(update, _choice(given, step))
            await say(update, *leave_ui.question(step.talk, step.roster, sop))
        case Recorded():
            await _mark(update, _choice(given, step))
            await say(update, leave_ui.recorded(step, sop))
        case TalkStopped():
            await edit(update, texts.LEAVE_STOPPED)
        case TalkRefused():
            await edit(update, leave_ui.refusal(step) + "\n" + texts.LEAVE_TALK_OVER)


def _choice(given: Answer, step: Asking | Recorded) -> str:
    if isinstance(given, PickKind):
        return given.kind.title()
    if isinstance(given, PickActing) and given.user_id is not None:
        return leave_ui.name_of(step.roster, given.user_id)
    return texts.LEAVE_PICKED_NOBODY


async def _mark(update: Update, choice: str) -> None:
    """The answered question keeps its text with the answer under it, and loses its buttons."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message) and query.message.text:
        question = query.message.text_html
        await edit(update, texts.LEAVE_PICKED.format(question=question, choice=choice))


async def _change(update: Update, context: BotContext, absence_id: int, change: Change) -> None:
    leave = context.services.service.leave
    done = await leave.change_absence(user_of(update), absence_id, change)
    name = leave_ui.name_of(done.overview.roster, done.absence.user_id)
    toast = texts.LEAVE_CANCELLED_TOAST if change is Change.CANCEL else texts.LEAVE_ENDED_TOAST
    await answer(update, toast.format(name=name))
    await edit(update, *leave_ui.overview(done.overview, context.services.config.sops))
