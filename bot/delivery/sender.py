"""Delivers the outbox: the cards, notices and button retirements that transitions owe.

Each chat's rows go out in the order they were written, with one exception: a card goes ahead
of the button retirements written just before it (cards_before_retirements), so the next role
has it sooner. Chats are served side by side, each in a lane of its own, taking turns when
more chats wait than there are lanes: one chat's backlog (paced by Telegram's limit of about
one message a second in a private chat) never holds another chat's messages. The bot's own
work (writing an archive, chat 0) goes before any message written after it, so an item's
archive exists before anyone is told it was published.

What it costs the database (docs/performance.md): a look is one statement (every chat's next
turn, `Repository.due_outbox_turns`) and the reads of what is needed to draw those rows (each
card's data, each retirement's message), in one read transaction; it is made only when woken
(a use case committed messages owed, the reminders were written, a failed row was queued
again) or when a lane that ends may leave rows behind; it never polls an empty outbox. Each
card's result is one commit: its files and its text in one INSERT (which keeps the buttons
only if the step is still open), with its row's delivery in one UPDATE, once the text went
out. A row is marked delivered only after Telegram accepted every part of it; a crash while a
card's parts go out sends that card again from its first part, while a failure Telegram
reports (the network, a refused file) records the parts that went out, so a retry sends only
the rest. Retiring buttons is an edit that may safely be made twice, so those rows are marked
delivered with the next commit the sender makes (at the latest before it goes idle). So is
the last row of a lane: the look that follows the lane marks it first (the chat's next row
goes out only after that look), else the sender marks it before it waits again; a crash
sends it again, as it would the row in flight: still at most one row per chat. A lane's other
rows are marked before its next row goes out, the rows of lanes done at the same moment in
one commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import logcontext, texts
from bot.archive.builder import Archiver, failure_cause
from bot.delivery.card_files import CardFiles
from bot.delivery.channel import ChannelSender
from bot.delivery.outage import DatabaseWatch
from bot.delivery.rendering import RenderedCard, Renderer
from bot.delivery.report_delivery import ReportDelivery
from bot.domain.clock import Clock
from bot.domain.sop import Sop, Step, StepKind
from bot.domain.sop_catalog import SopCatalog, as_catalog
from bot.service.directory import Directory
from bot.service.message_log import MessageLog, OutboxProgress, SentMessage
from bot.service.owed import ARCHIVE_CHAT, OutboxKind
from bot.service.payloads import (
    AbsenceNotice,
    ActingNotice,
    ArchiveJob,
    CardJob,
    ChannelJob,
    ClaimAnswer,
    ClaimCard,
    Confirmation,
    Digest,
    Notice,
    Payload,
    PayloadError,
    Reminder,
    ReportJob,
    Retire,
    from_json,
)
from bot.service.queries import Reads, RetireTarget
from bot.service.views import CardData, EventView, OwedMessage
from storage.models import OutboxMessage
from storage.uow import SessionFactory, UnitOfWork

log = logging.getLogger(__name__)


class StoredFileChanged(Exception):
    """A stored design file no longer matches the hash its approval recorded."""


@dataclass(slots=True)
class _Work:
    """One due row, and what delivering it needs, read with it."""

    row: OutboxMessage
    job: Payload | PayloadError
    card: CardData | None = None  # a card's data (None: its item or step is gone)
    target: RetireTarget | None = None  # the message a retirement edits
    roles: frozenset[str] = frozenset()  # a welcome's: the roles its reader holds now


@dataclass(slots=True)
class _Mark:
    """A row a lane is done with, waiting for the next commit of marks."""

    row_id: int
    failed: str | None  # None: delivered
    done: asyncio.Future[None]  # set once committed


@dataclass(slots=True)
class _Batch:
    lanes: dict[int, list[_Work]]  # chat -> its rows for this turn
    remain: set[int]  # chats whose rows may remain: look again when their lane ends
    waiting: bool  # chats were left without a lane: look again when any lane ends


MAX_LANES = 16  # chats served at once
TURN = 5  # rows a chat sends before a waiting chat may have its lane (about a private burst)
# Rows a look reads at most: every lane's turn. Beyond as many chats waiting at once, those
# whose oldest row is the newest wait for a later look.
LOOK_CAP = MAX_LANES * TURN
MAX_BACKOFF_S = 60.0
MAX_ATTEMPTS = 5  # for rows that fail for reasons of their own, not Telegram's
# Marks the rows a chat refused (Forbidden): they are sent again when the member presses Start.
UNREACHABLE = "unreachable: "
# Marks the rows given up for a reason of the bot's own (a bug, a full disk, a changed file):
# /antrean must not blame Telegram for those.
BOT_FAILURE = "bot: "


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        factory: SessionFactory,
        reads: Reads,
        messages: MessageLog,
        sops: Sop | SopCatalog,
        zone: ZoneInfo,
        clock: Clock,
        directory: Directory,
        archiver: Archiver,
        render: Renderer,
        reports: ReportDelivery | None = None,  # the monitoring report's rows (issue 15)
        channel: ChannelSender | None = None,  # the office's channel's rows (issue 19)
        previews: Path | None = None,  # where previews drawn at upload wait (CardFiles)
    ) -> None:
        self.bot = bot
        self.channel = channel
        self.render = render
        self.reports = reports
        self._reported: set[int] = set()
        self.archiver = archiver
        self.directory = directory
        self.files = CardFiles(bot, prepared=previews)
        self.factory = factory
        self.reads = reads
        self.messages = messages
        self.sops = as_catalog(sops)
        self.zone = zone
        self.clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # Rows done and marked delivered with the sender's next commit: RETIRE rows whose
        # edit went through (an edit made twice changes nothing), and the last row of a
        # lane's turn (`_lasts`: marked by the look that follows the lane, else before the
        # sender waits again; its chat's next row goes out only after that look)
        self._unmarked: list[int] = []
        self._lasts: set[int] = set()
        # rows the lanes are done with, marked by one commit (`_write_marks`)
        self._marks: list[_Mark] = []
        self._marking: asyncio.Task[None] | None = None
        # Set when Telegram or the network failed: every lane stops after its current row.
        self._halt = False
        # issue 17 (set by the wiring): told of each row delivered, by kind (/metrics); told
        # when the database is away, to wait for it instead of retrying blind
        self.on_delivered: Callable[[str], None] = lambda _kind: None
        self.outage: DatabaseWatch | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-sender")
        self.wake()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._marking is not None:  # the rows that went out are recorded
            with contextlib.suppress(Exception):
                await self._marking
            self._marking = None
        await self._mark_before_waiting()  # else the next start sends them again

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

    async def undelivered(self) -> list[OwedMessage]:
        async with UnitOfWork(self.factory, read_only=True) as uow:
            return [
                OwedMessage(row.kind, row.chat_id, row.item_id, row.failed_at, row.last_error)
                for row in await uow.repo.undelivered()
            ]

    async def _run(self) -> None:
        backoff = 0.5
        while True:
            try:
                await self.drain()
                backoff = 0.5
            except (NetworkError, RetryAfter) as exc:
                seconds = _retry_seconds(exc) if isinstance(exc, RetryAfter) else backoff
                log.warning("outbox: Telegram unavailable (%s); retrying in %.1fs", exc, seconds)
                await asyncio.sleep(float(seconds))
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            except Exception as exc:
                if self.outage is not None and self.outage.unavailable(exc, "outbox"):
                    await self.outage.back()  # then deliver what is owed, from the database
                    continue
                log.exception("outbox: unexpected error; retrying")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            # drain() consumed the wake-ups it acted on: one that came later is still set
            await self._wake.wait()

    async def drain(self) -> int:
        """Deliver everything owed now, each chat in its own lane; returns how many rows were
        handled. A NetworkError or RetryAfter stops every lane after the row it is sending
        and is raised: the whole outbox waits (the caller sleeps), as Telegram asks.

        It looks at the outbox when woken, and when a lane ends that may leave rows behind:
        its turn was full, a row of it is to be tried again, its chat was seen with rows its
        lane did not hold, it wrote an archive (the rows written after it are due now), or
        chats were left waiting for a lane."""
        lanes: dict[int, asyncio.Task[tuple[int, bool]]] = {}
        held: dict[int, list[int]] = {}  # chat -> the rows its lane holds
        served: dict[int, int] = {}  # the turn each chat last had: the longest waiting goes next
        remain: set[int] = set()  # chats to look at again once their lane ends
        waiting = False  # chats were left without a lane at the last look
        handled = turns = 0
        trouble: Exception | None = None
        look = True  # rows may be due that no lane has
        self._halt = False
        try:
            while True:
                if self._wake.is_set():
                    self._wake.clear()
                    look = True
                if trouble is None and look and len(lanes) < MAX_LANES:
                    look = False
                    batch = await self._next_batch(held, served)
                    waiting = batch.waiting
                    remain |= batch.remain
                    for chat_id, works in batch.lanes.items():
                        turns += 1
                        served[chat_id] = turns
                        held[chat_id] = [work.row.id for work in works]
                        lanes[chat_id] = asyncio.create_task(
                            self._lane(works), name=f"outbox-chat-{chat_id}"
                        )
                if not lanes:
                    if not self._unmarked:
                        break
                    # nothing left to carry them: mark them now (then a wake that came
                    # meanwhile is looked at)
                    async with UnitOfWork(self.factory) as uow:
                        await self._commit(uow, await self._mark_unmarked(uow))
                    continue
                if self._lasts:  # lanes ended and no look carried their marks
                    async with UnitOfWork(self.factory) as uow:
                        await self._commit(uow, await self._mark_unmarked(uow))
                await self._until_lane_ends_or_wake(lanes.values())
                for chat_id, task in list(lanes.items()):
                    if not task.done():
                        continue
                    del lanes[chat_id], held[chat_id]
                    again = chat_id in remain
                    remain.discard(chat_id)
                    try:
                        count, settled = task.result()
                    except Exception as exc:  # raised below, once every lane has stopped
                        trouble = trouble or exc
                        self._halt = True
                        continue
                    handled += count
                    look = look or again or waiting or not settled
        finally:
            for task in lanes.values():  # cancelled (the bot stops): like a crash mid-send
                task.cancel()
            await asyncio.gather(*lanes.values(), return_exceptions=True)
        if trouble is not None:
            await self._mark_before_waiting()  # the outbox waits: what went out is recorded
            raise trouble
        return handled

    async def _mark_before_waiting(self) -> None:
        if not self._unmarked:
            return
        try:
            async with UnitOfWork(self.factory) as uow:
                await self._commit(uow, await self._mark_unmarked(uow))
        except Exception as exc:  # they are sent again (the database is away, say)
            log.warning("outbox: could not mark %d row(s) delivered: %s", len(self._unmarked), exc)

    async def _next_batch(self, held: dict[int, list[int]], served: dict[int, int]) -> _Batch:
        """The rows of the chats with rows due and no lane, those served longest ago (or
        never) first, with everything needed to send them: one read."""
        now = self.clock.now()
        skip = [row_id for rows in held.values() for row_id in rows]
        # The rows done and not yet marked are marked first, in this transaction: a chat's
        # next row goes out only once its last one is recorded, and an archive written
        # lets the rows behind it go. (One done while this look runs belongs to a lane
        # that is still held: skipped.)
        marked = list(self._unmarked)
        async with UnitOfWork(self.factory, read_only=not marked) as uow:
            if marked:
                await uow.repo.deliver_outbox(marked, now)
            batch = await self._read_batch(uow, set(held), skip, served, now)
            if marked:
                await self._commit(uow, marked)
            return batch

    async def _read_batch(
        self,
        uow: UnitOfWork,
        busy: set[int],
        skip: list[int],
        served: dict[int, int],
        now: datetime,
    ) -> _Batch:
        with uow.shared():  # the queries' units of work join this read (storage/uow.py)
            rows = await uow.repo.due_outbox_turns(
                now, turn=TURN, cap=LOOK_CAP, work_chat=ARCHIVE_CHAT, busy=busy, skip=skip
            )
            # a chat's rows come in the order they were written; the chats, in the order of
            # their oldest row (a chat's first row before anyone's second)
            of_chat: dict[int, list[OutboxMessage]] = {}
            for row in rows:
                of_chat.setdefault(row.chat_id, []).append(row)
            # a busy chat with rows its lane does not hold: look again once its lane ends
            remain = {chat_id for chat_id in of_chat if chat_id in busy}
            waiting = [chat_id for chat_id in of_chat if chat_id not in busy]
            waiting.sort(key=lambda chat_id: served.get(chat_id, -1))  # stable: oldest row next
            chosen = waiting[: MAX_LANES - len(busy)]
            # At the cap, chats beyond it were not seen, and a chat's turn may be cut short.
            cut = len(rows) >= LOOK_CAP
            works: list[_Work] = []
            for chat_id in chosen:
                found = of_chat[chat_id]
                if cut or len(found) >= TURN:
                    remain.add(chat_id)
                works.extend(_Work(row, _parse(row)) for row in found)
            for work in works:
                if isinstance(work.job, CardJob) and work.row.item_id is not None:
                    job = work.job
                    work.card = await self.reads.card_data(
                        work.row.item_id, job.step, job.version, job.return_event_id
                    )
                elif isinstance(work.job, ClaimAnswer):
                    work.roles = await self.reads.roles_now(work.row.chat_id)
                elif isinstance(work.job, ArchiveJob):
                    # the rows written after it are due once it is done
                    remain.add(work.row.chat_id)
            # A card's text, chat and message never change: its retirement can be read now.
            ids = [work.job.card_id for work in works if isinstance(work.job, Retire)]
            cards = await uow.repo.cards_by_id(ids) if ids else []
        targets = {c.id: RetireTarget(c.chat_id, c.message_id, c.text) for c in cards}
        lanes: dict[int, list[_Work]] = {chat_id: [] for chat_id in chosen}
        for work in works:
            if isinstance(work.job, Retire):
                work.target = targets.get(work.job.card_id)
            lanes[work.row.chat_id].append(work)
        return _Batch(lanes, remain, cut or len(chosen) < len(waiting))

    async def _until_lane_ends_or_wake(
        self, lanes: Iterable[asyncio.Task[tuple[int, bool]]]
    ) -> None:
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait([*lanes, woken], return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()

    async def _lane(self, works: list[_Work]) -> tuple[int, bool]:
        """One turn of one chat: its rows read for this turn, in the order they were
        written; returns how many were handled and whether each was settled."""
        handled = 0
        settled = True
        ordered = cards_before_retirements(works)
        for number, work in enumerate(ordered, 1):
            if self._halt:
                break
            code = work.card.item.code if work.card else getattr(work.job, "code", None)
            member = work.row.chat_id if work.row.chat_id > 0 else None  # a person's chat
            with logcontext.scope(member=member, item=code if isinstance(code, str) else None):
                settled = await self._deliver(work, last=number == len(ordered)) and settled
            handled += 1
        return handled, settled

    async def _deliver(self, work: _Work, *, last: bool) -> bool:
        """Send one row; True when it is settled (delivered or given up on). The last row of
        a lane is marked delivered with the sender's next commit."""
        row, job = work.row, work.job
        if isinstance(job, PayloadError):
            # Written by hand or in a shape this version cannot read: retrying cannot mend it.
            log.error("outbox: row %s (%s) is unreadable: %s", row.id, row.kind, job)
            await self._finish(row.id, failed=BOT_FAILURE + str(job))
            return True
        finished = False
        try:
            match job:
                case CardJob():
                    finished = await self._send_card(row, job, work.card)
                case Notice():
                    text = self.render.notice(job)
                    await self.bot.send_message(row.chat_id, text, parse_mode=ParseMode.HTML)
                case Confirmation():
                    text = self.render.confirmation(job)
                    await self.bot.send_message(row.chat_id, text, parse_mode=ParseMode.HTML)
                case Retire():
                    await self._retire(job, work.target)
                    self._unmarked.append(row.id)  # an edit made twice changes nothing
                    finished = True
                case Reminder():
                    assert row.item_id is not None
                    text, keyboard = self.render.reminder(job, row.item_id)
                    await self.bot.send_message(
                        row.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
                    )
                case ArchiveJob():
                    assert row.item_id is not None
                    folder = await self.archiver.archive(row.item_id)
                    log.info("archived item %s in %s", row.item_id, folder)
                case Digest():
                    text = self.render.digest(job)
                    await self.bot.send_message(row.chat_id, text, parse_mode=ParseMode.HTML)
                case ClaimCard():
                    text, keyboard = self.render.claim(job)
                    await self.bot.send_message(
                        row.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
                    )
                case ClaimAnswer():
                    # what they can do: the roles they hold as it is sent, not at the answer
                    text = self.render.claim_answer(job, work.roles)
                    await self.bot.send_message(row.chat_id, text, parse_mode=ParseMode.HTML)
                case AbsenceNotice() | ActingNotice():
                    text = self.render.leave(job)
                    await self.bot.send_message(row.chat_id, text, parse_mode=ParseMode.HTML)
                case ChannelJob():
                    if self.channel is None:
                        raise RuntimeError("no channel configured ([publish.telegram])")
                    assert row.item_id is not None
                    outcome = await self.channel.deliver(row.id, row.item_id, job)
                    if outcome.failed is not None:  # refused: its alarm was raised
                        await self._finish(row.id, failed=outcome.failed)
                        return True
                    finished = outcome.recorded
                case ReportJob():
                    if self.reports is None:
                        raise RuntimeError("no report delivery wired")
                    last_try = row.attempts + 1 >= MAX_ATTEMPTS
                    await self.reports.send(row, job, last_try=last_try)
        except Forbidden as exc:
            # The member blocked the bot or never pressed Start: retrying cannot help.
            log.warning("outbox: chat %s refuses messages: %s", row.chat_id, exc)
            await self._finish(row.id, failed=UNREACHABLE + str(exc))
            await self._report_unreachable(row.chat_id)
            return True
        except StoredFileChanged as exc:
            log.error("outbox: not sending row %s: stored files changed: %s", row.id, exc)
            cause = f"{texts.CAUSE_STORED_FILE_CHANGED} ({exc})"
            await self._finish(row.id, failed=BOT_FAILURE + cause)
            return True
        except BadRequest as exc:
            log.error("outbox: Telegram refused row %s (%s): %s", row.id, row.kind, exc)
            await self._finish(row.id, failed=str(exc))
            return True
        except (NetworkError, RetryAfter):
            raise  # the whole outbox waits: Telegram or the network is the problem
        except Exception as exc:
            # A bug or bad data in one row must not hold back every message behind it.
            log.exception("outbox: row %s (%s) failed", row.id, row.kind)
            archive = row.kind == OutboxKind.ARCHIVE
            cause = failure_cause(exc) if archive else repr(exc)
            if await self._note_attempt(row.id, BOT_FAILURE + cause) and archive:
                assert row.item_id is not None
                await self._report_archive_failed(row.item_id, cause)
            return False
        if not finished:
            await self._finish(row.id, later=last)
        self.on_delivered(row.kind)
        return True

    async def _send_card(self, row: OutboxMessage, job: CardJob, data: CardData | None) -> bool:
        """Send a card's files, then its text; True when the row was marked delivered with
        the record of its messages (one commit), False when the caller still has to mark it."""
        if data is None:
            return False  # the item or its step is gone: nothing to show
        card = self.render.card(data)
        if data.step.kind is StepKind.POST and (
            pages := await asyncio.to_thread(self.files.tampered_pages, data)
        ):
            await self._report_tampered(data, pages)
            raise StoredFileChanged(f"{data.item.code} v{data.version}: pages {pages}")
        parts = await self.files.parts(data, card)
        files: list[Message] = []
        try:
            for send in parts[row.parts_sent :]:
                files.append(await send(row.chat_id))
            message = await self.bot.send_message(
                row.chat_id, card.text, parse_mode=ParseMode.HTML, reply_markup=card.keyboard
            )
        except Exception:
            # Telegram refused or could not be reached: what went out is recorded, so the
            # row's retry (or its failure) does not send those parts again.
            if files:
                await self._record(row, data, job, files, None)
            raise
        closing = await self._record(row, data, job, files, (message, card))
        if closing is None:
            return True  # recorded and marked delivered together
        # decided while this card was on its way: it shows the decision, not buttons
        line = self.render.decision_line(closing.action, closing.actor_name, closing.at)
        await self.retire_message(message.chat_id, message.message_id, card.text, line)
        return False

    async def _report_unreachable(self, chat_id: int) -> None:
        """Tell the admins and those who lead the SOP (the cancellers) that a member cannot
        be reached, so someone asks them to press Start; once per chat per run."""
        if chat_id in self._reported:
            return
        self._reported.add(chat_id)
        text = texts.MEMBER_UNREACHABLE.format(
            name=escape(self.directory.name(chat_id)), chat_id=chat_id
        )
        admins = sorted(self.directory.admins)
        recipients = [*admins, *self.directory.chats_for_roles(sorted(self.sops.cancellers))]
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
            code=data.item.code,
            version=data.version,
            pages=", ".join(map(str, pages)),
            **file_changed_roles(data.item.sop, data.step),
        )
        for chat_id in self.directory.chats_for_roles(data.item.sop.order_roles):
            await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)

    async def _report_archive_failed(self, item_id: int, cause: str) -> None:
        """An item's archive could not be written: the admins and those who lead the SOP are
        told which item and why (the row waits, failed, for /kirimulang)."""
        async with UnitOfWork(self.factory, read_only=True) as uow:
            item = await uow.repo.item(item_id)
        code, title = (item.code, item.title) if item else (str(item_id), "-")
        text = texts.ARCHIVE_FAILED.format(code=code, title=escape(title), cause=escape(cause))
        for recipient in self._leaders():
            try:
                await self.bot.send_message(recipient, text, parse_mode=ParseMode.HTML)
            except (Forbidden, BadRequest) as exc:
                log.warning("outbox: cannot tell %s the archive failed: %s", recipient, exc)

    def _leaders(self) -> list[int]:
        """The admins and the SOP's cancellers: who is told when something is lost."""
        roles = sorted(self.sops.cancellers)
        admins = sorted(self.directory.admins)
        return list(dict.fromkeys([*admins, *self.directory.chats_for_roles(roles)]))

    async def _retire(self, job: Retire, target: RetireTarget | None) -> None:
        if target is None:
            return
        line = self.render.decision_line(job.action, job.name, job.at)
        await self.retire_message(target.chat_id, target.message_id, target.text, line)

    async def retire_message(
        self, chat_id: int, message_id: int, text: str | None, line: str
    ) -> None:
        """Replace a message's buttons with the decision that closed its step."""
        try:
            if text is not None:
                await self.bot.edit_message_text(
                    self.render.retired(text, line),
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
        row: OutboxMessage,
        data: CardData,
        job: CardJob,
        files: list[Message],
        text: tuple[Message, RenderedCard] | None,
    ) -> EventView | None:
        """Record a card's messages in one commit: its files, the count of parts sent, and,
        once its text went out, the text and the row's delivery (with the rows done
        meanwhile, one UPDATE). Returns the decision that closed the card's step while it was
        on its way, if any: the row is then not marked delivered (see
        MessageLog.record_message)."""
        assert row.item_id is not None
        item_id = row.item_id
        now = self.clock.now()
        marked = tuple(self._unmarked)
        sent = row.parts_sent + len(files)
        if text is None:
            written, progress = None, OutboxProgress(row.id, now, sent, also_delivered=marked)
        else:
            message, card = text
            written = SentMessage(
                message.chat_id, message.message_id, card.text, card.keyboard is not None
            )
            # the parts too: should the step have been decided meanwhile, the row waits for
            # its buttons' retirement, and a retry sends only the text
            progress = OutboxProgress(
                row.id, now, sent if files else None, delivered=True, also_delivered=marked
            )
        closing = await self.messages.record_card(
            item_id=item_id,
            step_key=data.step.key,
            version=job.version,
            files=[SentMessage(m.chat_id, m.message_id) for m in files],
            text=written,
            progress=progress,
            # the preview uploaded: later reviewers of the version get it by this id
            preview=self.files.unrecorded_preview(data) if files else None,
        )
        self._forget_marked(list(marked))
        return closing

    async def _note_attempt(self, row_id: int, error: str) -> bool:
        """Count a failed attempt; True when it was the last (the row is given up on)."""
        given_up = False
        async with UnitOfWork(self.factory) as uow:
            marked = await self._mark_unmarked(uow)
            row = await uow.repo.outbox_row(row_id)
            if row is not None:
                row.attempts += 1
                row.last_error = error[:500]
                if row.attempts >= MAX_ATTEMPTS:
                    row.failed_at = self.clock.now()
                    given_up = True
            await self._commit(uow, marked)
        return given_up

    async def _finish(self, row_id: int, *, failed: str | None = None, later: bool = False) -> None:
        """Mark a row delivered (or, with `failed`, given up on); returns once that is
        committed. The rows other lanes finish at the same moment share the commit (one
        UPDATE for those delivered, with the rows done meanwhile): each lane still waits
        for its row's mark before it sends its chat's next row. With `later` (the lane's
        last row) a delivered row is marked with the sender's next commit: its chat's next
        row waits for the look that marks it."""
        if later and failed is None:
            self._unmarked.append(row_id)
            self._lasts.add(row_id)
            return
        mark = _Mark(row_id, failed, asyncio.get_running_loop().create_future())
        self._marks.append(mark)
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._write_marks(), name="outbox-marks")
        await mark.done

    async def _write_marks(self) -> None:
        while self._marks:
            await asyncio.sleep(0)  # the lanes whose row went out in this turn join
            marks, self._marks = self._marks, []
            try:
                async with UnitOfWork(self.factory) as uow:
                    done = list(self._unmarked)
                    now = self.clock.now()
                    delivered = [mark.row_id for mark in marks if mark.failed is None]
                    if delivered or done:
                        await uow.repo.deliver_outbox([*delivered, *done], now)
                    for mark in marks:
                        if mark.failed is not None:
                            await uow.repo.fail_outbox(mark.row_id, now, mark.failed)
                    await self._commit(uow, done)
            except Exception as exc:  # each lane raises it (the outbox waits, as before)
                for mark in marks:
                    if not mark.done.done():
                        mark.done.set_exception(exc)
            else:
                for mark in marks:
                    if not mark.done.done():  # a lane cancelled meanwhile (the bot stops)
                        mark.done.set_result(None)

    async def _mark_unmarked(self, uow: UnitOfWork) -> list[int]:
        """Mark the rows done and not yet marked (`_unmarked`) delivered, in the caller's
        unit of work; returns them, to forget once it commits."""
        marked = list(self._unmarked)
        if marked:
            await uow.repo.deliver_outbox(marked, self.clock.now())
        return marked

    async def _commit(self, uow: UnitOfWork, marked: list[int]) -> None:
        await uow.commit()
        self._forget_marked(marked)

    def _forget_marked(self, marked: list[int]) -> None:
        if marked:
            self._unmarked = [row_id for row_id in self._unmarked if row_id not in marked]
            self._lasts.difference_update(marked)


