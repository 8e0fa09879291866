"""Rendering reminders and the overseer's daily digest from their outbox payloads."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.domain.sop import Sop
from handlers.cards import TEXT_LIMIT, fit
from handlers.keyboards import Verb, pack


def render_reminder(
    payload: dict[str, Any], item_id: int, sop: Sop, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup | None]:
    step = sop.step(payload["step"]) if sop.has_step(payload["step"]) else None
    due = datetime.fromisoformat(payload["due_at"]) if payload.get("due_at") else None
    lines = [
        texts.REMINDER.format(
            round=payload["round"],
            code=payload["code"],
            title=escape(payload["title"]),
            ref=step.ref if step else "-",
            step=escape(step.title if step else payload["step"]),
            limit=step.limit.describe() if step and step.limit else "-",
            due=texts.fmt_time(due, zone),
            late=texts.fmt_minutes(payload["late_minutes"]),
        )
    ]
    if payload.get("overseer"):
        role = sop.role_title(step.role) if step else "-"
        lines.append(texts.REMINDER_WHO.format(role=escape(role), who=escape(payload["who"])))
        return fit("\n".join(lines), TEXT_LIMIT), None
    lines.append(texts.REMINDER_ACT)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.BTN_SHOW_CARD, callback_data=pack(Verb.SHOW_CARD, item_id))]]
    )
    return fit("\n".join(lines), TEXT_LIMIT), keyboard


def render_digest(payload: dict[str, Any], sop: Sop, zone: ZoneInfo) -> str:
    day = date.fromisoformat(payload["day"])
    lines = [texts.DIGEST_HEADER.format(day=f"{day:%d-%m-%Y}"), ""]
    active: list[dict[str, Any]] = payload["active"]
    overdue = [row for row in active if row["overdue"]]
    if overdue:
        lines.append(texts.DIGEST_OVERDUE.format(count=len(overdue)))
        lines += [_overdue_line(row, sop, zone) for row in overdue]
        lines.append("")
    if not active:
        lines += [texts.DIGEST_NO_ACTIVE, ""]
    for step in sop.steps:
        rows = [row for row in active if row["step"] == step.key]
        if rows:
            lines.append(
                texts.DIGEST_STEP.format(ref=step.ref, step=escape(step.title), count=len(rows))
            )
            lines += [
                texts.DIGEST_ITEM_LINE.format(code=row["code"], title=escape(row["title"]))
                for row in rows
            ]
            lines.append("")
    previous = f"{date.fromisoformat(payload['previous']):%d-%m-%Y}"
    published: list[dict[str, Any]] = payload["published"]
    if published:
        lines.append(texts.DIGEST_PUBLISHED.format(day=previous, count=len(published)))
        lines += [
            texts.DIGEST_ITEM_LINE.format(code=row["code"], title=escape(row["title"]))
            for row in published
        ]
    else:
        lines.append(texts.DIGEST_NONE_PUBLISHED.format(day=previous))
    return fit("\n".join(lines), TEXT_LIMIT)


def _overdue_line(row: dict[str, Any], sop: Sop, zone: ZoneInfo) -> str:
    step = sop.step(row["step"]) if row["step"] and sop.has_step(row["step"]) else None
    due = datetime.fromisoformat(row["due_at"]) if row.get("due_at") else None
    who = f"{sop.role_title(step.role)} ({row['who']})" if step else row["who"]
    return texts.DIGEST_OVERDUE_LINE.format(
        code=row["code"],
        title=escape(row["title"]),
        ref=step.ref if step else "-",
        step=escape(step.title if step else "-"),
        due=texts.fmt_time(due, zone),
        who=escape(who),
    )
