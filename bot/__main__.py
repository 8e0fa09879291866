"""`python -m bot [--config PATH]`: run the bot (long polling)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from telegram import Update

from bot.app import build_application
from bot.config import ConfigError, load_config
from bot.logs import setup_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--config", type=Path, default=Path("config.toml"))
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"Konfigurasi salah / configuration error: {exc}", file=sys.stderr)
        return 2
    setup_logging(config.telegram.token)
    logging.getLogger(__name__).info("starting with %s", args.config)
    application = build_application(config)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
