"""Apply the Alembic migrations from inside a running event loop (the bot's start-up).

A database already at the newest revision (every start but the first after an upgrade) is
recognised without Alembic: Alembic, Mako and the migration scripts cost the running bot about
8 MB of memory it would keep for nothing. The newest revision is read from the scripts' own
`revision` / `down_revision` lines; anything unexpected there (two heads, a line not a plain
string) and Alembic decides, as it always did.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps


def alembic_config(url: str | None = None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig  # lazily: see the module's docstring

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Create or upgrade the schema. Alembic's own env would call asyncio.run(), which cannot
    nest in our loop, so the connection is handed to it (Alembic cookbook, "connection
    sharing")."""

    def _upgrade(connection: Connection) -> None:
        if _at_head(connection):
            return
        from alembic import command  # lazily: see the module's docstring

        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def _at_head(connection: Connection) -> bool:
    head = head_revision()
    if head is None or not inspect(connection).has_table(VERSION_TABLE):
        return False
    versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
    return list(versions) == [head]


@functools.cache
def head_revision() -> str | None:
    """The one revision no script revises, from the scripts' text; None when that is not
    plain (Alembic then reads the scripts itself)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        values = _assignments(script)
        revision, down = values.get("revision"), values.get("down_revision", ...)
        if not isinstance(revision, str) or not (down is None or isinstance(down, str)):
            return None  # a merge (a tuple), or something this reading does not know
        revisions.add(revision)
        if down is not None:
            revised.add(down)
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def _assignments(script: Path) -> dict[str, object]:
    """The module's top-level `name = literal` and `name: type = literal` assignments."""
    found: dict[str, object] = {}
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(value)
                except (ValueError, TypeError, SyntaxError):
                    found[target.id] = ...  # not a literal
    return found
