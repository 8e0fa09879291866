"""Admin commands: /antrean (what the bot still owes, and to whom) and /kirimulang (send what
failed again). Also: a member who presses Start gets what could not reach them before."""

from __future__ import annotations

from collections import Counter
from html import escape

from telegram import Update
from telegram.constants import ChatType

from bot import texts
from bot.delivery.sender import BOT_FAILURE, UNREACHABLE
from bot.service.channel import CHANNEL_CHAT
from bot.service.owed import OutboxKind
from bot.service.views import OwedMessage
from handlers.common import answers_refusals, reply
from handlers.context import BotContext


def is_admin(context: BotContext, user_id: int) -> bool:
    """config.toml's admins and those made in chat (one source: the service's directory)."""
    return context.services.service.context.is_admin(user_id)


async def _refused(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    if user is not None and is_admin(context, user.id):
        return False
    await reply(update, texts.ADMIN_ONLY)
    return True


@answers_refusals
async def queue_command(update: Update, context: BotContext) -> None:
    """/antrean: how many messages wait, and which failed for whom."""
    if await _refused(update, context):
        return
    rows = await context.services.sender.undelivered()
    if not rows:
        await reply(update, texts.QUEUE_EMPTY)
        return
    failed = [row for row in rows if row.failed_at is not None]
    lines = [texts.QUEUE_HEADER.format(waiting=len(rows) - len(failed), failed=len(failed))]
    archives = [row for row in failed if row.kind == OutboxKind.ARCHIVE]
    failed = [row for row in failed if row.kind != OutboxKind.ARCHIVE]
    lines += await _archive_lines(archives, context)
    per_chat = Counter(row.chat_id for row in failed)
    reasons = {row.chat_id: row.last_error or "" for row in failed}
    reads = context.services.service.reads
    for chat_id, count in per_chat.most_common():
        lines.append(
            texts.QUEUE_FAILED_LINE.format(
                name=escape(
                    texts.QUEUE_CHANNEL if chat_id == CHANNEL_CHAT else reads.member_name(chat_id)
                ),
                chat_id=chat_id,
                count=count,
                reason=escape(_reason(reasons[chat_id])),
            )
        )
    if failed or archives:
        lines.append(texts.QUEUE_HINT)
    await reply(update, "\n".join(lines))


@answers_refusals
async def resend_command(update: Update, context: BotContext) -> None:
    """/kirimulang: queue every failed message again."""
    if await _refused(update, context):
        return
    count = await context.services.sender.requeue()
    await reply(update, texts.REQUEUED.format(count=count) if count else texts.REQUEUED_NONE)


async def deliver_held_messages(update: Update, context: BotContext) -> None:
    """After /start in private: what the bot could not send this member before goes now."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return
    count = await context.services.sender.requeue(user.id, unreachable_only=True)
    if count:
        await reply(update, texts.HELD_MESSAGES.format(count=count))


async def _archive_lines(rows: list[OwedMessage], context: BotContext) -> list[str]:
    """Archives not written: the bot's own work, for no chat, so named by their item."""
    lines = []
    for row in rows:
        code = await context.services.service.reads.item_code(row.item_id or 0)
        cause = (row.last_error or "").removeprefix(BOT_FAILURE)
        lines.append(
            texts.QUEUE_ARCHIVE_LINE.format(
                code=code or f"#{row.item_id}", reason=escape(cause[:200])
            )
        )
    return lines


def _reason(error: str) -> str:
    if error.startswith(UNREACHABLE):
        return texts.REASON_UNREACHABLE
    if error.startswith(BOT_FAILURE):
        return texts.REASON_BOT.format(error=error.removeprefix(BOT_FAILURE)[:120])
    return texts.REASON_REFUSED.format(error=error[:120])
