"""Admin commands: /antrean (what the bot still owes, and to whom) and /kirimulang (send what
failed again). Also: a member who presses Start gets what could not reach them before."""

from __future__ import annotations

from collections import Counter
from html import escape

from telegram import Update
from telegram.constants import ChatType

from bot import texts
from handlers.common import reply
from handlers.context import JdihContext
from handlers.outbox import UNREACHABLE


def is_admin(context: JdihContext, user_id: int) -> bool:
    return user_id in context.services.config.telegram.admins


async def _refused(update: Update, context: JdihContext) -> bool:
    user = update.effective_user
    if user is not None and is_admin(context, user.id):
        return False
    await reply(update, texts.ADMIN_ONLY)
    return True


async def queue_command(update: Update, context: JdihContext) -> None:
    """/antrean: how many messages wait, and which failed for whom."""
    if await _refused(update, context):
        return
    rows = await context.services.sender.undelivered()
    if not rows:
        await reply(update, texts.QUEUE_EMPTY)
        return
    failed = [row for row in rows if row.failed_at is not None]
    lines = [texts.QUEUE_HEADER.format(waiting=len(rows) - len(failed), failed=len(failed))]
    per_chat = Counter(row.chat_id for row in failed)
    reasons = {row.chat_id: row.last_error or "" for row in failed}
    directory = context.services.service.directory
    for chat_id, count in per_chat.most_common():
        lines.append(
            texts.QUEUE_FAILED_LINE.format(
                name=escape(directory.name(chat_id)),
                chat_id=chat_id,
                count=count,
                reason=escape(_reason(reasons[chat_id])),
            )
        )
    if failed:
        lines.append(texts.QUEUE_HINT)
    await reply(update, "\n".join(lines))


async def resend_command(update: Update, context: JdihContext) -> None:
    """/kirimulang: queue every failed message again."""
    if await _refused(update, context):
        return
    count = await context.services.sender.requeue()
    await reply(update, texts.REQUEUED.format(count=count) if count else texts.REQUEUED_NONE)


async def deliver_held_messages(update: Update, context: JdihContext) -> None:
    """After /start in private: what the bot could not send this member before goes now."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        return
    count = await context.services.sender.requeue(user.id, unreachable_only=True)
    if count:
        await reply(update, texts.HELD_MESSAGES.format(count=count))


def _reason(error: str) -> str:
    if error.startswith(UNREACHABLE):
        return texts.REASON_UNREACHABLE
    return texts.REASON_REFUSED.format(error=error[:120])
