"""The monitoring report through the real service: a half-year of items with known times (a
late design, a return at the legal approval with its reminder, a weekend, the Christmas
holidays, a Plh kasubbag, a cancellation, items still open at the end) is driven with the
injected clock; the workbook is opened with openpyxl and every Tabel 7 figure and every
exception is checked against the scenario."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import delete, select

from bot.config import ReminderSettings
from bot.domain.clock import ManualClock
from bot.domain.limits import Limit
from bot.domain.periods import PeriodNotUnderstood
from bot.domain.roster import Absence, Acting, ActingKind, RosterMember
from bot.domain.sop import load_default_sop
from bot.domain.workflow import Action, Decision
from bot.domain.worktime import WorkCalendar
from bot.report.eventlog import events_csv
from bot.report.workbook import workbook_bytes
from bot.service.directory import Directory
from bot.service.facade import build_service
from bot.service.reminders import ReminderService
from bot.service.reports import NotAReportReader, Reports
from bot.service.views import FileRef
from storage.database import create_engine, session_factory
from storage.migrate import upgrade_to_head
from storage.models import StepVisitRecord
from tests import office as people
from tests.databases import fresh_database
from tests.office import MONDAY_MORNING, OFFICE
from tests.service_fixtures import (
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    LINK,
    MEMBERS,
    OPERATOR,
    SEKRETARIS,
    Office,
    local,
)

SOP = load_default_sop()
PLH_LETTER = "Surat Perintah Sekretaris No. 7/HK.03/2026"
TYPED_FORMULA = '=HYPERLINK("http://x") Draf'  # a title is text, never a formula


def page(n: int) -> FileRef:
    """A design page with a stored copy's hash, as the downloads record it."""
    return FileRef("photo", f"file-{n}", f"uniq-{n}", sha256=f"{n:064x}")


@dataclass
class Scenario:
    o: Office
    reports: Reports
    codes: dict[str, str]


