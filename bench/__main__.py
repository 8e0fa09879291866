"""``python -m bench``: run the benchmark and print the figures (see docs/performance.md)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bot.config.telegram import HTTP_TRANSPORTS

from .report import render
from .run import Options, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="How fast the bot moves items through the SOP, beside a bare "
        "python-telegram-bot bot, on an empty and on a large database.",
    )
    parser.add_argument("--items", type=int, default=200, help="items driven at once (200)")
    parser.add_argument("--solo", type=int, default=10, help="items walked one by one first (10)")
    parser.add_argument(
        "--members", type=int, default=0, help="members per role (default: one per item)"
    )
    parser.add_argument(
        "--open-items", type=int, default=10_000, help="open items in the large database"
    )
    parser.add_argument(
        "--history", type=int, default=100_000, help="history events in the large database"
    )
    parser.add_argument("--no-scale", action="store_true", help="skip the large database")
    parser.add_argument("--wait", type=float, default=300.0, help="seconds per expected message")
    parser.add_argument(
        "--profile", action="store_true", help="sample the bot with py-spy (must be installed)"
    )
    parser.add_argument(
        "--http",
        choices=HTTP_TRANSPORTS,
        default=HTTP_TRANSPORTS[0],
        help=f"the bot's transport, [telegram] http ({HTTP_TRANSPORTS[0]}); the bare bot runs "
        "stock (httpx) and on this one",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--keep", type=Path, help="keep databases and bot logs in this folder")
    args = parser.parse_args(argv)
    options = Options(
        items=args.items,
        solo=args.solo,
        members=args.members,
        open_items=args.open_items,
        history=args.history,
        scale=not args.no_scale,
        wait=args.wait,
        keep=args.keep,
        profile=args.profile,
        http=args.http,
    )
    results = asyncio.run(run(options))
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results.as_dict(), indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
