"""One benchmark run: the bare bot (stock, and on the bot's transport), the bot on an empty
database, the bot on a large one.

Each bot runs in its own process pinned to one CPU; this process (the local Bot API server
and the simulated members) is pinned to the other, so the bot's CPU time and memory are its
own and "decisions per second on one core" means what it says.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import shutil
import signal
import tempfile
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from bot.config import parse_config
from bot.config.telegram import HTTP_TRANSPORTS

from . import procs
from .bare_bot import STOCK
from .drive import DECISIONS_PER_ITEM, Decision, drive_bare, drive_items
from .office import BOT_ENV, Office
from .profile import Recorder, summarise
from .report import Latency, Measurement, Results, machine
from .run_bot import MONDAY_MORNING
from .seed import seed
from .server import BenchServer

_QUIET_S = 0.5  # no API call for this long: the bot has finished what the run asked
_BARE_USERS_BASE = 7_000_000
_PROFILE = "profile.txt"  # py-spy's collapsed stacks of the concurrent run
_TRANSPORT_NAMES = {STOCK: "stock (httpx)", "aiohttp": "on aiohttp (the bot's transport)"}


@dataclass(frozen=True)
class Options:
    items: int = 200
    solo: int = 10  # items walked one at a time before the concurrent run
    members: int = 0  # per role; 0: one per item
    open_items: int = 10_000
    history: int = 100_000
    scale: bool = True
    wait: float = 300.0  # seconds any one expected message may take
    startup_timeout: float = 120.0
    keep: Path | None = None  # keep the working directory (databases, logs) here
    profile: bool = False  # sample the bot with py-spy during the concurrent runs
    http: str = HTTP_TRANSPORTS[0]  # the bot's transport ([telegram] http)


async def run(options: Options) -> Results:
    driver_cpu, bot_cpu = procs.cpus()
    procs.pin_self(driver_cpu)
    info = machine()
    info["pinning"] = (
        f"bot on CPU {bot_cpu}, driver and server on CPU {driver_cpu}"
        if bot_cpu is not None
        else f"one CPU ({driver_cpu}) shared by the bot, the driver and the server"
    )
    with tempfile.TemporaryDirectory(prefix="jdih-bench-") as scratch:
        workdir = options.keep or Path(scratch)
        bare = await _bare(options, _folder(workdir / "bare"), bot_cpu, STOCK)
        # the bare bot on the bot's own transport: what is left between them is the bot's
        bare_same = bare
        if options.http != STOCK:
            bare_same = await _bare(options, _folder(workdir / "bare-same"), bot_cpu, options.http)
        empty = await _ours(
            "JDIH bot, empty database", options, _folder(workdir / "empty"), bot_cpu
        )
        scale = None
        if options.scale:
            name = f"JDIH bot, {options.open_items:,} open items and {options.history:,} events"
            scale = await _ours(name, options, _folder(workdir / "scale"), bot_cpu, seeded=True)
    settings = {
        "items": options.items,
        "solo items": options.solo,
        "members per role": options.members or options.items,
        "open items": options.open_items if options.scale else 0,
        "history events": options.history if options.scale else 0,
        "transport": options.http,
    }
    return Results(info, settings, bare, empty, scale, bare_same)


async def _ready(server: BenchServer, bot: procs.Measured, started: float, limit: float) -> float:
    """Seconds from starting the process to its first getUpdates."""
    poll = asyncio.ensure_future(server.polling(limit))
    exited = asyncio.ensure_future(bot.process.wait())
    await asyncio.wait({poll, exited}, return_when=asyncio.FIRST_COMPLETED)
    exited.cancel()
    if not poll.done():
        poll.cancel()
        bot.check_alive()
    return poll.result() - started


class _Usage:
    """This process's CPU time (driver and server), to show whether it was the bottleneck."""

    def __init__(self) -> None:
        self.cpu = self._now()
        self.wall = perf_counter()

    @staticmethod
    def _now() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def busy(self) -> float:
        return (self._now() - self.cpu) / (perf_counter() - self.wall)


