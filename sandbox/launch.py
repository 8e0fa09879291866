"""Start and stop the whole sandbox (bot, fake Telegram, web page) as one unit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sandbox.runtime import Options, Sandbox
from sandbox.web import bound_port, serve


@dataclass(frozen=True, slots=True)
class Running:
    sandbox: Sandbox
    url: str  # the page, http://127.0.0.1:PORT/


@asynccontextmanager
async def running(options: Options, port: int) -> AsyncIterator[Running]:
    """The sandbox with its page on 127.0.0.1:``port`` (0: a free port)."""
    sandbox = Sandbox(options)
    # The port first: a start that cannot have its port must not touch anything else.
    runner = await serve(sandbox, port)
    try:
        await sandbox.start()
        yield Running(sandbox, f"http://127.0.0.1:{bound_port(runner)}/")
    finally:
        sandbox.closing = True
        sandbox.updated.fire()  # lets open event streams end before the server stops
        await runner.cleanup()
        await sandbox.stop()
