"""The database's part of a backup: a consistent copy taken while the bot runs, and putting it
back into an empty database.

- SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page within one
  read transaction, so the copy is the database as of one moment, while the bot goes on
  writing (WAL: the bot's writes do not wait for it). The copy is checked (`quick_check`).
- PostgreSQL: `pg_dump --format=custom`, which reads within one snapshot; `pg_restore
  --single-transaction` puts it back, all or nothing. The password goes through the
  environment (PGPASSWORD), never the command line.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from bot.backup.archive import BackupError
from storage.database import create_engine

SQLITE_MEMBER = "database/jdih.sqlite3"
POSTGRES_MEMBER = "database/jdih.pgdump"
_TOOL_TIMEOUT_S = 3600


class DiskFull(BackupError):
    """The disk the copy goes to is full; the caller names the folder."""


@dataclass(frozen=True, slots=True)
class Database:
    url: URL

    @classmethod
    def of(cls, database_url: str) -> Database:
        return cls(make_url(database_url))

    @property
    def kind(self) -> str:
        return "sqlite" if self.url.get_backend_name() == "sqlite" else "postgresql"

    @property
    def member(self) -> str:
        return SQLITE_MEMBER if self.kind == "sqlite" else POSTGRES_MEMBER

    @property
    def sqlite_path(self) -> Path:
        if not self.url.database or self.url.database == ":memory:":
            raise BackupError("database.url is an in-memory SQLite database: nothing to back up")
        return Path(self.url.database)

    def describe(self) -> str:
        return self.url.render_as_string(hide_password=True)

    # --------------------------------------------------------------- backup
    def snapshot(self, target: Path, pg_dump: str) -> None:
        """A consistent copy of the database in the file `target`."""
        if self.kind == "sqlite":
            self._sqlite_snapshot(target)
        else:
            self._run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                       f"--file={target}"], "pg_dump")  # fmt: skip

    def _sqlite_snapshot(self, target: Path) -> None:
        source_path = self.sqlite_path
        try:
            # mode=rw: a missing database is an error, not a new empty file
            source = sqlite3.connect(
                f"file:{quote(str(source_path))}?mode=rw", uri=True, timeout=15
            )
        except sqlite3.Error as exc:
            raise BackupError(f"cannot open the database {source_path}: {exc}") from None
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
                verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                copy.close()
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
                raise DiskFull(f"full (copying the database: {exc})") from None
            raise BackupError(f"copying the database {source_path} failed: {exc}") from None
        finally:
            source.close()
        if verdict != "ok":
            raise BackupError(f"the copy of {source_path} fails SQLite's check: {verdict}")

    async def revision(self) -> str:
        """The schema's Alembic revision (written into the manifest)."""
        engine = create_engine(self.url.render_as_string(hide_password=False))
        try:
            async with engine.connect() as connection:
                found = await connection.execute(text("SELECT version_num FROM alembic_version"))
                return ",".join(sorted(row[0] for row in found))
        except Exception as exc:
            raise BackupError(f"cannot read the database {self.describe()}: {exc}") from None
        finally:
            await engine.dispose()

    # -------------------------------------------------------------- restore
    async def is_empty(self) -> bool:
        if self.kind == "sqlite":
            return _sqlite_file_empty(self.sqlite_path)
        engine = create_engine(self.url.render_as_string(hide_password=False))
        try:
            async with engine.connect() as connection:
                tables = await connection.execute(
                    text(
                        "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                    )
                )
                return tables.scalar() == 0
        except Exception as exc:
            raise BackupError(
                f"cannot open the target database {self.describe()} ({exc}); create it empty "
                f"first (createdb)"
            ) from None
        finally:
            await engine.dispose()

    def put_back(self, staged: Path, pg_restore: str) -> None:
        """Bring the staged copy into the (empty) database; all or nothing."""
        if self.kind == "sqlite":
            target = self.sqlite_path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)  # same file system: atomic
            return
        database = self.url.database or ""
        self._run([pg_restore, "--exit-on-error", "--single-transaction", "--no-owner",
                   "--no-privileges", f"--dbname={database}", str(staged)],
                  "pg_restore")  # fmt: skip

    # -------------------------------------------------------------- helpers
    def _run(self, command: list[str], tool: str) -> None:
        url = self.url
        env = {**os.environ}
        for key, value in (
            ("PGHOST", url.host),
            ("PGPORT", url.port),
            ("PGUSER", url.username),
            ("PGPASSWORD", url.password),
            ("PGDATABASE", url.database),
        ):
            if value is not None:
                env[key] = str(value)
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=_TOOL_TIMEOUT_S
            )
        except FileNotFoundError:
            raise BackupError(
                f"{command[0]} not found: install PostgreSQL's client (apt-get install "
                f"postgresql-client) or set backup.{tool} to its path"
            ) from None
        except subprocess.TimeoutExpired:
            raise BackupError(f"{tool} took longer than {_TOOL_TIMEOUT_S} s") from None
        if done.returncode != 0:
            said = done.stderr.strip() or f"exit code {done.returncode}"
            if "No space left on device" in said:
                raise DiskFull(f"full ({said})")
            hint = ""
            if "version mismatch" in said:
                hint = (
                    f" (set backup.{tool} to the {tool} of the server's version, e.g. "
                    f"/usr/lib/postgresql/<version>/bin/{tool})"
                )
            raise BackupError(f"{tool} failed: {said}{hint}")


def _sqlite_file_empty(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return (not path.exists() or path.stat().st_size == 0) and not wal.exists()
