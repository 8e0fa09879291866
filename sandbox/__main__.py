"""python -m sandbox: try the bot without Telegram, in a browser. See docs/sandbox.md."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.logs import setup_logging
from sandbox import office
from sandbox.launch import running
from sandbox.runtime import Options

DEFAULT_PORT = 8080


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description="The real bot against a local fake Telegram, with a web chat on "
        "127.0.0.1. Every start is a fresh demo office.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="the page's port")
    parser.add_argument(
        "--api-port", type=int, default=0, help="the local Bot API server's port (0: any free)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path("sandbox-data"),
        help="database, stored files and archive (wiped at start)",
    )
    parser.add_argument(
        "--start", help="the sandbox clock's start in office time, 'YYYY-MM-DD HH:MM'"
    )
    parser.add_argument("--verbose", action="store_true", help="log the bot's work at INFO")
    return parser.parse_args(argv)


async def serve_until_stopped(options: Options, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    async with running(options, port) as live:
        print(f"Sandbox JDIH siap / ready: {live.url}  (Ctrl+C to stop)", flush=True)
        print(f"Sandbox clock: {live.sandbox.clock_json()['label']}", flush=True)
        await stop.wait()
    print("Sandbox stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_logging(office.TOKEN, logging.INFO if args.verbose else logging.WARNING)
    zone = ZoneInfo(office.TIMEZONE)
    try:
        start = office.parse_start(args.start, zone) if args.start else None
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    options = Options(data_dir=args.data_dir, api_port=args.api_port, start=start)
    try:
        asyncio.run(serve_until_stopped(options, args.port))
    except OSError as error:  # most often: the port is taken
        print(f"Cannot start the sandbox: {error}. Try --port.", file=sys.stderr)
        return 1
    except RuntimeError as error:
        print(f"Cannot start the sandbox: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