def _folder(path: Path) -> Path:
    """An empty folder: a database left by an earlier run would not match the new server."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


async def _bare(options: Options, workdir: Path, cpu: int | None, http: str) -> Measurement:
    async with BenchServer() as server:
        users = [_BARE_USERS_BASE + n for n in range(max(options.items, options.solo))]
        for user in users:
            server.add_user(user, f"Pengguna {user}")
            server.mark_started(user)
        args = ["--base-url", server.base_url, "--file-url", server.base_file_url]
        args += ["--http", http]
        started = perf_counter()
        bot = await procs.start("bench.bare_bot", args, workdir / "bot.log", cpu, BOT_ENV)
        try:
            startup = await _ready(server, bot, started, options.startup_timeout)
            ready_rss, ready_peak = bot.memory()
            solo, _ = await drive_bare(
                server, users[:1], options.solo * DECISIONS_PER_ITEM, wait=options.wait,
                at_once=False,
            )  # fmt: skip
            await server.quiet(_QUIET_S, options.wait)
            calls, cpu0, usage = Counter(server.calls), bot.cpu(), _Usage()
            found, wall = await drive_bare(
                server, users[: options.items], DECISIONS_PER_ITEM, wait=options.wait,
                at_once=True,
            )  # fmt: skip
            driver_busy = usage.busy()
            await server.quiet(_QUIET_S, options.wait)
            cpu_s = bot.cpu() - cpu0
            _, peak = bot.memory()
        finally:
            await bot.stop()
    return Measurement(
        name=f"bare python-telegram-bot bot, {_TRANSPORT_NAMES[http]} (answer + one message "
        "per press)",
        items=options.items,
        startup_s=startup,
        ready_rss_mb=ready_rss,
        ready_peak_mb=ready_peak,
        solo=Latency.of(solo),
        presses=Latency.of(found),
        everything=Latency.of(found),
        per_decision={},
        decisions=len(found),
        wall_s=wall,
        cpu_s=cpu_s,
        peak_rss_mb=peak,
        driver_busy=driver_busy,
        calls=dict(Counter(server.calls) - calls),
    )


async def _ours(
    name: str, options: Options, workdir: Path, cpu: int | None, *, seeded: bool = False
) -> Measurement:
    office = Office.of(options.members or options.items)
    database_url = f"sqlite+aiosqlite:///{workdir / 'jdih.db'}"
    async with BenchServer() as server:
        office.enrol(server)
        config_path = office.write_config(
            server, database_url, workdir, "config.json", options.http
        )
        counts: dict[str, int] = {}
        if seeded:
            data = office.config_data(server, database_url, workdir, options.http)
            config = parse_config(data, base_dir=workdir, environ=BOT_ENV)
            made = await seed(
                database_url, config, MONDAY_MORNING, options.open_items, options.history
            )
            counts = {
                "open items": made.open_items,
                "published items": made.published_items,
                "events": made.events,
                "rows in all": made.total_rows(),
            }
        args = ["--config", str(config_path)]
        sql_counts = workdir / "sql-counts.json"
        if options.profile:
            args += ["--count-sql", str(sql_counts)]
        started = perf_counter()
        bot = await procs.start("bench.run_bot", args, workdir / "bot.log", cpu, BOT_ENV)
        try:
            startup = await _ready(server, bot, started, options.startup_timeout)
            ready_rss, ready_peak = bot.memory()
            solo, _ = await drive_items(
                server, office, options.solo, first=0, wait=options.wait, at_once=False
            )
            await server.quiet(_QUIET_S, options.wait)
            sql_before = await _sql_counts(bot, sql_counts, options.profile)
            async with _profiled(bot.pid, workdir, options.profile) as profile:
                calls, cpu0, usage = Counter(server.calls), bot.cpu(), _Usage()
                found, wall = await drive_items(
                    server, office, options.items, first=options.solo, wait=options.wait,
                    at_once=True,
                )  # fmt: skip
                driver_busy = usage.busy()
            await server.quiet(_QUIET_S, options.wait)
            cpu_s = bot.cpu() - cpu0
            _, peak = bot.memory()
            bot.check_alive()
            sql = await _sql_counts(bot, sql_counts, options.profile) - sql_before
        finally:
            await bot.stop()
    presses = [d for d in found if d.trigger == "press"]
    return Measurement(
        name=name,
        items=options.items,
        startup_s=startup,
        ready_rss_mb=ready_rss,
        ready_peak_mb=ready_peak,
        solo=Latency.of([d for d in solo if d.trigger == "press"]),
        presses=Latency.of(presses),
        everything=Latency.of(found),
        per_decision=_by_name(found),
        solo_per_decision=_by_name(solo),
        decisions=len(found),
        wall_s=wall,
        cpu_s=cpu_s,
        peak_rss_mb=peak,
        driver_busy=driver_busy,
        calls=dict(Counter(server.calls) - calls),
        seeded=counts,
        profile=_sql_lines(sql, options.items, len(found)) + profile,
    )


@contextlib.asynccontextmanager
async def _profiled(pid: int, workdir: Path, enabled: bool) -> AsyncIterator[list[str]]:
    """Summary lines of a py-spy profile of the block (filled in when it ends)."""
    lines: list[str] = []
    if not enabled:
        yield lines
        return
    recorder = Recorder(pid, workdir / _PROFILE)
    async with recorder:
        yield lines
    lines += summarise(workdir / _PROFILE, recorder.threads).lines()


async def _sql_counts(bot: procs.Measured, path: Path, enabled: bool) -> Counter[str]:
    """The bot's SQL statements and transactions so far (run_bot --count-sql)."""
    if not enabled:
        return Counter()
    await asyncio.to_thread(path.unlink, missing_ok=True)
    bot.process.send_signal(signal.SIGUSR1)
    for _ in range(100):
        await asyncio.sleep(0.05)
        if written := await asyncio.to_thread(_read, path):
            return Counter(json.loads(written))
    raise RuntimeError("the bot did not write its SQL counts")


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def _sql_lines(sql: Counter[str], items: int, decisions: int) -> list[str]:
    if not sql:
        return []
    lines = [
        f"  SQL: {sql['statements'] / items:.0f} statements and {sql['transactions'] / items:.0f} "
        f"transactions per item ({sql['statements'] / decisions:.0f} and "
        f"{sql['transactions'] / decisions:.1f} per decision); the most frequent, per item:"
    ]
    statements = Counter({k[5:]: v for k, v in sql.items() if k.startswith("sql: ")})
    lines += [f"    {n / items:5.1f}  {text[:110]}" for text, n in statements.most_common(15)]
    return lines


def _by_name(decisions: list[Decision]) -> dict[str, Latency]:
    names = list(dict.fromkeys(d.name for d in decisions))
    return {name: Latency.of([d for d in decisions if d.name == name]) for name in names}
