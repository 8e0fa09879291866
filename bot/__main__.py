"""`python -m bot [--config PATH] [check]`: run the bot (long polling, or a webhook when
[webhook] gives a url), or check that the configuration, the database and Telegram are ready."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.app import build_application, run_until_stopped
from bot.check import run_check
from bot.config import ConfigError, load_config
from bot.logs import setup_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--config", type=Path, default=Path("config.toml"))
    parser.add_argument("command", nargs="?", choices=["run", "check"], default="run")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"Konfigurasi salah / configuration error: {exc}", file=sys.stderr)
        return 2
    setup_logging(config.telegram.token)
    if args.command == "check":
        return 0 if asyncio.run(run_check(config)) else 1
    logging.getLogger(__name__).info("starting with %s", args.config)
    run_until_stopped(build_application(config), config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
