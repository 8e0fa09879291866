"""Does a large /laporan keep the bot answering everyone else?
`python -m bench.laporan_chat [--open N] [--history EVENTS] [--period 2026]`

The benchmark's history (bench/seed.py) is written to a fresh SQLite database; the bot runs
in its own process (bench/run_bot.py, its clock on Monday 23 November 2026), pinned to one
CPU when this process may use two, against the local Bot API server in this process. A
member presses a button every 200 ms (one the bot does not know: it answers at once with an
alert, after the whole way in: the inbox, the gate, the handler); the time from the press
reaching the server to the bot's answer is measured first for a while with nothing else to
do, then while the sekretaris's report of the period is made and sent. Prints the latencies,
when each part of the report arrived and how big it was; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from time import perf_counter

from bot.config import parse_config

from . import procs
from .office import BOT_ENV, SEKRETARIS, Office
from .run_bot import MONDAY_MORNING
from .seed import seed
from .server import BenchServer, anything

PRESS_EVERY_S = 0.2
BASELINE_PRESSES = 25
FORGED = "zz:1"  # callback data no button of the bot carries: answered with an alert


async def run(open_items: int, history: int, period: str, workdir: Path) -> None:
    office = Office.of(2)
    url = f"sqlite+aiosqlite:///{workdir / 'jdih.db'}"
    async with BenchServer() as server:
        office.enrol(server)
        config_path = office.write_config(server, url, workdir, "config.json")
        config = parse_config(
            office.config_data(server, url, workdir), base_dir=workdir, environ=BOT_ENV
        )
        started = perf_counter()
        made = await seed(url, config, MONDAY_MORNING, open_items, history)
        print(
            f"seeded {made.open_items} open + {made.published_items} published items, "
            f"{made.events} events in {perf_counter() - started:.0f} s"
        )
        _, bot_cpu = procs.cpus()
        bot = await procs.start(
            "bench.run_bot", ["--config", str(config_path)], workdir / "bot.log", bot_cpu, BOT_ENV
        )
        try:
            await server.polling(120)
            await server.quiet(1.0, 120)
            presser = office.member("operator", 0)
            mark = server.mark(presser.user_id)
            await server.text(presser.user_id, "/tugas")
            target = await server.arrival(presser.user_id, anything, after=mark, timeout=60)
            pressing = _Presser(server, presser.user_id, target.message.message_id)

            alone = await pressing.presses(BASELINE_PRESSES)
            print(f"presses answered, the bot otherwise idle: {_describe(alone)}")

            mark = server.mark(SEKRETARIS)
            asked = perf_counter()
            await server.text(SEKRETARIS, f"/laporan {period}")
            async with pressing.meanwhile() as during:
                parts = await _report_parts(server, mark, asked)
            print(f"presses answered while the report was made and sent: {_describe(during)}")
            for line in parts:
                print(line)
            cpu = bot.cpu()
            _, peak = bot.memory()
            print(f"bot process: {cpu:.0f} s CPU in all, peak memory {peak:.0f} MB")
            bot.check_alive()
        finally:
            await bot.stop()


class _Presser:
    """One member pressing a button the bot does not know, every PRESS_EVERY_S."""

    def __init__(self, server: BenchServer, user_id: int, message_id: int) -> None:
        self.server = server
        self.user_id = user_id
        self.message_id = message_id

    async def press(self) -> float:
        sent = await self.server.press_data(self.user_id, self.user_id, self.message_id, FORGED)
        assert sent.query_id is not None
        await self.server.answer(sent.query_id, timeout=600)
        return perf_counter() - sent.at

    async def presses(self, count: int) -> list[float]:
        found = []
        for _ in range(count):
            found.append(await self.press())
            await asyncio.sleep(PRESS_EVERY_S)
        return found

    @contextlib.asynccontextmanager
    async def meanwhile(self) -> AsyncIterator[list[float]]:
        found: list[float] = []
        stop = asyncio.Event()

        async def keep_pressing() -> None:
            while not stop.is_set():
                found.append(await self.press())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), PRESS_EVERY_S)

        task = asyncio.create_task(keep_pressing())
        try:
            yield found
        finally:
            stop.set()
            await task


async def _report_parts(server: BenchServer, mark: int, asked: float) -> list[str]:
    """Until the CSV (or the workbook, for a period without events) arrived: a line each."""
    lines = []
    seen = mark
    while True:
        arrival = await server.arrival(SEKRETARIS, anything, after=seen, timeout=900)
        seen += 1
        message = arrival.message
        stored = server.state.files.get(message.file_id or "")
        size = f", {len(stored.content) / 1e6:.2f} MB" if stored is not None else ""
        what = message.file_name or message.kind
        lines.append(f"  {arrival.at - asked:6.1f} s after /laporan: {what}{size}")
        if what.endswith((".csv", ".zip")):
            return lines


def _describe(latencies: list[float]) -> str:
    if not latencies:
        return "none"
    ordered = sorted(latencies)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{len(ordered)} presses, median {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.laporan_chat", description=__doc__)
    parser.add_argument("--open", type=int, default=2000, help="open items (default 2000)")
    parser.add_argument("--history", type=int, default=100_000, help="events (default 100000)")
    parser.add_argument("--period", default="2026", help="the period asked for (default 2026)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="laporan-bench-") as folder:
        asyncio.run(run(args.open, args.history, args.period, Path(folder)))


if __name__ == "__main__":
    main()