@pytest.fixture
async def scenario(tmp_path: Path) -> AsyncIterator[Scenario]:
    async with fresh_database(tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
            factory = session_factory(engine)
            clock = ManualClock(MONDAY_MORNING)
            calendar = WorkCalendar(timezone=OFFICE.key)
            # the office's date moves with the clock, so leave and Plh take effect
            directory = Directory(
                MEMBERS,
                {},
                today=lambda: clock.now().astimezone(OFFICE).date(),
                admins=frozenset({999}),
            )
            service = build_service(factory, SOP, directory, calendar, clock)
            o = Office(factory, clock, service)
            await service.people.seed(
                RosterMember(p.user_id, p.name, frozenset(p.roles)) for p in people.MEMBERS
            )
            reminders = ReminderService(factory, SOP, directory, calendar, ReminderSettings())
            codes = await _half_year(o, reminders)
            yield Scenario(o, Reports(service.context, office="KPU Kabupaten Pulang Pisau"), codes)
        finally:
            await engine.dispose()


async def _at(o: Office, *when: int) -> None:
    o.clock.set(local(*when))


async def _decide(o: Office, who: int, item_id: int, decision: Decision) -> None:
    await o.service.decisions.decide(o.who(who), item_id, decision)


async def _design(o: Office, item_id: int, n: int) -> int:
    draft = await o.service.uploads.add_design_file(o.who(OPERATOR), item_id, page(n))
    decided = await o.service.decisions.submit_design(o.who(OPERATOR), item_id, draft.version)
    return decided.item.version


async def _half_year(o: Office, reminders: ReminderService) -> dict[str, str]:
    codes: dict[str, str] = {}
    # A, Monday 23 November: everything in time except the design (75 of 30 minutes) and the
    # posting (30 of step 5's 10 minutes)
    a = await o.open_item("PKPU Nomor 1 Tahun 2026")  # 09:00, material handed in
    await _at(o, 2026, 11, 23, 9, 30)
    await o.direct(a)
    await _at(o, 2026, 11, 23, 10, 45)
    await _design(o, a, 1)
    await _at(o, 2026, 11, 23, 10, 55)
    await o.review(a, "periksa", 1)
    await _at(o, 2026, 11, 23, 11, 5)
    await o.review(a, "setuju", 1)
    await _at(o, 2026, 11, 23, 11, 10)
    await _decide(o, KASUBBAG, a, Decision(Action.ORDER_UPLOAD, "unggah", 1))
    await _at(o, 2026, 11, 23, 11, 40)
    await _decide(o, OPERATOR, a, Decision(Action.REPORT_POSTED, "posting", 1, links=(LINK,)))
    # the kasubbag will be away on Monday 30 November; the coordinator is Plh meanwhile
    await o.service.leave.record_absence(
        SEKRETARIS,
        Absence(
            KASUBBAG,
            date(2026, 11, 30),
            date(2026, 11, 30),
            (Acting("kasubbag", KOORDINATOR, ActingKind.PLH, PLH_LETTER),),
        ),
    )
    # B, Thursday 26 November 15:50: over a weekend, returned at the legal approval
    await _at(o, 2026, 11, 26, 15, 50)
    b = await o.open_item("Keputusan KPU Nomor 2 Tahun 2026")
    await _at(o, 2026, 11, 27, 8, 0)
    await o.direct(b)  # 10 + 30 working minutes
    await _at(o, 2026, 11, 27, 8, 20)
    await _design(o, b, 2)
    await _at(o, 2026, 11, 27, 8, 30)
    await o.review(b, "periksa", 1)
    await _at(o, 2026, 11, 27, 9, 0)
    assert await reminders.send_due(o.clock.now()) == 1  # step 4 was due at 08:45
    await _at(o, 2026, 11, 27, 16, 25)
    notes = "Sumber belum dicantumkan"
    await _decide(o, HUKUM, b, Decision(Action.RETURN, "setuju", 1, notes=notes))
    await _at(o, 2026, 11, 30, 8, 0)  # Monday: 5 minutes on Friday, 30 today; due 07:55
    await _design(o, b, 3)
    await _at(o, 2026, 11, 30, 8, 10)
    await _decide(o, KOORDINATOR, b, Decision(Action.APPROVE, "periksa", 2))  # as Plh
    await _at(o, 2026, 11, 30, 8, 20)
    await o.review(b, "setuju", 2)
    await _at(o, 2026, 11, 30, 8, 25)
    await _decide(o, KOORDINATOR, b, Decision(Action.ORDER_UPLOAD, "unggah", 2))
    await _at(o, 2026, 11, 30, 8, 40)
    await _decide(o, OPERATOR, b, Decision(Action.REPORT_POSTED, "posting", 2, links=(LINK,)))
    # C, Wednesday 23 December 15:00: due after Christmas (24 cuti bersama, 25 Natal) and the
    # weekend, on Monday 28 at 15:00; directed in time, cancelled while in design
    await _at(o, 2026, 12, 23, 15, 0)
    c = await o.open_item("Pengumuman Hari Libur")
    await _at(o, 2026, 12, 28, 14, 0)
    await o.direct(c)  # 60 + 330 working minutes (Monday 07:30-12:00 and 13:00-14:00)
    await _at(o, 2026, 12, 28, 15, 0)
    reason = "Materi ditarik oleh KPU RI"
    await _decide(o, KASUBBAG, c, Decision(Action.CANCEL, None, None, notes=reason))
    # D waits for its direction over the year's end; E never got its material
    await _at(o, 2026, 12, 30, 10, 0)
    d = await o.open_item("Rekap Produk Hukum 2026")
    e = await o.service.opening.create_item(o.who(KOORDINATOR), TYPED_FORMULA)
    await _at(o, 2027, 1, 4, 9, 0)
    await o.direct(d)  # after the period: not one of its runs
    for key, item_id in zip("ABCD", (a, b, c, d), strict=True):
        codes[key] = (await o.item(item_id)).code
    codes["E"] = e.code
    return codes


def _sheet(book: Any, name: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


def _table(rows: list[tuple[Any, ...]], first: str) -> list[tuple[Any, ...]]:
    """The rows under the header row whose first cell is `first`, up to a blank row."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == first)
    found = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        found.append(row)
    return found


TABEL_7 = [
    (
        "1",
        "Menghimpun materi dan mengarahkan pembuatan konten (Kasubbag Hukum / Ketua Tim Teknis)",
        "Berjalan dengan baik",
        "3 kali dilaksanakan; 3 (100%) dalam baku mutu waktu 1 hari kerja (ambang 80%); waktu "
        "kerja median 40 menit, p90 6 jam 30 menit, maksimum 6 jam 30 menit; 1 item masih di "
        "langkah ini pada akhir periode (1 terlambat).",
    ),
    (
        "2",
        "Membuat dan menyerahkan desain konten (Admin/Operator Media Sosial)",
        "Tidak berjalan dengan baik",
        "3 kali dilaksanakan; 1 (33%) dalam baku mutu waktu 30 menit kerja (ambang 80%); "
        "waktu kerja median 35 menit, p90 1 jam 15 menit, maksimum 1 jam 15 menit.",
    ),
    (
        "3",
        "Memeriksa desain konten (Kasubbag Hukum / Ketua Tim Teknis)",
        "Berjalan dengan baik",
        "3 kali dilaksanakan; 3 (100%) dalam baku mutu waktu 15 menit kerja (ambang 80%); "
        "waktu kerja median 10 menit, p90 10 menit, maksimum 10 menit.",
    ),
    (
        "4",
        "Memeriksa isi dan sumber, memberi persetujuan (Divisi Hukum / Tim Pengarah)",
        "Tidak berjalan dengan baik",
        "3 kali dilaksanakan; 2 (67%) dalam baku mutu waktu 15 menit kerja (ambang 80%); "
        "waktu kerja median 10 menit, p90 6 jam 25 menit, maksimum 6 jam 25 menit; 1 kali "
        'dikembalikan (alasan terbanyak: "Sumber belum dicantumkan" (1×)); 1 pengingat terkirim.',
    ),
    (
        "5",
        "Mengarahkan pengunggahan konten yang disetujui (Kasubbag Hukum / Ketua Tim Teknis)",
        "Berjalan dengan baik",
        "2 kali dilaksanakan; 2 (100%) dalam baku mutu waktu 10 menit kerja (ambang 80%); "
        "waktu kerja median 5 menit, p90 5 menit, maksimum 5 menit.",
    ),
    (
        "5",
        "Mengunggah konten dan melaporkan tautan (Admin/Operator Media Sosial)",
        "Tidak berjalan dengan baik",
        "2 kali dilaksanakan; 0 (0%) dalam baku mutu waktu 10 menit kerja (ambang 80%); "
        "waktu kerja median 22 menit, p90 30 menit, maksimum 30 menit.",
    ),
]


async def test_tabel_7_and_the_exceptions_match_the_scenario(scenario: Scenario) -> None:
    s = scenario
    report = await s.reports.build_for(SEKRETARIS, s.reports.period("2026-S2"))
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(report)))
    assert book.sheetnames == [
        "Monitoring (Tabel 7)",
        "Ringkasan per langkah",
        "Item",
        "Pengecualian",
        "Kepatuhan",
        "Beban kerja",
        "Evaluasi",
    ]
    monitoring = _sheet(book, "Monitoring (Tabel 7)")
    assert monitoring[0][0] == (
        "Laporan Monitoring Pelaksanaan SOP No. 3 Tahun 2022, Periode Juli–Desember 2026"
    )
    rows = _table(monitoring, "No")
    assert [row[:4] for row in rows] == TABEL_7
    assert all(row[4] is None and row[5] is None for row in rows)  # for the assessor

    summary = _table(_sheet(book, "Ringkasan per langkah"), "No")
    # runs, within, %, median, p90, max, the standard (minutes of working time)
    assert [row[4:11] for row in summary] == [
        (3, 3, 100, 40, 390, 390, 450),
        (3, 1, 33.3, 35, 75, 75, 30),
        (3, 3, 100, 10, 10, 10, 15),
        (3, 2, 66.7, 10, 385, 385, 15),  # Friday 08:30-16:25 less Friday prayers
        (2, 2, 100, 5, 5, 5, 10),
        (2, 0, 0, 22.5, 30, 30, 10),
    ]
    # the native chart: median and p90 as columns, the standard beside them
    (chart,) = book["Ringkasan per langkah"]._charts
    assert [[s.val.numRef.f for s in part.series] for part in chart._charts] == [
        ["'Ringkasan per langkah'!$H$2:$H$7", "'Ringkasan per langkah'!$I$2:$I$7"],
        ["'Ringkasan per langkah'!$K$2:$K$7"],
    ]

    exceptions = _sheet(book, "Pengecualian")
    a, b, c, d, e = (s.codes[k] for k in "ABCDE")
    late = _table(exceptions, "Kode")
    assert [(r[0], r[2], r[3], r[6]) for r in late] == [
        (a, "2. Membuat dan menyerahkan desain konten", "Sari Operator", 45),
        (a, "5. Mengunggah konten dan melaporkan tautan", "Sari Operator", 20),
        (b, "4. Memeriksa isi dan sumber, memberi persetujuan", "Ibu Divisi Hukum", 370),
        (b, "2. Membuat dan menyerahkan desain konten", "Sari Operator", 5),
        (b, "5. Mengunggah konten dan melaporkan tautan", "Sari Operator", 5),
    ]
    sections = _sections(exceptions)
    assert [(r[0], r[4], r[5], r[6]) for r in sections["Dikembalikan untuk perbaikan"]] == [
        (b, "Ibu Divisi Hukum", 1, "Sumber belum dicantumkan")
    ]
    assert [(r[0], r[2], r[4], r[5]) for r in sections["Dibatalkan"]] == [
        (
            c,
            "2. Membuat dan menyerahkan desain konten",
            "Budi Kasubbag",
            "Materi ditarik oleh KPU RI",
        )
    ]
    assert [(r[0], r[2], r[3], r[6]) for r in sections["Masih terbuka pada akhir periode"]] == [
        (d, "berjalan", "1. Menghimpun materi dan mengarahkan pembuatan konten", 300),
        (e, "draf (menunggu materi)", None, 0),
    ]


def _sections(rows: list[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    """The exception sheet's sections by title: the rows under each one's header."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for i, row in enumerate(rows):
        if row[0] and row[1] is None and i + 1 < len(rows) and rows[i + 1][0] == "Kode":
            body = []
            for below in rows[i + 2 :]:
                if below[0] is None or below[0] == "Tidak ada.":
                    break
                body.append(below)
            found[str(row[0])] = body
    return found


async def test_the_other_sheets_tell_items_compliance_holders_and_workload(
    scenario: Scenario,
) -> None:
    s = scenario
    report = await s.reports.build(s.reports.period("2026-S2"))
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(report)))
    a, b, c, d, e = (s.codes[k] for k in "ABCDE")
    items = {row[0]: row for row in _table(_sheet(book, "Item"), "Kode")}
    assert list(items) == [a, b, c, d, e]
    assert items[b][6] == "dipublikasikan" and items[b][9:12] == (2, 2, 1)  # versions, returns
    assert items[c][6] == "dibatalkan"
    (cell,) = [c for c in book["Item"]["B"] if c.value == TYPED_FORMULA]
    assert cell.data_type == "s"
    # B's step 3: the kasubbag, then the coordinator as Plh, 10 + 10 minutes
    head = _sheet(book, "Item")[0]
    column = head.index("3 pelaksana")
    assert items[b][column : column + 3] == (
        "Budi Kasubbag, Rina Koordinator (Plh. Kasubbag Hukum / Ketua Tim Teknis)",
        20,
        "15 menit kerja",
    )
    compliance = {row[0]: row[2:6] for row in _table(_sheet(book, "Kepatuhan"), "Kode")}
    assert compliance[a] == ("Ya", "Ya", "Ya", "Ya")
    assert compliance[b] == ("Ya", "Ya", "Ya", "Ya")  # the Plh held the role that Monday
    assert compliance[c] == ("-", "-", "-", "Ya")
    holders = [row[:6] for row in _table(_sheet(book, "Kepatuhan"), "Peran")]
    assert ("Kasubbag Hukum / Ketua Tim Teknis", "Rina Koordinator", "Plh.", "30 Nov 2026",
            "30 Nov 2026", PLH_LETTER) in holders  # fmt: skip
    assert ("(semua perannya)", "Budi Kasubbag", "cuti", "30 Nov 2026", "30 Nov 2026",
            None) in holders  # fmt: skip
    workload = [row[:7] for row in _table(_sheet(book, "Beban kerja"), "Nama")]
    kasubbag = "Kasubbag Hukum / Ketua Tim Teknis"
    # the Plh's Monday: two decisions (steps 3 and 5), 10 + 5 working minutes, none late
    assert ("Rina Koordinator", kasubbag, f"Plh. {kasubbag}", 2, 2, 15, 0) in workload
    evaluation = _table(_sheet(book, "Evaluasi"), "No")
    assert len(evaluation) == 7 and all(row[2] is None for row in evaluation)
    assert evaluation[0][3].startswith(
        "11 dari 16 pelaksanaan langkah yang memiliki baku mutu waktu (69%) dalam baku mutu"
    )