def cards_before_retirements(works: list[_Work]) -> list[_Work]:
    """A turn's rows in the order they go out: as written, but a card goes ahead of the
    retirements written just before it (a decision writes the old buttons' retirement first,
    then the next role's card): whoever the card is for has it one or two round trips sooner.

    That loses nothing: the retirement still follows within the turn, and the service already
    refuses a press on the retired buttons (it checks the step, not the message). Nothing else
    moves: a confirmation, a notice or any other row still waits for the retirements written
    before it (a typed decision's confirmation comes after its card shows the decision), and
    the rows keep their own order."""
    ordered: list[_Work] = []
    held: list[_Work] = []  # retirements a card may pass
    for work in works:
        if isinstance(work.job, Retire):
            held.append(work)
            continue
        if not isinstance(work.job, CardJob):
            ordered.extend(held)
            held.clear()
        ordered.append(work)
    return ordered + held


def _parse(row: OutboxMessage) -> Payload | PayloadError:
    """The row's payload, typed; an unreadable one is kept as its error, for _deliver to
    give the row up (the rest of the chat's rows still go)."""
    try:
        return from_json(row.kind, row.payload)
    except PayloadError as exc:
        return exc


def _retry_seconds(exc: RetryAfter) -> float:
    # A timedelta with PTB_TIMEDELTA set (bot/app.py), seconds without it.
    delay = exc.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)


def _gone_or_unchanged(exc: TelegramError) -> bool:
    # PTB capitalises Telegram's text, so compare in lower case.
    message = str(exc).lower()
    return "not modified" in message or "message to edit not found" in message


def file_changed_roles(sop: Sop, step: Step) -> dict[str, str]:
    """Who FILE_CHANGED names: the role that posts (`step`), the role that designs, and the
    step where review starts again, from the SOP (a revised SOP's titles show)."""
    design = sop.design_step
    again = sop.next_step(design.key) or design
    return {
        "poster": escape(sop.role_title(step.role)),
        "designer": escape(sop.role_title(design.role)),
        "ref": escape(again.ref),
    }
