"""What the running bot loads only when it needs it still works when it is needed (issue 18,
memory): the migrations without Alembic when there is nothing to do, the command-line
commands, and Pillow's work in the one image thread."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from bot.__main__ import main
from bot.media.workers import in_image_thread
from storage.database import create_engine
from storage.migrate import alembic_config, head_revision, upgrade_to_head
from tests.harness import TOKEN


def test_the_newest_revision_read_from_the_scripts_is_alembics_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert [head_revision()] == heads


async def test_a_database_one_revision_behind_is_upgraded_and_one_at_head_left_as_it_is(
    database_url: str,
) -> None:
    engine = create_engine(database_url)

    def back_one(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")

    async def revision() -> str:
        async with engine.connect() as connection:
            found = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return str(found.scalar_one())

    try:
        await upgrade_to_head(engine)
        async with engine.begin() as connection:
            await connection.run_sync(back_one)
        assert await revision() != head_revision()
        await upgrade_to_head(engine)
        assert await revision() == head_revision()
        await upgrade_to_head(engine)  # at head: nothing to do
        assert await revision() == head_revision()
    finally:
        await engine.dispose()


def test_backup_and_verify_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'jdih.db'}"

    async def schema() -> None:
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()

    asyncio.run(schema())
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n\n[backup]\ndir = "cadangan"\n\n'
        '[[members]]\nid = 102\nname = "Budi Kasubbag"\nroles = ["kasubbag"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("JDIH_BOT_TOKEN", TOKEN)

    assert main(["--config", str(config), "backup"]) == 0
    [archive] = (tmp_path / "cadangan").iterdir()
    assert main(["--config", str(config), "verify", str(archive)]) == 0
    assert "files match their SHA-256" in capsys.readouterr().out


_WHO: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")


async def test_image_thread_work_returns_raises_and_sees_the_callers_context() -> None:
    def work(a: int, *, b: int) -> tuple[int, str]:
        return a + b, _WHO.get()

    def broken() -> None:
        raise ValueError("not a picture")

    _WHO.set("budi")
    assert await in_image_thread(work, 1, b=2) == (3, "budi")
    with pytest.raises(ValueError, match="not a picture"):
        await in_image_thread(broken)


async def test_uploads_arriving_together_are_decoded_one_at_a_time() -> None:
    at_once = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()

    def decode() -> None:
        nonlocal at_once, most
        with lock:
            at_once += 1
            most = max(most, at_once)
        release.wait(5)
        with lock:
            at_once -= 1

    jobs = [asyncio.ensure_future(in_image_thread(decode)) for _ in range(4)]
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*jobs)
    assert most == 1