async def test_the_csv_holds_every_event_of_the_period(scenario: Scenario) -> None:
    s = scenario
    november = await s.reports.build(s.reports.period("2026-11"))
    lines = events_csv(november).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("kode,waktu,aksi,langkah,versi,oleh_id,oleh,peran")
    rows = [line.split(",") for line in lines[1:]]
    assert {row[0] for row in rows} == {s.codes["A"], s.codes["B"]}
    # A: created, material, direction, design, 2 approvals, order, posted; B: the same with
    # a return, a second design and two more approvals
    assert len(rows) == 8 + 11
    returned = next(row for row in rows if row[2] == "return")
    assert returned[1] == "2026-11-27T16:25:00+07:00" and returned[10] == "Sumber belum dicantumkan"


async def test_a_period_without_items_says_so(scenario: Scenario) -> None:
    report = await scenario.reports.build(scenario.reports.period("2026-Q1"))
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(report)))
    monitoring = _sheet(book, "Monitoring (Tabel 7)")
    assert any(row[0] and str(row[0]).startswith("Tidak ada item") for row in monitoring)
    rows = _table(monitoring, "No")
    assert {row[2] for row in rows} == {"Tidak diusulkan: tidak ada pelaksanaan pada periode ini"}


async def test_only_the_sekretaris_the_kasubbag_and_admins_ask_for_it(scenario: Scenario) -> None:
    reports, period = scenario.reports, scenario.reports.period("2026-S2")
    with pytest.raises(NotAReportReader):
        await reports.build_for(OPERATOR, period)
    assert (await reports.build_for(999, period)).figures.overview.items == 5  # an admin
    with pytest.raises(PeriodNotUnderstood) as info:
        reports.period("semester dua")
    assert "2027-S1" in info.value.examples  # the clock is in January 2027


