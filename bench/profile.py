"""Where the bot's CPU goes during the concurrent run, two ways.

* CPU seconds per thread, exact, from /proc/<pid>/task, with each thread named by what it
  runs (py-spy's dump at the end): the event loop, SQLite (aiosqlite runs each connection in
  a thread of its own), the to_thread pool (Pillow, hashing), anyio's file writes.
* Python stacks sampled by py-spy from outside the process, only while a thread holds the
  GIL (``--gil``): waiting, and C code that lets go of the GIL (SQLite's own work, Pillow's
  decoding), does not show there, which is what the thread table is for. The raw "collapsed
  stacks" file is kept.

py-spy is not a dependency of the project; install it into the venv to profile
(``.venv/bin/pip install py-spy``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_RATE = 200  # samples a second
_TICK = os.sysconf("SC_CLK_TCK")
_OURS = ("bot/", "handlers/", "storage/")


def available() -> str | None:
    """The py-spy executable, next to this Python or on PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Recorder:
    def __init__(self, pid: int, output: Path) -> None:
        self.pid = pid
        self.output = output
        self._process: asyncio.subprocess.Process | None = None
        self._cpu_before: dict[int, float] = {}
        self.threads: list[tuple[str, float]] = []  # (kind of thread, CPU seconds in the run)

    async def __aenter__(self) -> Recorder:
        executable = available()
        if executable is None:
            raise RuntimeError("--profile needs py-spy: .venv/bin/pip install py-spy")
        self._process = await asyncio.create_subprocess_exec(
            executable, "record", "--pid", str(self.pid), "--format", "raw",
            "--rate", str(_RATE), "--gil", "--nonblocking", "--output", str(self.output),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        await asyncio.sleep(0.5)  # attached before the run starts
        self._cpu_before = thread_cpu(self.pid)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._process is not None
        after = thread_cpu(self.pid)
        kinds = await thread_kinds(self.pid)
        with contextlib.suppress(ProcessLookupError):
            self._process.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        await self._process.wait()
        spent: Counter[str] = Counter()
        for tid, seconds in after.items():
            spent[kinds.get(tid, "(threads that ended)")] += seconds - self._cpu_before.get(tid, 0)
        self.threads = spent.most_common()


def thread_cpu(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of each live thread of the process."""
    found: dict[int, float] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            found[int(task.name)] = (int(fields[11]) + int(fields[12])) / _TICK
    return found


async def thread_kinds(pid: int) -> dict[int, str]:
    """Thread id -> what it runs, from py-spy's dump of every thread's stack."""
    executable = available()
    assert executable is not None
    dump = await asyncio.create_subprocess_exec(
        executable, "dump", "--pid", str(pid), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    out, _ = await dump.communicate()
    kinds: dict[int, str] = {}
    tid, name, stack = 0, "", ""
    for line in [*out.decode(errors="replace").splitlines(), "Thread 0 (end): "]:
        if line.startswith("Thread "):
            if tid:
                kinds[tid] = _kind(name, stack)
            head = line.split()
            tid = int(head[1], 0)
            name, stack = line.partition(": ")[2].strip('"'), ""
        else:
            stack += line
    return kinds


def _kind(name: str, stack: str) -> str:
    if name == "MainThread":
        return "event loop (handlers, PTB, SQLAlchemy, HTTP)"
    if "aiosqlite" in stack:
        return "SQLite (aiosqlite connection threads)"
    if name.startswith("asyncio_"):
        return "asyncio.to_thread pool (Pillow, hashing, file reads)"
    if name.startswith("AnyIO"):
        return "anyio worker threads (file writes)"
    return f"other ({name or 'unnamed'})"


@dataclass(frozen=True)
class Summary:
    samples: int
    by_library: list[tuple[str, float]]  # share of samples by the innermost frame's library
    ours: list[tuple[str, float]]  # share of samples with the function on the stack
    leaves: list[tuple[str, float]]  # the busiest innermost functions
    owners: list[tuple[str, float]]  # by the innermost of the bot's functions on the stack

    threads: list[tuple[str, float]]  # CPU seconds by kind of thread

    def lines(self, top: int = 12) -> list[str]:
        total = sum(seconds for _, seconds in self.threads) or 1.0
        lines = ["  CPU by thread during the run:"]
        lines += [
            f"    {seconds:7.2f} s {seconds / total:6.1%}  {kind}" for kind, seconds in self.threads
        ]
        lines.append(f"  Python with the GIL: {self.samples} samples (py-spy --gil, {_RATE}/s)")
        lines.append("  self time by library: " + ", ".join(
            f"{name} {share:.0%}" for name, share in self.by_library[:top]
        ))  # fmt: skip
        lines.append("  by the innermost function of the bot on the stack (its own work and the")
        lines.append("  library calls it makes; database work runs in aiosqlite's thread):")
        lines += [f"    {share:6.1%}  {name}" for name, share in self.owners[:top]]
        lines.append("  inclusive time, the bot's own functions:")
        lines += [f"    {share:6.1%}  {name}" for name, share in self.ours[:top]]
        lines.append("  busiest innermost functions:")
        lines += [f"    {share:6.1%}  {name}" for name, share in self.leaves[:top]]
        return lines


def _library(frame: str) -> str:
    """'execute (sqlalchemy/engine/base.py:1419)' -> 'sqlalchemy'."""
    path = frame.rsplit("(", 1)[-1].rstrip(")")
    head = path.split("/", 1)[0].split(".py", 1)[0]
    return head or "?"


def _function(frame: str) -> str:
    """'execute (sqlalchemy/engine/base.py:1419)' -> 'sqlalchemy/engine/base.py:execute'."""
    name, _, where = frame.rpartition(" (")
    return f"{where.rstrip(')').rsplit(':', 1)[0]}:{name}"


def summarise(raw: Path, threads: list[tuple[str, float]]) -> Summary:
    libraries: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    owners: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        libraries[_library(frames[-1])] += count
        leaves[_function(frames[-1])] += count
        functions = [_function(f) for f in frames]
        for function in set(functions):
            if function.startswith(_OURS):
                ours[function] += count
        owners[_owner(functions)] += count
    share = max(total, 1)
    return Summary(
        total,
        [(name, n / share) for name, n in libraries.most_common()],
        [(name, n / share) for name, n in ours.most_common()],
        [(name, n / share) for name, n in leaves.most_common()],
        [(name, n / share) for name, n in owners.most_common()],
        threads,
    )


def _owner(functions: list[str]) -> str:
    """The innermost bot function on the stack, or what kind of stack it is without one."""
    for function in reversed(functions):
        if function.startswith(_OURS) and not function.startswith("bot/delivery/processor.py"):
            return function
    if any("aiosqlite" in f for f in functions):
        return "(aiosqlite: handing queries to and from its thread)"
    if any(f.startswith("sqlalchemy/") for f in functions):
        # SQLAlchemy's async layer runs the ORM in greenlets: their stacks do not show the
        # coroutine (and so the bot function) that started them
        return "(SQLAlchemy ORM and SQL compilation, caller not visible)"
    if any(f.startswith("telegram/") for f in functions):
        return "(python-telegram-bot: polling, HTTP, update dispatch)"
    return "(event loop and other threads)"
