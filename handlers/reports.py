"""Rendering reminders and the overseer's daily digest from their outbox payloads."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.domain.sop import Sop
from bot.domain.sop_catalog import SopCatalog, as_catalog
from bot.service.payloads import Digest, DigestRow, Reminder
from handlers.cards import TEXT_LIMIT, fit, sop_named
from handlers.keyboards import Verb, pack


def render_reminder(
    reminder: Reminder, item_id: int, sops: Sop | SopCatalog, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup | None]:
    """In the words of the item's own SOP (named, when the office runs several)."""
    catalog = as_catalog(sops)
    sop = catalog.find(reminder.sop)
    step = sop.step(reminder.step) if sop.has_step(reminder.step) else None
    lines = [
        texts.REMINDER.format(
            round=reminder.round,
            code=reminder.code,
            title=escape(reminder.title),
            ref=step.ref if step else "-",
            step=escape(step.title if step else reminder.step),
            limit=texts.fmt_limit(step.limit) if step and step.limit else "-",
            due=texts.fmt_moment(reminder.due_at, zone),
            late=texts.fmt_lateness(reminder.late_minutes),
        )
    ]
    if len(catalog) > 1:
        lines.append(texts.REMINDER_SOP.format(sop=escape(sop_named(sop))))
    if reminder.overseer:
        role = sop.role_title(step.role) if step else "-"
        lines.append(texts.REMINDER_WHO.format(role=escape(role), who=escape(reminder.who)))
        # the overseer reads (the status with its history); the card's buttons are not theirs
        button = InlineKeyboardButton(
            texts.BTN_SHOW_STATUS, callback_data=pack(Verb.SHOW_STATUS, item_id)
        )
    else:
        lines.append(texts.REMINDER_ACT)
        button = InlineKeyboardButton(
            texts.BTN_SHOW_CARD, callback_data=pack(Verb.SHOW_CARD, item_id)
        )
    return fit("\n".join(lines), TEXT_LIMIT), InlineKeyboardMarkup([[button]])


def render_digest(digest: Digest, sops: Sop | SopCatalog, zone: ZoneInfo) -> str:
    """The overseer's morning digest; each item's step in its own SOP's words, the items
    grouped by SOP (each headed by its name) when the office runs several."""
    catalog = as_catalog(sops)
    lines = [texts.DIGEST_HEADER.format(day=texts.fmt_day(digest.day)), ""]
    active = digest.active
    overdue = [row for row in active if row.overdue]
    if overdue:
        lines.append(texts.DIGEST_OVERDUE.format(count=len(overdue)))
        lines += [_overdue_line(row, catalog.find(row.sop), zone) for row in overdue]
        lines.append("")
    if not active:
        lines += [texts.DIGEST_NO_ACTIVE, ""]
    for sop in catalog:
        mine = [row for row in active if catalog.find(row.sop) is sop]
        if mine and len(catalog) > 1:
            lines.append(texts.DIGEST_SOP.format(sop=escape(sop_named(sop))))
        lines += _step_lines(sop, mine)
    previous = texts.fmt_day(digest.previous)
    published = digest.published
    if published:
        lines.append(texts.DIGEST_PUBLISHED.format(day=previous, count=len(published)))
        lines += [
            texts.DIGEST_ITEM_LINE.format(code=row.code, title=escape(row.title))
            for row in published
        ]
    else:
        lines.append(texts.DIGEST_NONE_PUBLISHED.format(day=previous))
    return fit("\n".join(lines), TEXT_LIMIT)


def _step_lines(sop: Sop, active: list[DigestRow]) -> list[str]:
    lines: list[str] = []
    for step in sop.steps:
        rows = [row for row in active if row.step == step.key]
        if rows:
            lines.append(
                texts.DIGEST_STEP.format(ref=step.ref, step=escape(step.title), count=len(rows))
            )
            lines += [
                texts.DIGEST_ITEM_LINE.format(code=row.code, title=escape(row.title))
                for row in rows
            ]
            lines.append("")
    return lines


def _overdue_line(row: DigestRow, sop: Sop, zone: ZoneInfo) -> str:
    step = sop.step(row.step) if row.step and sop.has_step(row.step) else None
    who = f"{sop.role_title(step.role)} ({row.who})" if step else row.who
    return texts.DIGEST_OVERDUE_LINE.format(
        code=row.code,
        title=escape(row.title),
        ref=step.ref if step else "-",
        step=escape(step.title if step else "-"),
        due=texts.fmt_moment_short(row.due_at, zone),
        who=escape(who),
    )
