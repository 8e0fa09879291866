"""The real bot as a process of its own (`python -m bot --config X run`), polling the local Bot
API server that runs in the test's event loop: for tests that kill it with SIGKILL or stop it
with SIGTERM, then start it again on the same database.

The process uses the system clock (there is no ManualClock across a process boundary), so
these tests must not wait for SOP time limits to pass. It talks only to 127.0.0.1: the
server's URLs and, for PostgreSQL, the test database's.
"""

# Waits take ``timeout=`` like the server's own waits (localbotapi/observe.py).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from bot.config import TOKEN_ENV, Config, load_config
from bot.domain.clock import ManualClock
from localbotapi import LocalBotApi
from tests.harness import MONDAY_MORNING, TOKEN, Harness, config_data

REPO = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 30.0  # imports, migrations, getMe: a few seconds on a busy machine
STOP_TIMEOUT_S = 15.0
_TAIL = 40  # stderr lines shown when something fails


class BotProcess:
    """One bot configuration, started, killed and started again as often as a test likes;
    every run appends to the same stderr log."""

    def __init__(
        self, server: LocalBotApi, database_url: str, folder: Path, **config_extra: Any
    ) -> None:
        self.server = server
        folder.mkdir(parents=True, exist_ok=True)
        self.config_path = folder / "config.toml"
        self.stderr_path = folder / "bot-stderr.log"
        data = config_data(server, database_url)
        data["storage"] = {"files_dir": "files", "archive_dir": "arsip"}
        # The digest goes out at the real office opening: noise in counts of messages.
        data["reminders"] = {"digest": False}
        data.update(config_extra)
        self.config_path.write_text(to_toml(data), encoding="utf-8")
        self.config: Config = load_config(self.config_path, environ={TOKEN_ENV: TOKEN})
        # The members' side for tests.flows: say, press and mark use only the server. Its
        # ManualClock drives nothing: this bot runs on the system clock.
        self.harness = Harness(server, self.config, ManualClock(MONDAY_MORNING))
        self._process: asyncio.subprocess.Process | None = None
        self.runs = 0

    @property
    def pid(self) -> int:
        return self._require_running().pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> None:
        """Start the bot and wait until it polls (or sets its webhook): its services run
        before that."""
        assert not self.running, "the bot is already running"
        self.runs += 1
        polls = self._listening()
        with self.stderr_path.open("a", encoding="utf-8") as log:
            log.write(f"--- run {self.runs} ---\n")
            log.flush()
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "--config",
                str(self.config_path),
                "run",
                cwd=REPO,
                env={**os.environ, TOKEN_ENV: TOKEN},
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        await self.until(lambda: self._listening() > polls, "its first poll", READY_TIMEOUT_S)

    async def start_expecting_exit(self, timeout: float = READY_TIMEOUT_S) -> int:
        """Start the bot for a run that must end by itself (a refused start); its exit code."""
        assert not self.running, "the bot is already running"
        self.runs += 1
        with self.stderr_path.open("a", encoding="utf-8") as log:
            log.write(f"--- run {self.runs} (expected to exit) ---\n")
            log.flush()
            self._process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "--config", str(self.config_path), "run",
                cwd=REPO, env={**os.environ, TOKEN_ENV: TOKEN},
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            )  # fmt: skip
        try:
            async with asyncio.timeout(timeout):
                return await self._process.wait()
        except TimeoutError:
            raise AssertionError(
                f"the bot did not exit within {timeout}s\n{self.describe()}"
            ) from None

    def _listening(self) -> int:
        return len(self.server.calls("getUpdates")) + len(self.server.calls("setWebhook"))

    async def kill(self) -> None:
        """SIGKILL: the process dies where it stands, nothing is cleaned up."""
        process = self._require_running()
        process.send_signal(signal.SIGKILL)
        await process.wait()

    async def terminate(self) -> int:
        """SIGTERM, then the exit code once the process has stopped by itself."""
        process = self._require_running()
        process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(STOP_TIMEOUT_S):
                return await process.wait()
        except TimeoutError:
            raise AssertionError(
                f"the bot did not stop within {STOP_TIMEOUT_S}s of SIGTERM\n{self.describe()}"
            ) from None

    async def close(self) -> None:
        """End of test: whatever state it is in, the process does not outlive the test."""
        if self.running:
            await self.kill()

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8") if self.stderr_path.exists() else ""

    def describe(self) -> str:
        lines = self.stderr().splitlines()[-_TAIL:]
        state = "running" if self.running else f"exited ({self._exit_text()})"
        return f"bot process {state}; last {len(lines)} stderr lines:\n" + "\n".join(lines)

    def _exit_text(self) -> str:
        return "never started" if self._process is None else str(self._process.returncode)

    def _require_running(self) -> asyncio.subprocess.Process:
        if self._process is None or self._process.returncode is not None:
            raise AssertionError(f"the bot is not running\n{self.describe()}")
        return self._process

    async def until(
        self, condition: Callable[[], object], what: str, timeout: float = 10.0
    ) -> None:
        """Wait on the server's activity until `condition()` holds; fail early, with the
        bot's stderr, if the process exits meanwhile."""
        process = self._require_running()
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            if process.returncode is not None:
                raise AssertionError(f"the bot exited before {what}\n{self.describe()}")
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(
                    f"the bot did not reach {what} in {timeout}s\n{self.describe()}"
                )
            # short slices: the process may die without the server hearing of it
            await self.server.state.changed.wait(min(remaining, 0.2))


def to_toml(data: Mapping[str, Any]) -> str:
    """The few TOML shapes a configuration uses: tables, arrays of tables, scalars, lists."""
    lines: list[str] = []
    _emit(data, "", lines)
    return "\n".join(lines) + "\n"


def _emit(table: Mapping[str, Any], prefix: str, lines: list[str]) -> None:
    nested: list[tuple[str, Any]] = []
    for key, value in table.items():
        if isinstance(value, Mapping) or (
            isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value)
        ):
            nested.append((key, value))
        else:
            lines.append(f"{key} = {_value(value)}")
    for key, value in nested:
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            lines += ["", f"[{name}]"]
            _emit(value, f"{name}.", lines)
        else:
            for entry in value:
                lines += ["", f"[[{name}]]"]
                _emit(entry, f"{name}.", lines)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON's string escapes are valid TOML basic strings
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")
