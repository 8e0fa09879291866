"""Migration 0014_previews: the design versions reviewed before it keep everything and have no
preview recorded (their preview is drawn once more, then kept); going back drops only the id."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Connection, insert, inspect, select, text

from storage.database import create_engine
from storage.migrate import alembic_config, upgrade_to_head
from storage.models import DesignVersion, Item

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _up_to_0013(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "0013_laporan")


def _down_to_0013(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "0013_laporan")


async def test_versions_reviewed_before_have_no_preview_and_going_back_keeps_them(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    item = {
        "id": 1, "code": "JDIH-2026-0001", "title": "PKPU", "status": "active",
        "step_key": "periksa", "version": 1, "rev": 0, "created_by": 101, "created_at": AT,
    }  # fmt: skip
    version = {
        "item_id": 1, "version": 1, "caption": "Caption", "submitted_by": 103, "submitted_at": AT,
    }  # fmt: skip
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_up_to_0013)
            await connection.execute(insert(Item), [item])
            await connection.execute(insert(DesignVersion), [version])
        await upgrade_to_head(engine)
        async with engine.connect() as connection:
            row = (await connection.execute(select(DesignVersion))).one()
        assert (row.caption, row.submitted_by, row.preview_file_id) == ("Caption", 103, None)

        async with engine.begin() as connection:
            await connection.execute(
                DesignVersion.__table__.update().values(preview_file_id="AgAC")
            )
            await connection.run_sync(_down_to_0013)
        async with engine.connect() as connection:
            columns = await connection.run_sync(
                lambda sync: [c["name"] for c in inspect(sync).get_columns("design_versions")]
            )
            kept = (await connection.execute(text("SELECT caption FROM design_versions"))).all()
    finally:
        await engine.dispose()
    assert "preview_file_id" not in columns
    assert kept == [("Caption",)]
