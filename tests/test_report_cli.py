"""`python -m bot laporan`: the server admin's report, written from the database."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import openpyxl
import pytest

from bot.__main__ import main
from bot.domain.clock import ManualClock
from bot.domain.sop import load_default_sop
from bot.domain.worktime import WorkCalendar
from bot.service.directory import Directory
from bot.service.facade import build_service
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from tests.databases import fresh_database
from tests.harness import TOKEN
from tests.office import MONDAY_MORNING, OFFICE
from tests.service_fixtures import MEMBERS, Office, local


@pytest.fixture
async def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Path]:
    """A config.toml whose database holds one item published on 23 November 2026."""
    async with fresh_database(tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
            clock = ManualClock(MONDAY_MORNING)
            factory = session_factory(engine)
            service = build_service(
                factory,
                load_default_sop(),
                Directory(MEMBERS, {}),
                WorkCalendar(timezone=OFFICE.key),
                clock,
            )
            o = Office(factory, clock, service)
            item_id = await o.at_periksa()
            clock.set(local(2026, 11, 23, 10, 0))
            await o.review(item_id, "periksa", 1)
        finally:
            await engine.dispose()
        path = tmp_path / "config.toml"
        path.write_text(
            f'[database]\nurl = "{url}"\n\n[[members]]\nid = 102\nname = "Budi Kasubbag"\n'
            'roles = ["kasubbag"]\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("JDIH_BOT_TOKEN", TOKEN)
        yield path


async def test_laporan_writes_the_workbook_and_the_csv_beside_it(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "laporan.xlsx"
    argv = ["--config", str(config), "laporan", "--period", "2026-11", "--out", str(out)]
    assert await asyncio.to_thread(main, argv) == 0
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert book["Monitoring (Tabel 7)"]["A1"].value == (
        "Laporan Monitoring Pelaksanaan SOP No. 3 Tahun 2022, Periode November 2026"
    )
    csv = (tmp_path / "laporan-peristiwa.csv").read_text(encoding="utf-8-sig").splitlines()
    # created, material handed in, direction, design, the check's approval
    assert [line.split(",")[2] for line in csv[1:]] == [
        "created",
        "submit_material",
        "direct",
        "submit_design",
        "approve",
    ]
    said = capsys.readouterr().out
    assert "Periode November 2026: 1 item, 5 peristiwa" in said


async def test_laporan_without_csv_and_with_an_unknown_period(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "q4.xlsx"
    argv = ["--config", str(config), "laporan", "--period", "2026-Q4", "--out", str(out)]
    assert await asyncio.to_thread(main, [*argv, "--no-csv"]) == 0
    assert out.exists() and not (tmp_path / "q4-peristiwa.csv").exists()
    wrong = ["--config", str(config), "laporan", "--period", "kuartal 4", "--out", str(out)]
    assert await asyncio.to_thread(main, wrong) == 2
    said = capsys.readouterr().out
    assert 'Periode "kuartal 4" tidak dikenali. Tulis misalnya: ' in said
    assert "-S" in said  # this semester, e.g. 2026-S2, is one of the examples
