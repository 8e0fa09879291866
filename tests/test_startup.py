"""`python -m bot` that cannot start (Telegram refuses the token, or the Bot API address is
wrong) stops with a clear message and a non-zero exit code, and never prints the token."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import TOKEN_ENV
from localbotapi import LocalBotApi
from tests.botprocess import REPO, to_toml
from tests.harness import TOKEN, config_data

# Imports, migrations and one refused getMe: seconds, even on a busy machine.
EXIT_TIMEOUT_S = 60.0
REVOKED = "123456:REVOKED-token-zyxwvutsrqponmlkjihgfedcba"
SECRET = "rahasia-KPU_2026"


@dataclass(frozen=True, slots=True)
class Finished:
    code: int
    output: str  # stdout and stderr, as the operator sees them in the terminal or journal


def _write_config(folder: Path, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.toml"
    config.write_text(to_toml(data), encoding="utf-8")
    return config


async def run_bot(folder: Path, token: str, data: dict[str, Any]) -> Finished:
    """Run `python -m bot run` until it exits by itself (a start that fails must not hang)."""
    config = _write_config(folder, data)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "run",
        cwd=REPO,
        env={**os.environ, TOKEN_ENV: token},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with asyncio.timeout(EXIT_TIMEOUT_S):
            output, _ = await process.communicate()
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
        raise AssertionError(f"the bot did not stop by itself:\n{output.decode()}") from None
    assert process.returncode is not None
    return Finished(process.returncode, output.decode("utf-8", "replace"))


def _webhook() -> dict[str, Any]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    return {
        "url": f"http://127.0.0.1:{port}/jdih-hook",
        "listen": "127.0.0.1",
        "port": port,
        "secret_token": SECRET,
    }


def _assert_refused_cleanly(finished: Finished, token: str) -> None:
    assert finished.code == 1, finished.output
    # The last word is the clear one: what was refused and which two settings to check.
    last = finished.output.strip().splitlines()[-1]
    assert "Telegram menolak token bot" in last, finished.output
    assert "JDIH_BOT_TOKEN" in last and "telegram.api_base_url" in last
    # Neither the token nor its secret half, anywhere.
    assert token not in finished.output
    assert token.partition(":")[2] not in finished.output


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_revoked_token_stops_start_up_with_a_clear_message_and_no_token(
    server: LocalBotApi, database_url: str, tmp_path: Path, mode: str
) -> None:
    extra = {"webhook": _webhook()} if mode == "webhook" else {}
    finished = await run_bot(tmp_path / "bot", REVOKED, config_data(server, database_url, **extra))
    _assert_refused_cleanly(finished, REVOKED)
    assert not server.calls("setWebhook")  # nothing was registered with a refused token


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_wrong_api_base_url_path_stops_start_up_without_printing_the_token(
    server: LocalBotApi, database_url: str, tmp_path: Path, mode: str
) -> None:
    data = config_data(server, database_url)
    if mode == "webhook":
        data["webhook"] = _webhook()
    data["telegram"]["api_base_url"] = f"{server.url}/bott"  # a typo in the path
    finished = await run_bot(tmp_path / "bot", TOKEN, data)
    _assert_refused_cleanly(finished, TOKEN)


async def test_any_other_start_up_failure_is_logged_without_the_token(
    server: LocalBotApi, tmp_path: Path
) -> None:
    """A database that cannot be reached: the traceback helps the admin, redacted."""
    url = "postgresql+asyncpg://nobody:wrong@127.0.0.1:1/none"
    finished = await run_bot(tmp_path / "bot", TOKEN, config_data(server, url))
    assert finished.code == 1, finished.output
    assert "Bot berhenti karena kesalahan" in finished.output, finished.output
    assert TOKEN not in finished.output
    assert TOKEN.partition(":")[2] not in finished.output
