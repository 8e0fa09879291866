"""A fresh database per test: a SQLite file by default, a new PostgreSQL database when the
CI asks for PostgreSQL (JDIH_TEST_POSTGRES_URL names the server's admin database)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.database import create_engine

PG_ENV = "JDIH_TEST_POSTGRES_URL"  # e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
ON_POSTGRES = bool(os.environ.get(PG_ENV))


@asynccontextmanager
async def fresh_database(tmp_path: Path) -> AsyncIterator[str]:
    """A SQLite file by default; a new PostgreSQL database when the CI asks for PostgreSQL."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        yield f"sqlite+aiosqlite:///{tmp_path / 'jdih.db'}"
        return
    name = f"jdih_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
