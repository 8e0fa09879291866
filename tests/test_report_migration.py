"""Migration 0011_report: a step under way at the upgrade keeps the limit its item recorded
when it began (the visit is copied, without an SOP identity, which was never recorded)."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Connection, insert, select

from storage.database import create_engine
from storage.migrate import alembic_config, upgrade_to_head
from storage.models import Item, StepVisitRecord

STARTED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)


async def test_steps_under_way_are_copied_with_their_recorded_limit(database_url: str) -> None:
    engine = create_engine(database_url)

    def to_0007(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")

    base = {"title": "PKPU", "version": 0, "rev": 0, "created_by": 101, "created_at": STARTED}
    items = [
        base | {"id": 1, "code": "JDIH-2026-0001", "status": "active", "step_key": "desain",
                "step_started_at": STARTED, "step_limit": "45m", "step_due_at": DUE},
        base | {"id": 2, "code": "JDIH-2026-0002", "status": "published", "closed_at": STARTED},
        base | {"id": 3, "code": "JDIH-2026-0003", "status": "draft"},
    ]  # fmt: skip
    try:
        async with engine.begin() as connection:
            await connection.run_sync(to_0007)
            for row in items:  # rows of different columns: one insert each
                await connection.execute(insert(Item), [row])
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            rows = (await connection.execute(select(StepVisitRecord))).all()
    finally:
        await engine.dispose()
    assert [(r.item_id, r.step_key, r.step_limit, r.ended_at, r.sop_version) for r in rows] == [
        (1, "desain", "45m", None, None)
    ]
    assert rows[0].started_at.replace(tzinfo=UTC) == STARTED
