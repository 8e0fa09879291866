"""Nobody can act at an item's step (everyone holding its role away or deactivated, nobody
named to act): the overseer and the admins are told at once, naming the step and the item."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.sop import Sop
from bot.service.directory import Directory
from bot.service.payloads import Notice, NoticeKind, to_json
from storage.models import Item
from storage.repositories import Repository


def alarm_chats(sop: Sop, directory: Directory) -> list[int]:
    """Who hears that nobody can act: the overseer (the sekretaris) and the admins (config.toml's
    and those made in chat, as the directory knows them now). An admin on leave hears nothing
    (their chat is not spammed while away) unless nobody else would hear it at all."""
    overseer = [sop.overseer] if sop.overseer is not None else []
    today = directory.today()
    admins = sorted(directory.admins)
    present = [a for a in admins if directory.roster.away(a, today) is None]
    chats = [*directory.chats_for_roles(overseer), *present]
    return list(dict.fromkeys(chats or admins))


def alarm(repo: Repository, sop: Sop, directory: Directory, item: Item, moment: datetime) -> int:
    """Owe the alarm for an item whose step nobody can act in; returns how many."""
    step = sop.step(item.step_key or "")
    notice = replace(
        Notice(NoticeKind.UNCOVERED, item.code, item.title, "-"),
        role=sop.role_title(step.role),
        step=f"{step.ref} {step.title}",
    )
    chats = alarm_chats(sop, directory)
    data = to_json(notice)
    for chat_id in chats:
        repo.owe(moment, chat_id, notice.kind, item.id, data)
    return len(chats)
