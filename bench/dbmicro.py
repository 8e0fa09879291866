"""``python -m bench.dbmicro``: CPU µs per unit of work through the bot's own engine, unit of
work and repository, with aiosqlite's thread per connection (`threads`) and with statements run
on the loop (`inline`, storage/sqlite_inline.py). Pinned to one CPU, as the bot runs; a quiet
machine gives stable figures. Each operation: a unit of work with one SELECT by id, with three
SELECTs, and a write (DELETE + INSERT + commit), one at a time and 16 at once."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.models import Item, PendingInput
from storage.uow import SessionFactory, UnitOfWork

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
USERS = 16


async def read_one(factory: SessionFactory, n: int) -> None:
    async with UnitOfWork(factory, read_only=True) as uow:
        await uow.repo.item(1)


async def read_three(factory: SessionFactory, n: int) -> None:
    async with UnitOfWork(factory, read_only=True) as uow:
        await uow.repo.item(1)
        await uow.repo.materials(1)
        await uow.repo.events(1)


async def write(factory: SessionFactory, n: int) -> None:
    async with UnitOfWork(factory) as uow:
        row = PendingInput(user_id=n % USERS + 1, kind="notes", item_id=1, asked_at=NOW)
        await uow.repo.set_pending_input(row)
        await uow.commit()


OPERATIONS: dict[str, Callable[[SessionFactory, int], Awaitable[None]]] = {
    "UoW 1 SELECT by id": read_one,
    "UoW 3 SELECTs": read_three,
    "UoW DELETE+INSERT+commit": write,
}


async def measure(
    factory: SessionFactory,
    operation: Callable[[SessionFactory, int], Awaitable[None]],
    ops: int,
    concurrent: int,
) -> float:
    """CPU µs per operation (process time: every thread, aiosqlite's included)."""
    for n in range(50):  # warm: statements compiled, connections open
        await operation(factory, n)
    started = time.process_time()
    if concurrent == 1:
        for n in range(ops):
            await operation(factory, n)
    else:

        async def worker(first: int) -> None:
            for n in range(first, ops, concurrent):
                await operation(factory, n)

        await asyncio.gather(*(worker(first) for first in range(concurrent)))
    return (time.process_time() - started) / ops * 1e6


async def run_driver(folder: Path, inline: bool, ops: int, pool_size: int | None) -> list[float]:
    name = f"{'inline' if inline else 'threads'}-{pool_size}.db"
    extra = {} if pool_size is None else {"pool_size": pool_size, "max_overflow": 0}
    engine = create_engine(f"sqlite+aiosqlite:///{folder / name}", inline=inline, **extra)
    try:
        await upgrade_to_head(engine)
        factory = session_factory(engine)
        async with UnitOfWork(factory) as uow:
            uow.repo.add(
                Item(code="B-1", title="bench", status="active", created_by=1, created_at=NOW)
            )
            await uow.commit()
        return [
            await measure(factory, operation, ops, concurrent)
            for operation in OPERATIONS.values()
            for concurrent in (1, 16)
        ]
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dbmicro", description=__doc__)
    parser.add_argument("--ops", type=int, default=2000, help="operations per figure (2000)")
    parser.add_argument("--cpu", type=int, default=1, help="the CPU to pin to (1)")
    parser.add_argument(
        "--pool", type=int, action="append", help="inline: also with this pool size (repeatable)"
    )
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        cpu = args.cpu if args.cpu in os.sched_getaffinity(0) else min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})  # aiosqlite's threads start later: they inherit it
    drivers: list[tuple[str, bool, int | None]] = [("threads (aiosqlite)", False, None)]
    drivers.append(("inline (default pool)", True, None))
    drivers += [(f"inline, pool {size}", True, size) for size in args.pool or []]
    columns = [
        f"{name}, {'1 at a time' if c == 1 else '16 at once'}"
        for name in OPERATIONS
        for c in (1, 16)
    ]
    print(f"CPU µs per operation, {args.ops} operations each")
    with tempfile.TemporaryDirectory(prefix="dbmicro-") as folder:
        results = {
            label: asyncio.run(run_driver(Path(folder), inline, args.ops, pool))
            for label, inline, pool in drivers
        }
    width = max(len(label) for label in results)
    for index, column in enumerate(columns):
        print(f"\n{column}")
        for label, figures in results.items():
            print(f"  {label:<{width}}  {figures[index]:8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
