"""Each member's command menu (Telegram's per-chat command scope) shows only what their roles
allow: /baru and /ralat for those who open items, /batal for those who cancel, /turunkan for
those who may ask for a takedown, /cuti for the overseer,
/laporan for the overseer, those who cancel and the admins, the admin commands for admins
(config.toml's and those made in chat). Set at start and again for whoever's roles,
membership or admin status changed."""

from __future__ import annotations

import logging
from datetime import date

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot import texts
from bot.config import Config
from bot.domain.roster import Roster
from bot.service.directory import Directory
from bot.service.reports import report_readers

log = logging.getLogger(__name__)

_EVERYONE = ("tugas", "status", "arsip", "bantuan")


def commands_for(config: Config, roles: frozenset[str], admin: bool) -> list[tuple[str, str]]:
    """The menu of someone holding `roles` today (acting roles included)."""
    sops = config.sops  # the office's SOPs: a role that opens items under any of them opens
    wanted = set(_EVERYONE)
    if roles & sops.openers:
        wanted |= {"baru", "ralat"}
    if roles & sops.cancellers:
        wanted.add("batal")
    takedown = sops.takedown
    if takedown is not None and roles & takedown.openers:
        wanted.add("turunkan")  # those who may ask for a takedown (handlers/takedown.py)
    if admin or roles & sops.overseers:
        wanted.add("cuti")
    if admin:
        wanted |= {"undang", "anggota", "antrean", "kirimulang"}
    if admin or roles & report_readers(sops):
        wanted.add("laporan")  # the SOP monitoring report (handlers/report_chat.py)
    every = (
        texts.BOT_COMMANDS
        + texts.CORRECT_COMMANDS
        + texts.REPORT_COMMANDS
        + texts.PEOPLE_COMMANDS
        + texts.ADMIN_COMMANDS
    )
    return [(name, about) for name, about in every if name in wanted]


def _menu_of(config: Config, directory: Directory, user_id: int) -> list[tuple[str, str]]:
    actor = directory.actor(user_id)
    admin = directory.is_admin(user_id)
    if actor is None and not admin:
        return []
    return commands_for(config, actor.roles if actor else frozenset(), admin)


async def _set(bot: Bot, user_id: int, menu: list[tuple[str, str]]) -> None:
    scope = BotCommandScopeChat(user_id)
    try:
        if menu:
            await bot.set_my_commands([BotCommand(n, d) for n, d in menu], scope=scope)
        else:  # no longer a member: back to the bot's default menu
            await bot.delete_my_commands(scope=scope)
    except TelegramError as exc:  # someone who never pressed Start has no chat yet
        log.info("command menu of %s not set: %s", user_id, exc)


async def refresh_all(bot: Bot, config: Config, directory: Directory) -> None:
    people = set(directory.roster.members) | directory.admins
    for user_id in sorted(people):
        await _set(bot, user_id, _menu_of(config, directory, user_id))


async def refresh_changed(
    bot: Bot, config: Config, directory: Directory, before: Roster, since: date, after: Roster
) -> None:
    """The menus of those whose roles, membership or admin status changed since `since` (an
    acting official's roles come and go with the leave's days)."""
    day = directory.today()
    for user_id in sorted(set(before.members) | set(after.members)):
        if before.roles_on(user_id, since).keys() != after.roles_on(user_id, day).keys() or (
            _standing(before, user_id) != _standing(after, user_id)
        ):
            await _set(bot, user_id, _menu_of(config, directory, user_id))


def _standing(roster: Roster, user_id: int) -> tuple[bool, bool]:
    """Whether the person is an active member, and an admin made in chat."""
    member = roster.members.get(user_id)
    active = member is not None and member.active
    return active, active and member is not None and member.admin
