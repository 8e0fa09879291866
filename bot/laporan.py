"""`python -m bot laporan --period 2026-S2 --out laporan.xlsx`: the SOP monitoring report for
the server's admin, written from the database as the bot would send it: the workbook, and the
CSV of every event beside it (`--csv` names it; `--no-csv` leaves it out)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from bot import texts
from bot.config import Config
from bot.domain.clock import Clock, SystemClock
from bot.domain.periods import PeriodNotUnderstood
from bot.report.eventlog import write_events_csv
from bot.report.words import title
from bot.report.workbook import write_workbook
from bot.service.context import ServiceContext
from bot.service.directory import Directory
from bot.service.reports import Reports
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head


def csv_beside(out: Path) -> Path:
    """laporan.xlsx -> laporan-peristiwa.csv"""
    return out.with_name(f"{out.stem}-peristiwa.csv")


async def run_report(
    config: Config,
    period_text: str | None,
    out: Path,
    csv_out: Path | None,
    *,
    clock: Clock | None = None,
    say: Callable[[str], None] = print,
) -> int:
    """Write the report; 0 when written, 2 for a period the report does not know."""
    clock = clock or SystemClock()
    engine = create_engine(config.database_url)
    try:
        await upgrade_to_head(engine)
        zone = config.timezone
        directory = Directory(
            config.members,
            config.role_chats,
            today=lambda: clock.now().astimezone(zone).date(),
            admins=config.telegram.admins,
        )
        ctx = ServiceContext(
            session_factory(engine),
            config.sop,
            directory,
            config.calendar,
            clock,
            sops=config.sops,
        )
        reports = Reports(ctx, threshold=config.report.threshold, office=config.office_name)
        try:
            period = reports.period(period_text)
        except PeriodNotUnderstood as exc:
            say(texts.REPORT_PERIOD_UNKNOWN.format(text=exc.text, examples=", ".join(exc.examples)))
            return 2
        started = time.perf_counter()
        report = await reports.build(period)
        await asyncio.to_thread(write_workbook, report, out)
        written = [str(out)]
        if csv_out is not None:
            await asyncio.to_thread(write_events_csv, report, csv_out)
            written.append(str(csv_out))
        figures = report.figures
        say(
            f"{title(report)}: {len(figures.items)} item, {len(figures.events)} peristiwa; "
            f"{', '.join(written)} ({time.perf_counter() - started:.1f} s)"
        )
        return 0
    finally:
        await engine.dispose()
