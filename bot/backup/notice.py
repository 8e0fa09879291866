"""A failed backup is owed to the admins as an outbox notice (written in one commit, delivered
and retried by the sender like any message), never sent from here."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from bot.service.owed import add_outbox
from bot.service.payloads import Notice, NoticeKind
from storage.uow import SessionFactory, UnitOfWork

log = logging.getLogger(__name__)
_REASON_LIMIT = 1500  # the notice must fit one message with its words around it


async def owe_backup_failure(
    factory: SessionFactory, admins: Iterable[int], now: datetime, reason: str
) -> int:
    """Write the notice for every admin; returns how many were owed."""
    chats = sorted(set(admins))
    if not chats:
        log.warning("backup failed and telegram.admins is empty: nobody to tell in Telegram")
        return 0
    notice = Notice(
        NoticeKind.BACKUP_FAILED, code="-", title="-", name="-", reason=reason[:_REASON_LIMIT]
    )
    async with UnitOfWork(factory) as uow:
        for chat_id in chats:
            add_outbox(uow.repo, now, chat_id, None, notice)
        await uow.commit()
    return len(chats)
