"""Sending a report the outbox owes (a `ReportJob` row, from /laporan or the schedule): the
outbox sender hands the row here, in the recipient's own lane, so the report is retried like
any owed message and a crash or a Telegram error loses nothing.

The report is made when it is sent, from the database as it stands then: read a batch at a
time (the loop stays free between batches), its files drawn in a worker thread, one report at
a time (a second waits rather than competing for the CPU with every member's presses). Then
its parts go out in order, each recorded once Telegram accepted it (`parts_sent`), so a retry
sends only the rest: the words of a scheduled report, the chart with its three-line summary,
the workbook, the CSV.

Telegram's limits (Bot API "Sending files": 50 MB a document, 10 MB a photo) are checked
before an upload: Telegram answers an oversized upload with HTTP 413, which PTB raises as a
NetworkError, and the outbox would wait on it for ever. A CSV over the limit goes zipped (it
shrinks to about a tenth); a file still over it is not sent, and the reader is told why and
how to get it (a shorter period, or `python -m bot laporan` on the server).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from html import escape

from telegram import Bot, InputFile
from telegram.constants import FileSizeLimit, ParseMode

from bot import texts
from bot.domain.monitoring import Report
from bot.report.chat import ChatFile, ChatReport, chat_report, command_period
from bot.report.words import title
from bot.service.payloads import ReportJob, ReportPurpose
from bot.service.reports import Reports, job_period
from storage.models import OutboxMessage
from storage.uow import SessionFactory, UnitOfWork

log = logging.getLogger(__name__)

UPLOAD_LIMIT = int(FileSizeLimit.FILESIZE_UPLOAD)  # 50 MB: a document
PHOTO_LIMIT = int(FileSizeLimit.PHOTOSIZE_UPLOAD)  # 10 MB: a photo
MEGABYTE = 1024 * 1024

Part = Callable[[int], Awaitable[object]]  # sends one message to the chat
# PTB waits 20 s for an upload to be written; a year's CSV (9 MB) over an office's slow
# uplink takes longer, and a timed-out upload would be retried for ever: allow 20 s plus a
# second for every 50 kB (a 9 MB CSV: about 3 minutes).
UPLOAD_BASE_S, UPLOAD_BYTES_PER_S = 20.0, 50_000


class ReportDelivery:
    def __init__(
        self,
        bot: Bot,
        factory: SessionFactory,
        reports: Reports,
        *,
        upload_limit: int = UPLOAD_LIMIT,
        photo_limit: int = PHOTO_LIMIT,
    ) -> None:
        self.bot = bot
        self.factory = factory
        self.reports = reports
        self.upload_limit = upload_limit
        self.photo_limit = photo_limit
        self._making = asyncio.Semaphore(1)  # one report made at a time

    async def send(self, row: OutboxMessage, job: ReportJob, *, last_try: bool) -> None:
        """Make the report and send the parts Telegram has not accepted yet. A failure to
        make it is raised (the sender tries again); on the last try the reader is told."""
        period = job_period(job)
        try:
            async with self._making:
                report = await self.reports.build(period)
                files = await asyncio.to_thread(chat_report, report)
                files = await asyncio.to_thread(self._within_limits, files)
        except Exception as exc:
            if last_try:
                cause = escape(type(exc).__name__)
                text = texts.REPORT_FAILED.format(
                    period=escape(texts.fmt_period(period)), cause=cause
                )
                await self.bot.send_message(row.chat_id, text, parse_mode=ParseMode.HTML)
            raise
        parts = self._parts(job, report, files)
        for number, part in enumerate(parts, 1):
            if number <= row.parts_sent:
                continue  # accepted before a failure or a crash
            await part(row.chat_id)
            async with UnitOfWork(self.factory) as uow:
                await uow.repo.outbox_parts_sent(row.id, number)
                await uow.commit()
        log.info(
            "report %s sent to %s (%d parts, workbook %d bytes)",
            period.spec,
            row.chat_id,
            len(parts),
            len(files.workbook.content),
        )

    def _within_limits(self, files: ChatReport) -> ChatReport:
        """The CSV zipped when it is too big as it is (CPU work: in the worker thread)."""
        if files.events is not None and len(files.events.content) > self.upload_limit:
            return files.events_zipped()
        return files

    def _parts(self, job: ReportJob, report: Report, files: ChatReport) -> list[Part]:
        parts: list[Part] = []
        intro = _intro(job, report)
        if intro is not None:
            parts.append(self._text(intro))
        chart = files.chart
        if chart is not None and len(chart) <= self.photo_limit:
            name = f"{files.workbook.name.rsplit('.', 1)[0]}.png"
            parts.append(self._photo(chart, name, files.summary))
        else:
            parts.append(self._text(files.summary))
        parts.append(self._document(files.workbook, report))
        if files.events is not None:
            parts.append(self._document(files.events, report))
        return parts

    def _text(self, text: str) -> Part:
        async def send(chat_id: int) -> object:
            return await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)

        return send

    def _photo(self, png: bytes, name: str, caption: str) -> Part:
        async def send(chat_id: int) -> object:
            photo = InputFile(png, filename=name)
            return await self.bot.send_photo(
                chat_id,
                photo,
                caption=caption,
                parse_mode=ParseMode.HTML,
                write_timeout=_upload_seconds(png),
            )

        return send

    def _document(self, file: ChatFile, report: Report) -> Part:
        if len(file.content) > self.upload_limit:
            return self._text(_too_big(file, report, self.upload_limit))

        async def send(chat_id: int) -> object:
            document = InputFile(file.content, filename=file.name)
            return await self.bot.send_document(
                chat_id,
                document,
                caption=file.caption,
                parse_mode=ParseMode.HTML,
                write_timeout=_upload_seconds(file.content),
            )

        return send


def _upload_seconds(content: bytes) -> float:
    return UPLOAD_BASE_S + len(content) / UPLOAD_BYTES_PER_S


def _intro(job: ReportJob, report: Report) -> str | None:
    """The words before a report nobody asked for: why it comes."""
    # the month it was owed in: the one after the period (January or July; the review month)
    month = texts.fmt_month(report.period.last + timedelta(days=1))
    period = escape(texts.fmt_period(report.period))
    if job.purpose is ReportPurpose.SEMESTER:
        return texts.REPORT_SEMESTER_INTRO.format(period=period, month=month)
    if job.purpose is ReportPurpose.REVIEW:
        sop = report.sop
        return texts.REPORT_REVIEW_INTRO.format(
            sop_number=escape(sop.number), sop_name=escape(sop.name), month=month, period=period
        )
    return None


def _too_big(file: ChatFile, report: Report, limit: int) -> str:
    log.warning(
        "report %s: %s has %d bytes, over %d", title(report), file.name, len(file.content), limit
    )
    return texts.REPORT_TOO_BIG.format(
        name=escape(file.name),
        size=f"{len(file.content) / MEGABYTE:.1f}".replace(".", ","),
        limit=limit // MEGABYTE,
        spec=escape(command_period(report.period)),
    )
