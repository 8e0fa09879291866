"""Each SOP's content as the bot ran it, kept in the database (`sop_snapshots`, one row per
SOP key and content fingerprint), so an SOP whose file was taken out of `[sop] files` while
items still follow it keeps running them: at start the bot rebuilds it from its last stored
copy, offers it for nothing new (/baru does not list it), and says so (a log line and a
notice to the admins through the outbox). A revised file (same key, new content) applies to
every item of that key, as a revised single SOP always did; an open item whose step the
revision removed stops the start, named, so nobody's item is left at a step that is gone."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select

from bot import texts
from bot.config import ConfigError
from bot.domain.sop import Sop, SopError, parse_sop
from bot.domain.sop_catalog import SopCatalog
from bot.domain.workflow import ItemStatus
from bot.service.commits import Committed
from bot.service.context import ServiceContext
from bot.service.owed import add_outbox
from bot.service.payloads import Notice, NoticeKind, OutboxKind
from storage.models import Item, OutboxMessage, SopSnapshot
from storage.uow import SessionFactory, UnitOfWork

log = logging.getLogger(__name__)

OPEN = (ItemStatus.DRAFT, ItemStatus.ACTIVE)


class SopsNotRunnable(ConfigError):
    """The open items cannot all run on the configured SOPs and the stored copies: the
    message names the SOP, the step and the items, and what to do."""


@dataclass(frozen=True, slots=True)
class Retired:
    """An SOP rebuilt from its stored copy, and the open items that still follow it."""

    sop: Sop
    codes: tuple[str, ...]


def snapshot_of(sop: Sop) -> str:
    """The SOP's content as stored: its file's data in canonical JSON (dates as text)."""
    return sop.content


def rebuild(key: str, version: str, content: str) -> Sop:
    """The SOP from its stored content, exactly as it ran (the same fingerprint)."""
    data: dict[str, Any] = json.loads(content)
    return parse_sop(data, source=f"sop_snapshots {key!r} ({version})")


async def store_and_restore(
    factory: SessionFactory, catalog: SopCatalog, now: datetime
) -> tuple[SopCatalog, list[Retired]]:
    """At start: store each configured SOP's content (once per version), and return the
    catalog the bot runs on, with the retired SOPs its open items still follow.
    SopsNotRunnable when an open item follows an SOP that is neither configured nor stored,
    or stands at a step its SOP no longer has."""
    configured = {sop.key for sop in catalog.sops}
    async with UnitOfWork(factory) as uow:
        session = uow.session
        stored = {
            (row.key, row.version): row for row in (await session.scalars(select(SopSnapshot)))
        }
        for sop in catalog.sops:
            row = stored.get((sop.key, sop.version))
            if row is None:
                row = SopSnapshot(
                    key=sop.key,
                    version=sop.version,
                    name=sop.name,
                    number=sop.number,
                    content=snapshot_of(sop),
                    first_used=now,
                    last_used=now,
                )
                session.add(row)
                stored[(sop.key, sop.version)] = row
            else:
                row.last_used = now
        items = (await session.scalars(select(Item).where(Item.status.in_(list(OPEN))))).all()
        following: dict[str, list[Item]] = defaultdict(list)
        for item in items:
            following[item.sop_key or catalog.default.key].append(item)
        retired: list[Retired] = []
        for key, mine in sorted(following.items()):
            if key in configured:
                continue
            codes = tuple(item.code for item in mine)
            copies = [row for (k, _), row in stored.items() if k == key]
            if not copies:
                raise SopsNotRunnable(
                    f"sop: the open items {', '.join(codes)} follow the SOP {key!r}, which is "
                    "not in [sop] file/files and has no stored copy: put its file back"
                )
            latest = max(copies, key=lambda row: row.last_used)
            try:
                sop = rebuild(key, latest.version, latest.content)
            except (SopError, ValueError) as exc:
                problem = f"sop: the stored copy of {key!r} is unreadable: {exc}"
                raise SopsNotRunnable(problem) from exc
            retired.append(Retired(sop, codes))
        full = catalog.with_retired(r.sop for r in retired)
        gone = [
            f"{item.code} at step {item.step_key!r} of {sop.key!r} ({sop.number})"
            for item in items
            if item.step_key and not (sop := full.of(item.sop_key)).has_step(item.step_key)
        ]
        if gone:
            raise SopsNotRunnable(
                "sop: open items stand at a step their SOP file no longer has: "
                + "; ".join(gone)
                + ". Put the step back in the file until those items are finished (or "
                "cancel them with the old file), then remove it"
            )
        await uow.commit()
    return full, retired


def retired_notice(retired: Retired) -> Notice:
    """The admins' notice that a retired SOP still runs items."""
    return Notice(
        NoticeKind.SOP_RETIRED,
        "-",
        texts.SOP_NAMED.format(name=retired.sop.name, number=retired.sop.number),
        "-",
        reason=texts.fmt_list(list(retired.codes)),
    )


async def tell_retired(ctx: ServiceContext, retired: list[Retired]) -> int:
    """At start: log each retired SOP still running items, and owe each admin its notice
    (once per office day, however often the bot restarts); returns how many were owed."""
    for one in retired:
        log.warning(
            "SOP %r (%s) is no longer in [sop] files; its stored copy (version %s) runs the "
            "open items %s; it is not offered for new items",
            one.sop.key,
            one.sop.number,
            one.sop.version,
            ", ".join(one.codes),
        )
    if not retired or not ctx.admins:
        return 0
    now = ctx.clock.now()
    today = ctx.office_day(now)
    midnight = datetime.combine(today, time(0), tzinfo=ctx.calendar.tz).astimezone(UTC)
    owed = 0
    async with UnitOfWork(ctx.factory) as uow:
        rows = await uow.session.scalars(
            select(OutboxMessage.payload).where(
                OutboxMessage.kind == OutboxKind.NOTICE,
                OutboxMessage.item_id.is_(None),
                OutboxMessage.created_at >= midnight,
            )
        )
        told = {
            row.get("params", {}).get("title")
            for row in rows
            if row.get("template") == NoticeKind.SOP_RETIRED
        }
        for one in retired:
            notice = retired_notice(one)
            if notice.title in told:
                continue
            for chat_id in sorted(ctx.admins):
                add_outbox(uow.repo, now, chat_id, None, notice)
                owed += 1
        if owed:
            await uow.commit()
    if owed:
        ctx.on_commit(Committed(owed=True))
    return owed
