"""The office's people in chat (issue 14): /undang and the invitation link, the admins'
Terima / Tolak, and /anggota (roles, admins, deactivation). Leave and acting officials are in
handlers/leave.py.

Buttons carry "pp:<verb>:<args>" (handled here, before the item buttons); every press is
checked again by the service (a client can forge any data)."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import texts
from bot.config import Config
from bot.domain.sop import RoleTitles
from bot.service.payloads import ClaimAnswer, ClaimCard
from bot.service.people import MemberView, NotAllowed
from handlers.commands import help_for
from handlers.common import reply
from handlers.context import BotContext
from handlers.people_ui import (
    answer,
    answers,
    button,
    edit,
    is_admin,
    pressed,
    refuse_button,
    user_of,
)

PREFIX = "pp:"


def _button(label: str, *parts: object) -> InlineKeyboardButton:
    return button(PREFIX, label, *parts)


def claim_card(card: ClaimCard, sop: RoleTitles) -> tuple[str, InlineKeyboardMarkup]:
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


def claim_answer(answer: ClaimAnswer, roles: frozenset[str], config: Config) -> str:
    """What the person who opened an invitation is told (drawn for the outbox sender): the
    welcome with what `roles`, those they hold as it is sent, let them do; or the refusal."""
    if not answer.accepted:
        return texts.CLAIM_REFUSED_TO_USER
    role = escape(config.sops.role_title(answer.role))
    welcome = texts.CLAIM_WELCOME.format(name=escape(texts.addressed(answer.name)), role=role)
    return welcome + help_for(config, roles)


# --- invitations -----------------------------------------------------------------------------


@answers
async def start_link(update: Update, context: BotContext) -> None:
    """/start <token>: someone opened an invitation link; an admin decides."""
    user = update.effective_user
    assert user is not None
    token = (context.args or [""])[0]
    people = context.services.service.people
    claim = await people.open_invitation(user.id, user.full_name, token)
    role = context.services.config.sops.role_title(claim.role)
    name = escape(texts.addressed(user.first_name))
    await reply(update, texts.INVITE_OPENED.format(name=name, role=role))


@answers
async def invite_command(update: Update, context: BotContext) -> None:
    """/undang: pick the role of the person to invite."""
    if not is_admin(context, user_of(update)):
        raise NotAllowed
    sop = context.services.config.sops
    rows = [[_button(sop.role_title(role), "inv", role)] for role in sop.roles]
    await reply(update, texts.INVITE_PICK_ROLE, InlineKeyboardMarkup(rows))


async def _issue(update: Update, context: BotContext, role: str) -> None:
    invited = await context.services.service.people.issue(user_of(update), role)
    config = context.services.config
    link = f"https://t.me/{context.bot.username}?start={invited.token}"
    text = texts.INVITE_LINK.format(
        role=escape(config.sops.role_title(role)),
        until=texts.fmt_moment(invited.expires_at, config.timezone),
        link=link,
    )
    keyboard = InlineKeyboardMarkup(
        [[_button(texts.BTN_REVOKE_INVITE, "rev", invited.invitation_id)]]
    )
    await answer(update)
    await reply(update, text, keyboard)


async def _revoke(update: Update, context: BotContext, invitation_id: int) -> None:
    await context.services.service.people.revoke(user_of(update), invitation_id)
    await answer(update, texts.INVITE_REVOKED)
    await edit(update, texts.INVITE_REVOKED)


async def _answer_claim(
    update: Update, context: BotContext, invitation_id: int, accept: bool
) -> None:
    user = update.effective_user
    assert user is not None
    claim = await context.services.service.people.answer_claim(user.id, invitation_id, accept)
    sop = context.services.config.sops
    role = escape(sop.role_title(claim.role))
    name = escape(claim.name)
    admin = escape(user.full_name)
    outcome = (
        texts.CLAIM_ACCEPTED.format(name=name, role=role, admin=admin)
        if accept
        else texts.CLAIM_REJECTED.format(name=name, admin=admin)
    )
    await answer(update)
    await edit(update, outcome)  # the person is told by the outbox (People.answer_claim)


# --- members ---------------------------------------------------------------------------------


def _status(view: MemberView) -> str:
    return _presence(view) + _admin_mark(view)


def _presence(view: MemberView) -> str:
    if not view.active:
        return texts.MEMBER_INACTIVE
    if view.away_until is not None:
        return texts.MEMBER_AWAY.format(until=texts.fmt_date(view.away_until))
    return texts.MEMBER_ACTIVE


def _admin_mark(view: MemberView) -> str:
    if view.config_admin:
        return texts.MEMBER_CONFIG_ADMIN_MARK
    return texts.MEMBER_ADMIN_MARK if view.admin and view.active else ""


def _admin_button(view: MemberView) -> InlineKeyboardButton | None:
    """Make admin, or take it away; a config.toml admin's button is answered with where their
    status is changed. A deactivated member is made admin only once reactivated."""
    if view.config_admin or view.admin:
        return _button(texts.BTN_REVOKE_ADMIN, "ad", view.user_id, 0)
    return _button(texts.BTN_MAKE_ADMIN, "ad", view.user_id, 1) if view.active else None


def _roles(sop: RoleTitles, roles: frozenset[str]) -> str:
    return sop.role_titles(roles) or texts.MEMBER_NO_ROLE


@answers
async def members_command(update: Update, context: BotContext) -> None:
    """/anggota: the members, their roles and status; a button per member."""
    if not is_admin(context, user_of(update)):
        raise NotAllowed
    sop = context.services.config.sops
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


async def _member_card(
    update: Update, context: BotContext, user_id: int, *, in_place: bool
) -> None:
    """The member's card; shown in place after a change without asking again whether the
    presser is an admin (the change was allowed, and may have been their own admin going)."""
    sop = context.services.config.sops
    views = {v.user_id: v for v in await context.services.service.people.members()}
    view = views.get(user_id)
    if view is None:
        await answer(update)
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
    if (admin := _admin_button(view)) is not None:
        rows.append([admin])
    await answer(update)
    if in_place:
        await edit(update, text, InlineKeyboardMarkup(rows))
    else:
        await reply(update, text, InlineKeyboardMarkup(rows))


async def _toggle_role(update: Update, context: BotContext, user_id: int, role: str) -> None:
    people = context.services.service.people
    views = {v.user_id: v for v in await people.members()}
    if user_id not in views:
        await answer(update)
        return
    roles = views[user_id].roles ^ {role}
    await people.set_roles(user_of(update), user_id, frozenset(roles))
    await _member_card(update, context, user_id, in_place=True)


async def _set_active(update: Update, context: BotContext, user_id: int, active: bool) -> None:
    await context.services.service.people.set_active(user_of(update), user_id, active)
    await _member_card(update, context, user_id, in_place=True)


async def _set_admin(update: Update, context: BotContext, user_id: int, admin: bool) -> None:
    await context.services.service.people.set_admin(user_of(update), user_id, admin)
    await _member_card(update, context, user_id, in_place=True)


# --- the one button handler --------------------------------------------------------------------


@answers
async def on_button(update: Update, context: BotContext) -> None:
    verb, args, number = pressed(update, PREFIX)
    match verb, number:
        case "inv", _ if args:
            await _issue(update, context, args[0])
        case "rev", int():
            await _revoke(update, context, number)
        case (("ok" | "no"), int()):
            await _answer_claim(update, context, number, verb == "ok")
        case "m", int():
            if not is_admin(context, user_of(update)):
                raise NotAllowed
            await _member_card(update, context, number, in_place=False)
        case "r", int() if len(args) == 2:
            if not is_admin(context, user_of(update)):
                raise NotAllowed
            await _toggle_role(update, context, number, args[1])
        case (("off" | "on"), int()):
            await _set_active(update, context, number, verb == "on")
        case "ad", int() if len(args) == 2 and args[1] in ("0", "1"):
            await _set_admin(update, context, number, args[1] == "1")
        case _:  # forged or from an older version
            await refuse_button(update)
