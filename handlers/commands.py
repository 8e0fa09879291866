"""Commands: /start, /bantuan, /baru, /tugas, /status, /batal, /ralat."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.config import Config
from bot.domain.names import names_beside_title
from bot.domain.workflow import Action, ItemStatus
from bot.service.reports import report_readers
from bot.service.views import EventView, ItemView
from handlers.admin import deliver_held_messages
from handlers.cards import render_status, render_tasks, sop_named
from handlers.common import answers_refusals, reply
from handlers.context import BotContext
from handlers.keyboards import (
    correction_keyboard,
    dismiss_keyboard,
    joined,
    sop_keyboard,
    tasks_keyboard,
)
from handlers.questions import asked
from handlers.takedown import status_parts as takedown_status_parts


def help_text(context: BotContext, user_id: int) -> str:
    """A few lines on this member's own part in the SOP: their roles, what they do there, the
    commands (NotAMember for anyone else)."""
    actor = context.services.service.reads.reader(user_id)  # NotAMember: nothing of the office
    return help_for(context.services.config, actor.roles)


def help_for(config: Config, roles: frozenset[str]) -> str:
    """The help of someone holding `roles` (also the welcome after an invitation)."""
    sops = config.sops
    duties = _duties(config, roles)
    return texts.HELP.format(
        office=escape(config.office_name),
        # the SOPs items are opened under (a takedown's card says what its steps ask; the
        # help stays short)
        sop_number=escape(", ".join(sop.number for sop in sops.publishing)),
        roles=escape(sops.role_titles(roles) or texts.HELP_NO_ROLE),
        duties="\n".join([texts.HELP_DUTIES, *duties]) if duties else texts.HELP_NO_DUTY,
        commands=texts.HELP_COMMANDS,
    )


def _duties(config: Config, roles: frozenset[str]) -> list[str]:
    """What these roles do, in the SOP's own words and order."""
    sops, reminders = config.sops, config.reminders
    takedown = sops.takedown
    asks = takedown is not None and bool(roles & takedown.openers)  # may ask for takedowns
    # an opener's line names /turunkan too (the help stays within its 12 lines)
    opens = texts.HELP_OPEN + texts.HELP_CORRECT + (texts.HELP_OPEN_TAKEDOWN if asks else "")
    lines = [opens] if roles & sops.openers else []
    for sop in sops.publishing:
        steps = [
            texts.HELP_STEP.format(
                ref=step.ref,
                title=escape(step.title),
                limit=texts.HELP_LIMIT.format(limit=texts.fmt_limit(step.limit))
                if step.limit
                else "",
            )
            for step in sop.steps
            if step.role in roles
        ]
        if steps and len(sops.publishing) > 1:  # whose steps they are, when there are several
            steps.insert(0, texts.HELP_SOP.format(name=escape(sop.name), number=escape(sop.number)))
        lines += steps
    if roles & sops.cancellers:
        lines.append(texts.HELP_CANCEL)
    if asks and not roles & sops.openers:
        lines.append(texts.HELP_TAKEDOWN)
    if roles & report_readers(sops):
        lines.append(texts.HELP_REPORT)
    if roles & sops.overseers and reminders.digest:
        lines.append(texts.HELP_DIGEST)
    if reminders.enabled and roles & set(reminders.notify):
        lines.append(texts.HELP_OVERSEE)
    return lines


@answers_refusals
async def start(update: Update, context: BotContext) -> None:
    """Greets the member and explains the bot."""
    user = update.effective_user
    assert user is not None
    # the name the office knows them by; an admin with no member row, by their Telegram name
    known = context.services.service.reads.member_name(user.id)
    name = known if known != str(user.id) else user.first_name
    welcome = texts.WELCOME.format(name=escape(texts.addressed(name))) + "\n\n"
    await _send_help(update, context, welcome)  # a refusal ends here: nothing held is sent
    await deliver_held_messages(update, context)


@answers_refusals
async def help_command(update: Update, context: BotContext) -> None:
    """Explains the SOP steps and the commands."""
    await _send_help(update, context)


async def _send_help(update: Update, context: BotContext, before: str = "") -> None:
    """The help, for a member; anyone else is refused (NotAMember: the gate's second lock)."""
    assert update.effective_user is not None
    await reply(update, before + help_text(context, update.effective_user.id))


@answers_refusals
async def new_item(update: Update, context: BotContext) -> None:
    """/baru: opens a new content item; the title is asked next."""
    service = context.services.service
    actor = service.actor(update.effective_user.id)  # type: ignore[union-attr]
    offered = service.opening.choices(actor)
    if len(offered) > 1:  # the office runs several SOPs that publish: which one?
        labels = [(sop.key, sop_named(sop)) for sop in offered]
        await reply(update, texts.ASK_SOP, sop_keyboard(labels))
        return
    await service.opening.begin_item(actor)
    await reply(update, texts.ASK_TITLE)


