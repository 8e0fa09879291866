"""Processes under measurement: started pinned to one CPU, read through /proc (Linux)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")
_ROOT = Path(__file__).resolve().parent.parent  # the project: python -m finds bot/ there


def cpus() -> tuple[int, int | None]:
    """(the driver's CPU, the bot's CPU): two different ones when this process may use two,
    else one shared CPU (None: the bot is not pinned)."""
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) >= 2:
        return allowed[0], allowed[1]
    return allowed[0], None


def pin_self(cpu: int) -> None:
    os.sched_setaffinity(0, {cpu})


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far (all its threads)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": field 3 is fields[0]
    return (int(fields[11]) + int(fields[12])) / _TICK


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident set now, its peak so far) in MB, from /proc/<pid>/status."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB
    return values["VmRSS"], values["VmHWM"]


@dataclass
class Measured:
    """A child process (the bot or the bare bot) and its log file."""

    process: asyncio.subprocess.Process
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def memory(self) -> tuple[float, float]:
        return memory_mb(self.pid)

    async def stop(self, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """SIGINT, as run_polling expects; killed if it does not end in time."""
        if self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            async with asyncio.timeout(timeout):
                await self.process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()

    def check_alive(self) -> None:
        if self.process.returncode is not None:
            tail = self.log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{self.log.name}: exited with {self.process.returncode}\n{tail}")


async def start(
    module: str, args: list[str], log: Path, cpu: int | None, env: dict[str, str] | None = None
) -> Measured:
    """``python -m module args`` with its output in ``log``, pinned to ``cpu``."""

    def pin() -> None:
        if cpu is not None:
            os.sched_setaffinity(0, {cpu})

    out = log.open("wb")
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            *args,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=pin,
            cwd=_ROOT,
            env={**os.environ, **(env or {})},
        )
    finally:
        out.close()
    return Measured(process, log)
