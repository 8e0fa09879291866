"""``python -m bench.sqlreplay TRACE``: what the SQL of a benchmark run costs by itself.

``python -m bench --profile --keep DIR`` keeps, beside each bot's database, the SQL that bot
sent (``sql-counts.trace``, written by ``bench.run_bot --count-sql``): every statement with
its parameters, every commit and rollback, on which connection, in order, with a mark before
and after the concurrent run. This replays it on a fresh database file, pinned to one CPU as
the bot runs: what came before the first mark (migrations, the roster, the items walked one by
one) untimed, to reach the same state; then the concurrent run, timed, twice over:

* ``sqlite3``: the statements on Python's sqlite3 connections, as a bot would run them with
  prepared statements of its own and nothing between it and SQLite;
* ``SQLAlchemy``: the same statements, as text, through the bot's own engine
  (`storage.database.create_engine`: its async engine, statements on the loop, its BEGIN): the
  cost of the engine, the connection and the transaction machinery, with no ORM and no SQL
  compilation.

The benchmark's own CPU per decision, against these, is what the ORM, the compilation and the
rest of the bot add. Parameters are replayed as SQLAlchemy handed them to the driver.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import create_engine
from storage.uow import READ_ONLY

Record = tuple[Any, ...]


def split(trace: Sequence[Record]) -> tuple[list[Record], list[Record]]:
    """Before the first mark, and between the first and the second."""
    marks = [index for index, record in enumerate(trace) if record[0] == "MARK"]
    if len(marks) < 2:
        raise SystemExit("the trace needs the marks before and after the concurrent run")
    return list(trace[: marks[0]]), list(trace[marks[0] + 1 : marks[1]])


def counts(records: Sequence[Record]) -> tuple[int, int]:
    """Statements (BEGIN included) and transactions."""
    statements = sum(1 for r in records if len(r) == 4)
    ends = sum(1 for r in records if len(r) == 2)
    return statements, ends


def serialised(records: Sequence[Record]) -> list[Record]:
    """The records with each connection's transactions whole, in the order they ended. Two
    connections' transactions interleave in the trace (a writer waited out another's lock);
    replayed as recorded, the second's write would find the first's lock held."""
    open_: dict[Any, list[Record]] = {}
    out: list[Record] = []
    for record in records:
        connection = record[0]
        if connection in open_:
            open_[connection].append(record)
            if len(record) == 2:
                out += open_.pop(connection)
        elif len(record) == 4 and record[1].split()[0].upper() == "BEGIN":
            open_[connection] = [record]
        else:
            out.append(record)
    for rest in open_.values():  # still open at the mark
        out += rest
    return out


def _open(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def _many(many: bool, parameters: Any) -> bool:
    """Run with executemany. SQLAlchemy's "insertmanyvalues" reports an executemany it turned
    into one INSERT of several rows: its parameters are one flat tuple."""
    return many and isinstance(parameters, list)


def replay_sqlite3(path: Path, records: Sequence[Record]) -> None:
    connections: dict[int, sqlite3.Connection] = {}
    for record in records:
        connection = connections.get(record[0])
        if connection is None:
            connection = connections[record[0]] = _open(path)
        if len(record) == 2:
            if connection.in_transaction:
                connection.execute(record[1])
            continue
        _, sql, parameters, many = record
        if _many(many, parameters):
            connection.executemany(sql, parameters)
        else:
            connection.execute(sql, parameters).fetchall()
    for connection in connections.values():
        connection.close()


async def replay_sqlalchemy(path: Path, records: Sequence[Record]) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{path}", pool_size=16, max_overflow=0)
    connections: dict[int, AsyncConnection] = {}
    began: set[int] = set()  # connections inside a transaction the trace began
    try:
        for record in records:
            connection = connections.get(record[0])
            if connection is None:
                connection = connections[record[0]] = await engine.connect()
            if len(record) == 2:
                began.discard(record[0])
                if connection.in_transaction():
                    await (connection.commit() if record[1] == "COMMIT" else connection.rollback())
                continue
            _, sql, parameters, many = record
            if sql.split()[0].upper() == "BEGIN":  # the engine's own BEGIN hook emits it
                began.add(record[0])
                await connection.execution_options(**{READ_ONLY: sql.strip() == "BEGIN"})
                continue
            found = await connection.exec_driver_sql(sql, parameters)
            if not _many(many, parameters) and found.returns_rows:
                found.fetchall()
            if record[0] not in began:  # run outside a transaction: it stands alone
                await connection.commit()
    finally:
        for connection in connections.values():
            await connection.close()
        await engine.dispose()


def measure(trace: Sequence[Record], how: str) -> float:
    """CPU seconds of the timed part, replayed `how`."""
    before, timed = (serialised(part) for part in split(trace))
    with tempfile.TemporaryDirectory(prefix="sqlreplay-") as folder:
        path = Path(folder) / "replay.db"
        if how == "sqlite3":
            replay_sqlite3(path, before)
            started = time.process_time()
            replay_sqlite3(path, timed)
            return time.process_time() - started

        async def run() -> float:
            await replay_sqlalchemy(path, before)
            started = time.process_time()
            await replay_sqlalchemy(path, timed)
            return time.process_time() - started

        return asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sqlreplay", description=__doc__)
    parser.add_argument("trace", type=Path, help="a bot's sql-counts.trace")
    parser.add_argument(
        "--decisions", type=int, required=True, help="decisions in the concurrent run (9 an item)"
    )
    parser.add_argument("--cpu", type=int, default=1, help="the CPU to pin to (1)")
    parser.add_argument("--rounds", type=int, default=2, help="replays of each kind (2)")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity") and args.cpu in os.sched_getaffinity(0):
        os.sched_setaffinity(0, {args.cpu})
    trace = pickle.loads(args.trace.read_bytes())
    statements, transactions = counts(split(trace)[1])
    print(
        f"{statements / args.decisions:.1f} statements (BEGIN included) and "
        f"{transactions / args.decisions:.1f} transactions per decision"
    )
    for how in ("sqlite3", "SQLAlchemy"):
        runs = [measure(trace, how) / args.decisions * 1000 for _ in range(args.rounds)]
        figures = " / ".join(f"{ms:.2f}" for ms in runs)
        print(f"  {how:<11} {figures} ms of CPU per decision")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