async def test_a_revised_sop_does_not_rewrite_what_was_measured(scenario: Scenario) -> None:
    """Visits keep the limit they began with: the same history under an SOP whose design
    step allows two hours reads as before; only visits without a record use the new one."""
    s = scenario
    async with s.o.factory() as session:
        recorded = (await session.scalars(select(StepVisitRecord))).all()
    assert {v.sop_version for v in recorded} == {SOP.version}
    assert {v.step_limit for v in recorded if v.step_key == "desain"} == {"30m"}
    design = SOP.step("desain")
    revised = replace(
        SOP,
        steps=tuple(
            replace(step, limit=Limit.parse("2 jam")) if step is design else step
            for step in SOP.steps
        ),
        version="revisi-2027",
    )
    reports = Reports(replace(s.o.service.context, sop=revised, sops=None))
    period = reports.period("2026-S2")
    step = (await reports.build(period)).figures.steps[1]
    assert (step.runs, step.within, step.limits, step.unrecorded) == (
        3,
        1,
        (Limit.parse("30 menit"),),
        0,
    )
    # the visits as they stood before 0011: no record, so the current SOP's limit it is
    async with s.o.factory() as session:
        await session.execute(delete(StepVisitRecord))
        await session.commit()
    report = await reports.build(period)
    step = report.figures.steps[1]
    assert (step.runs, step.within, step.limits, step.unrecorded) == (
        3,
        3,
        (Limit.parse("2 jam"),),
        3,
    )
    monitoring = _sheet(
        openpyxl.load_workbook(io.BytesIO(workbook_bytes(report))), "Monitoring (Tabel 7)"
    )
    assert any(row[0] and str(row[0]).startswith("Catatan: 16 pelaksanaan") for row in monitoring)
    assert "3 diukur dengan batas waktu SOP sekarang" in _table(monitoring, "No")[1][3]
