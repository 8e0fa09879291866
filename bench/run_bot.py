"""The bot as the benchmark runs it: ``python -m bot`` with two differences.

* No AIORateLimiter. In production it keeps the bot under Telegram's ~30 messages a second;
  here it would make the benchmark measure that limit instead of the bot's own cost.
* A clock standing still on an ordinary working morning (Monday 2026-11-23 09:00 in Pulang
  Pisau), so due times and reminders are the same whenever the benchmark runs, and no
  reminder falls due during a run.

The configuration comes as JSON (the same keys as config.toml), parsed by the bot's own
parse_config. With ``--count-sql FILE`` (used when profiling) every SQL statement and
transaction is counted, and SIGUSR1 writes the counts so far to FILE as JSON; every statement
with its parameters, and each commit and rollback, is also kept in order, and SIGUSR1 marks
the moment in it and writes it to FILE with the suffix ``.trace`` (for ``bench.sqlreplay``).
"""

from __future__ import annotations

import argparse
import json
import logging
import pickle
import signal
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.engine import Engine
from telegram import Update

from bot.app import BuildOptions, build_application
from bot.config import parse_config
from bot.domain.clock import ManualClock
from bot.logs import setup_logging

MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Pontianak"))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run_bot", description=__doc__)
    parser.add_argument("--config", type=Path, required=True, help="configuration as JSON")
    parser.add_argument("--count-sql", type=Path, help="where SIGUSR1 writes the SQL counts")
    args = parser.parse_args()
    if args.count_sql:
        _count_sql(args.count_sql)
    data = json.loads(args.config.read_text(encoding="utf-8"))
    config = parse_config(data, base_dir=args.config.parent)
    setup_logging(config.telegram.token)
    logging.getLogger(__name__).info("benchmark bot starting with %s", args.config)
    options = BuildOptions(clock=ManualClock(MONDAY_MORNING), rate_limit=False)
    application = build_application(config, options)
    application.run_polling(allowed_updates=Update.ALL_TYPES)


def _count_sql(path: Path) -> None:
    counts: Counter[str] = Counter()
    # (connection, SQL, parameters, executemany), (connection, "COMMIT" or "ROLLBACK"), ("MARK",)
    trace: list[tuple[Any, ...]] = []

    def statement(
        conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, many: bool
    ) -> None:
        counts["statements"] += 1
        counts["sql: " + " ".join(sql.split())[:150]] += 1
        trace.append((_connection_id(conn), sql, parameters, many))

    def ended(conn: Any, how: str) -> None:
        counts["transactions"] += 1
        trace.append((_connection_id(conn), how))

    def written(*_: Any) -> None:
        trace.append(("MARK",))
        path.with_suffix(".trace").write_bytes(pickle.dumps(trace))
        path.write_text(json.dumps(counts))

    # On the Engine class: every engine the bot creates later is counted.
    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "commit", lambda conn: ended(conn, "COMMIT"))
    event.listen(Engine, "rollback", lambda conn: ended(conn, "ROLLBACK"))
    signal.signal(signal.SIGUSR1, written)


def _connection_id(conn: Any) -> int:
    """The database connection (the pool's, not SQLAlchemy's wrapper of the moment)."""
    return id(conn.connection.dbapi_connection)


if __name__ == "__main__":
    main()
