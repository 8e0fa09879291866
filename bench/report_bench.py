"""How long the monitoring report takes for a large office history, and how much memory:
`python -m bench.report_bench [--open N] [--history EVENTS] [--period 2026]`.

The history is the benchmark's seed (bench/seed.py: open items over every step, published
items with a return each), written straight to a fresh SQLite database. Its visits have no
step_visits rows, so every one is rebuilt from the events and measured against the SOP's
limits: the report's slower path. Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from pathlib import Path

from bench.seed import seed
from bot.config import parse_config
from bot.domain.clock import ManualClock
from bot.report.eventlog import write_events_csv
from bot.report.workbook import write_workbook
from bot.service.context import ServiceContext
from bot.service.directory import Directory
from bot.service.reports import Reports
from storage.database import create_engine, session_factory
from tests.office import MONDAY_MORNING

TOKEN = "123456:bench"


async def run(open_items: int, history: int, period_text: str, workdir: Path) -> None:
    url = f"sqlite+aiosqlite:///{workdir / 'jdih.db'}"
    config = parse_config(
        {"database": {"url": url}}, base_dir=workdir, environ={"JDIH_BOT_TOKEN": TOKEN}
    )
    made = await seed(url, config, MONDAY_MORNING, open_items, history)
    print(
        f"seeded: {made.open_items} open + {made.published_items} published items, "
        f"{made.events} events; peak RSS so far (the seed's rows) {_peak_mb():.0f} MB"
    )
    del made
    engine = create_engine(url)
    try:
        clock = ManualClock(MONDAY_MORNING)
        ctx = ServiceContext(
            session_factory(engine), config.sop, Directory((), {}), config.calendar, clock
        )
        reports = Reports(ctx)
        period = reports.period(period_text)
        started = time.perf_counter()
        report = await reports.build(period)
        built = time.perf_counter()
        out = workdir / "laporan.xlsx"
        await asyncio.to_thread(write_workbook, report, out)
        wrote = time.perf_counter()
        await asyncio.to_thread(write_events_csv, report, workdir / "peristiwa.csv")
        done = time.perf_counter()
    finally:
        await engine.dispose()
    peak = _peak_mb()
    figures = report.figures
    print(
        f"period {period.spec}: {len(figures.items)} items, {figures.overview.runs} runs, "
        f"{len(figures.events)} events\n"
        f"build {built - started:.1f} s, workbook {wrote - built:.1f} s "
        f"({out.stat().st_size / 1e6:.1f} MB), csv {done - wrote:.1f} s; "
        f"peak RSS {peak:.0f} MB"
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.report_bench", description=__doc__)
    parser.add_argument("--open", type=int, default=1000, help="open items (default 1000)")
    parser.add_argument("--history", type=int, default=50_000, help="events (default 50000)")
    parser.add_argument("--period", default="2026")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        asyncio.run(run(args.open, args.history, args.period, Path(workdir)))


if __name__ == "__main__":
    main()
