"""Delivers the outbox: the cards, notices and button retirements that transitions owe.

Rows go out in the order they were written. A row is marked delivered only after Telegram
accepted every part of it; a row with several parts (files, then the card) records how many
parts went out, so a restart resends at most the one part in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import texts
from bot.archiving import Archiver
from bot.clock import Clock
from bot.directory import Directory
from bot.notices import OutboxKind
from bot.queries import JdihQueries
from bot.sop import Sop, StepKind
from bot.views import CardData, EventView
from handlers.card_files import CardFiles
from handlers.cards import TEXT_LIMIT, decision_line, fit, render_card, render_notice
from handlers.reports import render_digest, render_reminder
from storage.models import OutboxMessage
from storage.uow import SessionFactory, UnitOfWork

log = logging.getLogger(__name__)


class StoredFileChanged(Exception):
    """A stored design file no longer matches the hash its approval recorded."""


BATCH = 50
MAX_BACKOFF_S = 60.0
MAX_ATTEMPTS = 5  # for rows that fail for reasons of their own, not Telegram's
# Marks the rows a chat refused (Forbidden): they are sent again when the member presses Start.
UNREACHABLE = "unreachable: "


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        factory: SessionFactory,
        queries: JdihQueries,
        sop: Sop,
        zone: ZoneInfo,
        clock: Clock,
        directory: Directory,
        archiver: Archiver,
        admins: frozenset[int] = frozenset(),
    ) -> None:
        self.bot = bot
        self.admins = admins
        self._reported: set[int] = set()
        self.archiver = archiver
        self.directory = directory
        self.files = CardFiles(bot)
        self.factory = factory
        self.queries = queries
        self.sop = sop
        self.zone = zone
        self.clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-sender")
        self.wake()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Something was written to the outbox: deliver it now rather than at the next poll."""
        self._wake.set()

    async def requeue(self, chat_id: int | None = None, *, unreachable_only: bool = False) -> int:
        """Send failed rows again (a member who pressed Start, or an admin's /kirimulang);
        returns how many were queued."""
        async with UnitOfWork(self.factory) as uow:
            count = await uow.repo.requeue_failed(chat_id, UNREACHABLE if unreachable_only else "")
            await uow.commit()
        if chat_id is None:
            self._reported.clear()
        else:
            self._reported.discard(chat_id)  # should it fail again, it is reported again
        if count:
            log.info("outbox: %d failed row(s) queued again (chat %s)", count, chat_id or "all")
            self.wake()
        return count

    async def undelivered(self) -> list[OutboxMessage]:
        async with UnitOfWork(self.factory) as uow:
            return list(await uow.repo.undelivered())

    async def _run(self) -> None:
        backoff = 0.5
        while True:
            self._wake.clear()
            try:
                await self.drain()
                backoff = 0.5
            except (NetworkError, RetryAfter) as exc:
                seconds = _retry_seconds(exc) if isinstance(exc, RetryAfter) else backoff
                log.warning("outbox: Telegram unavailable (%s); retrying in %.1fs", exc, seconds)
                await asyncio.sleep(float(seconds))
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            except Exception:
                log.exception("outbox: unexpected error; retrying")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=2.0)

    async def drain(self) -> int:
        """Deliver everything owed now; returns how many rows were delivered."""
        delivered = 0
        while True:
            async with UnitOfWork(self.factory) as uow:
                rows = await uow.repo.due_outbox(self.clock.now(), BATCH)
            if not rows:
                return delivered
            for row in rows:
                await self._deliver(row)
                delivered += 1

    async def _deliver(self, row: OutboxMessage) -> None:
        try:
            if row.kind == OutboxKind.CARD:
                await self._send_card(row)
            elif row.kind == OutboxKind.NOTICE:
                payload = row.payload
                text = render_notice(payload["template"], payload["params"])
                await self.bot.send_message(row.chat_id, text, parse_mode=ParseMode.HTML)
            elif row.kind == OutboxKind.RETIRE:
                await self._retire(row)
            elif row.kind == OutboxKind.REMINDER:
                assert row.item_id is not None
                text, keyboard = render_reminder(row.payload, row.item_id, self.sop, self.zone)
                await self.bot.send_message(
                    row.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
                )
            elif row.kind == OutboxKind.ARCHIVE:
                assert row.item_id is not None
                folder = await self.archiver.archive(row.item_id)
                log.info("archived item %s in %s", row.item_id, folder)
            elif row.kind == OutboxKind.DIGEST:
                text = render_digest(row.payload, self.sop, self.zone)
                await self.bot.send_message(row.chat_id, text, parse_mode=ParseMode.HTML)
        except Forbidden as exc:
            # The member blocked the bot or never pressed Start: retrying cannot help.
            log.warning("outbox: chat %s refuses messages: %s", row.chat_id, exc)
            await self._finish(row.id, failed=UNREACHABLE + str(exc))
            await self._report_unreachable(row.chat_id)
            return
        except StoredFileChanged as exc:
            log.error("outbox: not sending row %s: stored files changed: %s", row.id, exc)
            await self._finish(row.id, failed=str(exc))
            return
        except BadRequest as exc:
            log.error("outbox: Telegram refused row %s (%s): %s", row.id, row.kind, exc)
            await self._finish(row.id, failed=str(exc))
            return
        except (NetworkError, RetryAfter):
            raise  # the whole outbox waits: Telegram or the network is the problem
        except Exception as exc:
            # A bug or bad data in one row must not hold back every message behind it.
            log.exception("outbox: row %s (%s) failed", row.id, row.kind)
            await self._note_attempt(row.id, repr(exc))
            return
        await self._finish(row.id)

    async def _send_card(self, row: OutboxMessage) -> None:
        payload = row.payload
        assert row.item_id is not None
        data = await self.queries.card_data(
            row.item_id, payload["step"], payload["version"], payload.get("return_event_id")
        )
        if data is None:
            return
        card = render_card(data, self.sop, self.zone)
        if data.step.kind is StepKind.POST and (
            pages := await asyncio.to_thread(self.files.tampered_pages, data)
        ):
            await self._report_tampered(data, pages)
            raise StoredFileChanged(f"{data.item.code} v{data.version}: pages {pages}")
        parts = await self.files.parts(data, card)
        for index, send in enumerate(parts):
            if index < row.parts_sent:
                continue
            message = await send(row.chat_id)
            await self._record(message, row, data.step.key, payload["version"], "file", None)
            await self._mark_part(row.id, index + 1)
        message = await self.bot.send_message(
            row.chat_id, card.text, parse_mode=ParseMode.HTML, reply_markup=card.keyboard
        )
        closing = await self._record(
            message,
            row,
            data.step.key,
            payload["version"],
            "card",
            card.text,
            has_buttons=card.keyboard is not None,
        )
        if closing is not None:
            # decided while this card was on its way: it shows the decision, not buttons
            line = decision_line(closing.action, closing.actor_name, closing.at, self.zone)
            await self.retire_message(message.chat_id, message.message_id, card.text, line)

    async def _report_unreachable(self, chat_id: int) -> None:
        """Tell the admins and those who lead the SOP (the cancellers) that a member cannot
        be reached, so someone asks them to press Start; once per chat per run."""
        if chat_id in self._reported:
            return
        self._reported.add(chat_id)
        text = texts.MEMBER_UNREACHABLE.format(
            name=escape(self.directory.name(chat_id)), chat_id=chat_id
        )
        recipients = [*self.admins, *self.directory.chats_for_roles(sorted(self.sop.cancellers))]
        for recipient in dict.fromkeys(recipients):
            if recipient == chat_id:
                continue
            try:
                await self.bot.send_message(recipient, text, parse_mode=ParseMode.HTML)
            except Forbidden:
                log.warning("outbox: cannot report to %s either", recipient)

    async def _report_tampered(self, data: CardData, pages: list[int]) -> None:
        """The approved files changed on disk: nothing goes to the operator; those who
        ordered the upload are told."""
        text = texts.FILE_CHANGED.format(
            code=data.item.code, version=data.version, pages=", ".join(map(str, pages))
        )
        order_roles = [s.role for s in self.sop.steps if s.kind is StepKind.ORDER]
        for chat_id in self.directory.chats_for_roles(order_roles):
            await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)

    async def _retire(self, row: OutboxMessage) -> None:
        payload = row.payload
        target = await self.queries.retire_target(payload["card_id"])
        if target is None:
            return
        line = decision_line(
            payload["action"], payload["name"], datetime.fromisoformat(payload["at"]), self.zone
        )
        await self.retire_message(target.chat_id, target.message_id, target.text, line)

    async def retire_message(
        self, chat_id: int, message_id: int, text: str | None, line: str
    ) -> None:
        """Replace a message's buttons with the decision that closed its step."""
        try:
            if text is not None:
                await self.bot.edit_message_text(
                    fit(text + line, TEXT_LIMIT),
                    chat_id,
                    message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=None,
                )
            else:
                await self.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except BadRequest as exc:
            # Already edited (a retry after a crash) or deleted: the buttons are gone either way.
            if not _gone_or_unchanged(exc):
                raise

    async def _record(
        self,
        message: Message,
        row: OutboxMessage,
        step_key: str,
        version: int,
        kind: str,
        text: str | None,
        *,
        has_buttons: bool = False,
    ) -> EventView | None:
        assert row.item_id is not None
        return await self.queries.record_message(
            chat_id=message.chat_id,
            message_id=message.message_id,
            item_id=row.item_id,
            step_key=step_key,
            version=version,
            kind=kind,
            has_buttons=has_buttons,
            text=text,
        )

    async def _mark_part(self, row_id: int, parts: int) -> None:
        async with UnitOfWork(self.factory) as uow:
            row = await uow.repo.outbox_row(row_id)
            if row is not None:
                row.parts_sent = parts
                await uow.commit()

    async def _note_attempt(self, row_id: int, error: str) -> None:
        async with UnitOfWork(self.factory) as uow:
            row = await uow.repo.outbox_row(row_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = error[:500]
            if row.attempts >= MAX_ATTEMPTS:
                row.failed_at = self.clock.now()
            await uow.commit()

    async def _finish(self, row_id: int, *, failed: str | None = None) -> None:
        async with UnitOfWork(self.factory) as uow:
            row = await uow.repo.outbox_row(row_id)
            if row is None:
                return
            now = self.clock.now()
            row.attempts += 1
            if failed is None:
                row.delivered_at = now
            else:
                row.failed_at, row.last_error = now, failed[:500]
            await uow.commit()


def _retry_seconds(exc: RetryAfter) -> float:
    # A timedelta with PTB_TIMEDELTA set (bot/app.py), seconds without it.
    delay = exc.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)


def _gone_or_unchanged(exc: TelegramError) -> bool:
    # PTB capitalises Telegram's text, so compare in lower case.
    message = str(exc).lower()
    return "not modified" in message or "message to edit not found" in message
