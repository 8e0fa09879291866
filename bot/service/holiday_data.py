"""Holiday data that goes stale: the `holidays` package learns each year's cuti bersama only
from a release after the SKB is signed. Until the bot's copy is updated, those days count as
working days in every SOP limit, so at start the admins are told, through the outbox like
every message the bot owes (once per office day, however often the bot restarts)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import select

from bot import texts
from bot.domain.worktime import HOLIDAYS_VERSION
from bot.service.commits import Committed
from bot.service.context import ServiceContext
from bot.service.owed import add_outbox
from bot.service.payloads import Notice, NoticeKind, OutboxKind
from storage.models import OutboxMessage
from storage.uow import UnitOfWork


def stale_holidays_notice(years: tuple[int, ...]) -> Notice:
    """The admins' warning that the data has no cuti bersama for `years`."""
    return Notice(
        NoticeKind.STALE_HOLIDAYS,
        "-",
        "-",
        "-",
        years=texts.fmt_list([str(year) for year in years]),
        package=HOLIDAYS_VERSION,
    )


async def warn_if_holidays_stale(ctx: ServiceContext) -> int:
    """At start: when this year or the next has no cuti bersama in the holiday data, owe each
    admin the warning, unless it was owed already today; returns how many were owed."""
    now = ctx.clock.now()
    today = ctx.office_day(now)
    years = ctx.calendar.missing_cuti_bersama(today)
    if not years or not ctx.admins:
        return 0
    midnight = datetime.combine(today, time(0), tzinfo=ctx.calendar.tz).astimezone(UTC)
    async with UnitOfWork(ctx.factory) as uow:
        rows = await uow.session.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.kind == OutboxKind.NOTICE,
                OutboxMessage.item_id.is_(None),
                OutboxMessage.created_at >= midnight,
            )
        )
        if any(row.get("template") == NoticeKind.STALE_HOLIDAYS for row in rows):
            return 0
        notice = stale_holidays_notice(years)
        for chat_id in sorted(ctx.admins):
            add_outbox(uow.repo, now, chat_id, None, notice)
        await uow.commit()
    ctx.on_commit(Committed(owed=True))
    return len(ctx.admins)