@answers_refusals
async def tasks(update: Update, context: BotContext) -> None:
    """/tugas: what waits for me."""
    services = context.services
    reads = services.service.reads
    actor = reads.reader(update.effective_user.id)  # type: ignore[union-attr]
    waiting, drafts = await reads.tasks(actor)
    several = len(services.config.sops) > 1
    text = render_tasks(waiting, drafts, services.config.timezone, several=several)
    # each waiting item's button brings its card, as a reminder's does
    await reply(update, text, tasks_keyboard([(item.id, item.code) for item in waiting]))


@answers_refusals
async def status(update: Update, context: BotContext) -> None:
    """/status KODE: an item's step, who must act, when it is due, and its history."""
    found = await _item_from_argument(update, context, "status")
    if found is None:
        return
    item, events = found
    viewer = update.effective_user.id  # type: ignore[union-attr]
    extra, takedown_keyboard = await takedown_status_parts(context, viewer, item, events)
    text = status_text(context, item, events) + (f"\n\n{extra}" if extra else "")
    await reply(update, text, joined(status_keyboard(context, viewer, item), takedown_keyboard))


def status_text(context: BotContext, item: ItemView, events: Sequence[EventView]) -> str:
    """/status's text: the item's step, who must act, when it is due, and its history."""
    config = context.services.config
    who = ""
    if item.step is not None:
        names = context.services.service.reads.holder_names(item.step.role)
        title = item.sop.role_title(item.step.role)
        who = f"{title} ({names_beside_title(names, title)})"
    return render_status(item, list(events), item.sop, config.timezone, who)


def status_keyboard(
    context: BotContext, viewer: int, item: ItemView
) -> InlineKeyboardMarkup | None:
    """A published item's "✏️ Ralat", for those who may ask for a correction (the SOP's
    openers); nothing for anyone else."""
    roles = context.services.service.reads.reader(viewer).roles
    if item.status != ItemStatus.PUBLISHED or not roles & item.sop.openers:
        return None
    return correction_keyboard(item.id)


def correction_prompt(context: BotContext, item: ItemView) -> str:
    """The question for a correction's reason; it names who makes the new design."""
    sop = item.sop
    return texts.ASK_CORRECTION_REASON.format(
        code=item.code,
        title=escape(item.title),
        version=item.version,
        role=escape(sop.role_title(sop.design_step.role)),
    )


@answers_refusals
async def correct(update: Update, context: BotContext) -> None:
    """/ralat KODE: an opener reopens a published item for a corrected version; the reason
    is asked next."""
    found = await _item_from_argument(update, context, "ralat")
    if found is None:
        return
    service = context.services.service
    actor = service.actor(update.effective_user.id)  # type: ignore[union-attr]
    item = await service.decisions.ask_for(actor, found[0].id, Action.CORRECT)
    sent = await reply(update, correction_prompt(context, item), dismiss_keyboard(item.id))
    await asked(context, sent, item)


@answers_refusals
async def cancel(update: Update, context: BotContext) -> None:
    """/batal KODE: the kasubbag cancels an open item; the reason is asked next."""
    found = await _item_from_argument(update, context, "batal")
    if found is None:
        return
    item = found[0]
    service = context.services.service
    actor = service.actor(update.effective_user.id)  # type: ignore[union-attr]
    # the item as the question was asked about it: its record checks the item is still there
    item = await service.decisions.ask_for(actor, item.id, Action.CANCEL)
    prompt = texts.ASK_CANCEL_REASON.format(code=item.code, title=escape(item.title))
    await asked(context, await reply(update, prompt, dismiss_keyboard(item.id)), item)


async def unknown_command(update: Update, context: BotContext) -> None:
    """Any other /command."""
    await reply(update, texts.UNKNOWN_COMMAND)


async def _item_from_argument(
    update: Update, context: BotContext, command: str
) -> tuple[ItemView, list[EventView]] | None:
    """The item named after the command, or None once the user was told what is wrong."""
    code = _code_argument(context)
    if code is None:
        await reply(update, texts.NEED_CODE.format(command=command))
        return None
    viewer = update.effective_user.id  # type: ignore[union-attr]
    found = await context.services.service.reads.status_for(viewer, code)
    if found is None:
        await reply(update, texts.ITEM_NOT_FOUND.format(code=escape(code)))
    return found


def _code_argument(context: BotContext) -> str | None:
    args = context.args or []
    if not args or not args[0].strip() or len(args[0]) > 40:
        return None
    return args[0].strip().upper()
