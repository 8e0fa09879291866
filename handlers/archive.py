"""/arsip: search the digital archive and send an archived item's summary and files."""

from __future__ import annotations

import asyncio
import re
from html import escape
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot import texts
from bot.domain.workflow import Actor
from handlers.common import answers_refusals, reply
from handlers.context import BotContext
from handlers.keyboards import Callback, Verb, pack
from handlers.press import PressReply

_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,9}-\d{4}-\d{4}$")
_MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
MAX_RESULTS = 10
SUMMARY_FILE = "ringkasan.html"


@answers_refusals
async def archive_command(update: Update, context: BotContext) -> None:
    """/arsip [KODE | kata judul | TAHUN-BULAN]: find published items in the archive."""
    services = context.services
    query = " ".join(context.args or []).strip()
    filters: dict[str, str] = {}
    if _CODE_RE.match(query.upper()):
        filters["code"] = query.upper()
    elif _MONTH_RE.match(query):
        filters["month"] = query
    elif query:
        filters["words"] = query[:200]
    else:
        filters["month"] = services.service.reads.this_month()
    viewer = update.effective_user.id  # type: ignore[union-attr]
    try:
        found = await services.service.reads.search_archive_for(
            viewer, services.config.archive_dir, **filters
        )
    except ValueError:
        await reply(update, texts.ARCHIVE_BAD_QUERY)
        return
    if not found:
        await reply(update, texts.ARCHIVE_NONE.format(query=escape(query or filters["month"])))
        return
    await reply(
        update,
        _results_text(found, services.config.timezone),
        await _buttons(context, viewer, found[:MAX_RESULTS]),
    )


def _results_text(found: list[dict[str, Any]], zone: Any) -> str:
    lines = [texts.ARCHIVE_HEADER.format(count=len(found))]
    lines += [
        texts.ARCHIVE_LINE.format(
            code=row["code"],
            title=escape(row["title"]),
            at=texts.fmt_moment_short(row["published_at"], zone),
        )
        for row in found[:MAX_RESULTS]
    ]
    if len(found) > MAX_RESULTS:
        lines.append(texts.ARCHIVE_MORE.format(count=len(found) - MAX_RESULTS))
    return "\n".join(lines)


async def _buttons(
    context: BotContext, viewer: int, rows: list[dict[str, Any]]
) -> InlineKeyboardMarkup:
    keyboard = []
    for row in rows:
        found = await context.services.service.reads.status_for(viewer, row["code"])
        if found is not None:
            data = pack(Verb.ARCHIVE, found[0].id)
            keyboard.append([InlineKeyboardButton(f"📁 {row['code']}", callback_data=data)])
    return InlineKeyboardMarkup(keyboard)


async def send_archived(
    update: Update, context: BotContext, actor: Actor, cb: Callback
) -> str | PressReply:
    """The button under a search result: the summary, then the archived files (sent after
    the press is answered: a dozen documents take longer than a press may wait)."""
    services = context.services
    reads = services.service.reads
    item = await reads.code_for(actor.user_id, cb.item_id)
    root = services.config.archive_dir
    found = await reads.search_archive_for(actor.user_id, root, code=item) if item else []
    if not found:
        return texts.ARCHIVE_GONE
    folder = Path(found[0]["folder"])
    design = sorted((folder / "desain").glob("*"))
    material = sorted((folder / "materi").glob("*"))
    files = [path for path in (folder / SUMMARY_FILE, *design, *material) if path.is_file()]
    chat = update.effective_chat
    assert chat is not None

    async def send_files() -> None:
        for path in files:
            content = await asyncio.to_thread(path.read_bytes)
            await context.bot.send_document(
                chat.id, InputFile(content, filename=path.name), caption=f"{item} · {path.name}"
            )

    return PressReply(texts.ARCHIVE_SENT.format(code=item), later=send_files)
