"""`python -m bot [--config PATH] [check | laporan --period 2026-S2 --out FILE.xlsx |
backup | restore FILE | verify FILE]`: run the bot (long polling, or a webhook when [webhook]
gives a url), check that the configuration, the database and Telegram are ready, or write the
SOP monitoring report of a period. `backup` writes a dated archive of the database, the stored
files and the digital archive into backup.dir; `restore FILE` brings one back into an empty data
directory; `verify FILE` checks an archive's sums."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from telegram.error import InvalidToken

from bot.app import build_application, run_until_stopped
from bot.config import TOKEN_ENV, Config, ConfigError, load_config
from bot.instance import EXIT_ANOTHER_INSTANCE, AnotherInstance
from bot.logs import setup_logging

log = logging.getLogger("bot")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--config", type=Path, default=Path("config.toml"))
    parser.add_argument(
        "command",
        nargs="?",
        choices=["run", "check", "laporan", "backup", "restore", "verify"],
        default="run",
    )
    parser.add_argument("file", nargs="?", type=Path, help="the archive (restore, verify)")
    report = parser.add_argument_group("laporan (the SOP monitoring report)")
    report.add_argument(
        "--period",
        default="",
        help='2026-S2, 2026-11, 2026-Q4, 2026 or "1/7/2026 - 15/8/2026" (default: this semester)',
    )
    report.add_argument("--out", type=Path, help="the workbook to write (.xlsx)")
    report.add_argument("--csv", type=Path, help="the CSV of events (default: beside --out)")
    report.add_argument("--no-csv", action="store_true", help="write the workbook only")
    args = parser.parse_args(argv)
    if args.command == "laporan" and args.out is None:
        parser.error("laporan needs --out FILE.xlsx")
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"Konfigurasi salah / configuration error: {exc}", file=sys.stderr)
        return 2
    setup_logging(config.telegram.token, fmt=config.logging.format)
    # Each command's own modules are imported when it is given, so the running bot does not
    # hold them (the report's XlsxWriter among them).
    if args.command == "check":
        from bot.check import run_check

        return 0 if asyncio.run(run_check(config)) else 1
    if args.command == "laporan":
        from bot.laporan import csv_beside, run_report

        csv_out = None if args.no_csv else (args.csv or csv_beside(args.out))
        return asyncio.run(run_report(config, args.period, args.out, csv_out))
    if args.command in ("backup", "restore", "verify"):
        from bot.backup.cli import backup_command, restore_command, verify_command

        if args.command == "backup":
            return backup_command(config)
        if args.command == "restore":
            return restore_command(config, args.file)
        return verify_command(args.file)
    log.info("starting with %s", args.config)
    return _run(config)


def _run(config: Config) -> int:
    """Run until stopped. Whatever ends the run early is told through the logger, which
    redacts the token (PTB's own message for a refused token quotes it whole); never a bare
    traceback on stderr."""
    try:
        run_until_stopped(build_application(config), config)
    except InvalidToken:
        # 401 for a revoked token; 404 for a malformed one or a wrong path in the base URL.
        log.critical(
            "Telegram menolak token bot / Telegram refused the bot token at %s: periksa / "
            "check %s (or telegram.token_file) dan / and telegram.api_base_url",
            config.telegram.api_base_url,
            TOKEN_ENV,
        )
        return 1
    except AnotherInstance as exc:  # a second bot on the database or the token: no traceback
        log.critical("Bot tidak dijalankan / the bot stops: %s", exc)
        return EXIT_ANOTHER_INSTANCE
    except ConfigError as exc:  # found at start against the database (an SOP step gone)
        log.critical("Konfigurasi salah / configuration error: %s", exc)
        return 2
    except Exception:  # anything else: the admin needs the traceback, redacted
        log.critical("Bot berhenti karena kesalahan / the bot stopped on an error", exc_info=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
