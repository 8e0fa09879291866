"""The monitoring report in chat (issue 15) end to end: the real bot, the local Bot API server
and a clock the test moves by hand.

The half-year of tests/test_report_service.py (a late design, a return at the legal approval
with its reminder, a weekend, the Christmas holidays, a Plh kasubbag, a cancellation, items
still open at the end) is driven through the chat at the same times; /laporan then sends the
chart, the workbook and the CSV, and the workbook, downloaded from what the bot uploaded and
opened with openpyxl, holds the core's Tabel 7 and exceptions. The chart is saved under
test-artifacts/laporan/ to be looked at. Also: the buttons of /laporan alone, an empty
period, the refusal, a bad period, and the semester report and the review reminder, each
sent once across restarts."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

import openpyxl
from PIL import Image

from bot import texts
from bot.domain.periods import PeriodNotUnderstood, parse_report_period
from localbotapi import ApiError, BotMessage
from tests import flows
from tests.conftest import HarnessFactory
from tests.flows import shown
from tests.harness import (
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    OFFICE,
    OPERATOR,
    SEKRETARIS,
    Harness,
    Person,
)
from tests.images import png_bytes
from tests.test_e2e_leave import record
from tests.test_report_service import TABEL_7, TYPED_FORMULA, _sections, _sheet, _table

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "laporan"
REVIEW_MONTH_OF_THE_SOP = 4  # SOP No. 3 Tahun 2022 is dated 1 April 2022
# Only the first reminder round of a late step: each late step is reminded once, whatever
# the clock's jumps, so the count is the scenario's own.
ONE_ROUND = {"reminders": {"max_rounds": 1}}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE)


async def settled(h: Harness, seconds: float = 10.0) -> None:
    """The reminder scheduler has looked at the clock's time and everything it owed is sent."""
    deadline = time.monotonic() + seconds
    while not h.services.scheduler.at_rest():
        assert time.monotonic() < deadline, "the reminder scheduler did not come to rest"
        await asyncio.sleep(0.01)
    await h.settle()


async def at(h: Harness, *when: int) -> None:
    """Move the clock, and let the bot do what the new time owes (reminders, the digest,
    a report) before anyone acts."""
    await settled(h)
    h.clock.set(local(*when))
    await settled(h)


async def resubmit(h: Harness, code: str, notes: str) -> None:
    """The operator answers the returned design's message with version 2 and hands it in."""
    returned = await h.server.wait_for(
        lambda m: m.chat_id == OPERATOR.user_id and notes in m.body and code in m.body
    )
    before = h.mark()
    await h.server.send_document(
        OPERATOR.user_id,
        png_bytes(1080, 1350, (20, 120, 220)),
        "desain-v2.png",
        "image/png",
        reply_to=returned.message_id,
    )
    receipt = await h.server.wait_for_message(OPERATOR.user_id, after=before, contains="versi 2")
    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)


async def half_year(h: Harness) -> dict[str, str]:
    """tests/test_report_service.py's scenario, through the chat, at the same times."""
    codes: dict[str, str] = {}
    # A, Monday 23 November: everything in time except the design (75 of 30 minutes)
    a = await flows.open_item(h, "PKPU Nomor 1 Tahun 2026")  # 09:00
    await at(h, 2026, 11, 23, 9, 30)
    await flows.give_direction(h, a)
    await at(h, 2026, 11, 23, 10, 45)
    await flows.submit_design(h, a)
    await at(h, 2026, 11, 23, 10, 55)
    await flows.approve_check(h, a, 1)
    await at(h, 2026, 11, 23, 11, 5)
    await flows.approve_legal(h, a, 1)
    await at(h, 2026, 11, 23, 11, 10)
    await flows.order_upload(h, a)
    await at(h, 2026, 11, 23, 11, 40)
    await flows.report_posted(h, a)
    # the kasubbag away on Monday 30 November, the coordinator Plh meanwhile (/cuti)
    await record(h, "30/11/2026 - 30/11/2026", KOORDINATOR)
    # B, Thursday 26 November 15:50: over a weekend, returned at the legal approval
    await at(h, 2026, 11, 26, 15, 50)
    b = await flows.open_item(h, "Keputusan KPU Nomor 2 Tahun 2026")
    await at(h, 2026, 11, 27, 8, 0)
    await flows.give_direction(h, b)
    await at(h, 2026, 11, 27, 8, 20)
    await flows.submit_design(h, b)
    await at(h, 2026, 11, 27, 8, 30)
    await flows.approve_check(h, b, 1)
    await at(h, 2026, 11, 27, 9, 0)  # step 4 was due at 08:45: reminded now
    await at(h, 2026, 11, 27, 16, 25)
    await flows.return_design(h, b, 1, HUKUM, "Sumber belum dicantumkan")
    await at(h, 2026, 11, 30, 8, 0)  # Monday: due 07:55
    await resubmit(h, b, "Sumber belum dicantumkan")
    await at(h, 2026, 11, 30, 8, 10)
    await flows.approve_check(h, b, 2, KOORDINATOR)  # as Plh
    await at(h, 2026, 11, 30, 8, 20)
    await flows.approve_legal(h, b, 2)
    await at(h, 2026, 11, 30, 8, 25)
    await flows.order_upload(h, b, KOORDINATOR)
    await at(h, 2026, 11, 30, 8, 40)
    await flows.report_posted(h, b)
    # C, Wednesday 23 December 15:00: due after Christmas and the weekend; cancelled
    await at(h, 2026, 12, 23, 15, 0)
    c = await flows.open_item(h, "Pengumuman Hari Libur")
    await at(h, 2026, 12, 28, 14, 0)
    await flows.give_direction(h, c)
    await at(h, 2026, 12, 28, 15, 0)
    await h.say(KASUBBAG, f"/batal {c}", expect=c)
    await h.say(KASUBBAG, "Materi ditarik oleh KPU RI", expect=c)
    # D waits for its direction over the year's end; E never got its material
    await at(h, 2026, 12, 30, 10, 0)
    d = await flows.open_item(h, "Rekap Produk Hukum 2026")
    await h.say(KOORDINATOR, "/baru")
    e = (await h.say(KOORDINATOR, TYPED_FORMULA)).body.split("Item ")[1].split(" ")[0]
    await at(h, 2027, 1, 4, 9, 0)
    await flows.give_direction(h, d)  # after the period: not one of its runs
    await settled(h)
    codes.update(A=a, B=b, C=c, D=d, E=e)
    return codes


# The core's Tabel 7, but for the reminders: the real bot's scheduler reminded each late
# design step (A's, B's second, and C's before it was cancelled) and each late posting (both
# over step 5's 10 minutes), which the core's service scenario did not run.
def expected_tabel_7() -> list[tuple[Any, ...]]:
    rows = [tuple(row) for row in TABEL_7]
    for index, sent in ((1, 3), (5, 2)):
        step = rows[index]
        rows[index] = (*step[:3], step[3].removesuffix(".") + f"; {sent} pengingat terkirim.")
    return rows


def coming(message: BotMessage) -> bool:
    """The answer to /laporan: the report is on its way."""
    return message.body.startswith("⏳ Laporan monitoring")


def report_messages(h: Harness, who: Person, before: int) -> list[BotMessage]:
    return [m for m in h.server.sent[before:] if m.chat_id == who.user_id]


async def report_files(h: Harness, who: Person, before: int) -> dict[str, BotMessage]:
    """The chart, the workbook and the CSV (when the period had events) the bot sent `who`
    since `before`, by kind."""
    await h.server.wait_for(
        lambda m: (
            m.chat_id == who.user_id
            and h.server.sent.index(m) >= before
            and (m.file_name or "").endswith(".xlsx")
        ),
        timeout=20,
    )
    await h.settle()  # the CSV follows the workbook in the same outbox row
    sent = report_messages(h, who, before)
    found = {
        "chart": next((m for m in sent if m.kind == "photo"), None),
        "workbook": next(m for m in sent if (m.file_name or "").endswith(".xlsx")),
        "csv": next((m for m in sent if (m.file_name or "").endswith(".csv")), None),
    }
    return {kind: message for kind, message in found.items() if message is not None}


def content(h: Harness, message: BotMessage) -> bytes:
    """What the bot uploaded (the local server keeps every file's bytes)."""
    return h.server.state.files[message.file_id or ""].content


def workbook_of(h: Harness, message: BotMessage) -> Any:
    return openpyxl.load_workbook(io.BytesIO(content(h, message)))


def assert_the_scenario(book: Any, codes: dict[str, str]) -> None:
    monitoring = _sheet(book, "Monitoring (Tabel 7)")
    assert monitoring[0][0] == (
        "Laporan Monitoring Pelaksanaan SOP No. 3 Tahun 2022, Periode Juli–Desember 2026"
    )
    assert [row[:4] for row in _table(monitoring, "No")] == expected_tabel_7()
    exceptions = _sheet(book, "Pengecualian")
    a, b, c, d, e = (codes[k] for k in "ABCDE")
    assert [(r[0], r[2], r[3], r[6]) for r in _table(exceptions, "Kode")] == [
        (a, "2. Membuat dan menyerahkan desain konten", OPERATOR.name, 45),
        (a, "5. Mengunggah konten dan melaporkan tautan", OPERATOR.name, 20),
        (b, "4. Memeriksa isi dan sumber, memberi persetujuan", HUKUM.name, 370),
        (b, "2. Membuat dan menyerahkan desain konten", OPERATOR.name, 5),
        (b, "5. Mengunggah konten dan melaporkan tautan", OPERATOR.name, 5),
    ]
    sections = _sections(exceptions)
    assert [(r[0], r[4], r[5], r[6]) for r in sections["Dikembalikan untuk perbaikan"]] == [
        (b, HUKUM.name, 1, "Sumber belum dicantumkan")
    ]
    assert [(r[0], r[2], r[4], r[5]) for r in sections["Dibatalkan"]] == [
        (c, "2. Membuat dan menyerahkan desain konten", KASUBBAG.name, "Materi ditarik oleh KPU RI")
    ]
    assert [(r[0], r[2], r[3], r[6]) for r in sections["Masih terbuka pada akhir periode"]] == [
        (d, "berjalan", "1. Menghimpun materi dan mengarahkan pembuatan konten", 300),
        (e, "draf (menunggu materi)", None, 0),
    ]


async def test_laporan_sends_the_chart_the_workbook_and_the_csv_of_the_driven_half_year(
    make_harness: HarnessFactory,
) -> None:
    async with make_harness(**ONE_ROUND) as h:
        codes = await half_year(h)
        before = h.mark()
        coming = await h.say(KASUBBAG, "/laporan 2026-S2", expect="sedang disiapkan")
        assert coming.body == shown(texts.REPORT_COMING.format(period="Juli–Desember 2026"))
        files = await report_files(h, KASUBBAG, before)
        assert_the_scenario(workbook_of(h, files["workbook"]), codes)
        assert files["workbook"].file_name == "laporan-monitoring-sop-2026-S2.xlsx"

        # the chart, with the three-line summary under it
        chart = files["chart"]
        assert (chart.caption or "").splitlines() == [
            "Laporan Monitoring Pelaksanaan SOP No. 3 Tahun 2022, Periode Juli–Desember 2026",
            "5 item: 2 dipublikasikan, 1 dibatalkan, 2 masih terbuka pada akhir periode.",
            "11 dari 16 pelaksanaan langkah (69%) dalam baku mutu waktu; di bawah ambang 80%: "
            "langkah 2 (33%), langkah 4 (67%), langkah 5 (0%).",
        ]
        png = content(h, chart)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "chart-2026-S2.png").write_bytes(png)  # to be looked at
        with Image.open(io.BytesIO(png)) as image:
            assert image.format == "PNG" and image.width == 1080
            # within what Telegram takes as a photo: width + height, ratio, 10 MB
            assert image.width + image.height <= 10000 and image.height < 20 * image.width
        assert len(png) < 10 * 1024 * 1024

        # the CSV: every event of the half-year, the return with its time and notes
        lines = content(h, files["csv"]).decode("utf-8-sig").splitlines()
        assert lines[0].startswith("kode,waktu,aksi,langkah,versi,oleh_id,oleh,peran")
        returned = next(line for line in lines if ",return," in line)
        assert "2026-11-27T16:25:00+07:00" in returned and "Sumber belum dicantumkan" in returned
        assert {line.split(",")[0] for line in lines[1:]} == set(codes.values())

        # Monday 4 January 2027 was the first working day of January: the sekretaris got the
        # same half-year without asking, once, and not again after a restart
        semester = semester_intro(h, SEKRETARIS)
        assert len(semester) == 1
        sent = report_messages(h, SEKRETARIS, h.server.sent.index(semester[0]))
        workbook = next(m for m in sent if (m.file_name or "").endswith(".xlsx"))
        assert_the_scenario(workbook_of(h, workbook), codes)
        await h.stop_bot()
        await h.start_bot()
        h.clock.advance(timedelta(hours=2))
        await settled(h)
        assert len(semester_intro(h, SEKRETARIS)) == 1


def semester_intro(h: Harness, who: Person) -> list[BotMessage]:
    head = shown(texts.REPORT_SEMESTER_INTRO).split("\n")[0].split("{")[0]
    return [m for m in h.server.sent if m.chat_id == who.user_id and m.body.startswith(head)]


def review_intro(h: Harness, who: Person) -> list[BotMessage]:
    head = shown(texts.REPORT_REVIEW_INTRO).split("\n")[0]
    return [m for m in h.server.sent if m.chat_id == who.user_id and m.body.startswith(head)]


async def test_laporan_alone_offers_the_usual_periods_and_an_empty_one_says_so(
    harness: Harness,
) -> None:
    h = harness
    code = await flows.open_item(h)
    menu = await h.say(SEKRETARIS, "/laporan", expect="Pilih periodenya")
    assert menu.button_texts == [
        "Semester ini · Juli–Desember 2026",
        "Semester lalu · Januari–Juni 2026",
        "Bulan ini · November 2026",
        "Bulan lalu · Oktober 2026",
        "Tahun ini · Januari–Desember 2026",
    ]
    before = h.mark()
    toast = await h.press(SEKRETARIS, menu, "Bulan ini · November 2026")
    assert toast == texts.REPORT_COMING_TOAST.format(period="November 2026")
    files = await report_files(h, SEKRETARIS, before)
    assert "1 item: 0 dipublikasikan, 0 dibatalkan, 1 masih terbuka" in (
        files["chart"].caption or ""
    )
    assert files["workbook"].file_name == "laporan-monitoring-sop-2026-11.xlsx"
    items = _table(_sheet(workbook_of(h, files["workbook"]), "Item"), "Kode")
    assert [row[0] for row in items] == [code]

    # the semester before had nothing: the report says so, with no picture and no CSV
    await h.settle()
    before = h.mark()
    await h.press(SEKRETARIS, menu, "Semester lalu · Januari–Juni 2026")
    workbook = await h.server.wait_for(
        lambda m: (
            m.chat_id == SEKRETARIS.user_id
            and h.server.sent.index(m) >= before
            and (m.file_name or "").endswith(".xlsx")
        )
    )
    await h.settle()
    sent = report_messages(h, SEKRETARIS, before)
    assert [m.kind for m in sent] == ["text", "document"]
    assert sent[0].body.splitlines()[1:] == [
        texts.REPORT_SUMMARY_EMPTY,
        texts.REPORT_SUMMARY_EMPTY_STEPS,
    ]
    monitoring = _sheet(workbook_of(h, workbook), "Monitoring (Tabel 7)")
    assert any(row[0] and str(row[0]).startswith("Tidak ada item") for row in monitoring)


async def test_others_are_refused_and_a_bad_period_gets_an_example(harness: Harness) -> None:
    h = harness
    refused = await h.say(OPERATOR, "/laporan 2026-S2")
    roles = h.config.sop.role_titles({"kasubbag", "sekretaris"})
    assert refused.body == texts.REPORT_NOT_ALLOWED.format(roles=roles)
    refused = await h.say(OPERATOR, "/laporan")  # no buttons for them either
    assert refused.button_texts == []

    bad = await h.say(SEKRETARIS, "/laporan 2026-13", expect="tidak dikenali")
    try:
        parse_report_period("2026-13", date(2026, 11, 23))
    except PeriodNotUnderstood as exc:
        examples = ", ".join(exc.examples)
    assert bad.body == shown(
        escape(texts.REPORT_PERIOD_UNKNOWN.format(text="2026-13", examples=examples))
    )
    assert "2026-S2" in bad.body and "2026-11" in bad.body

    # a press with data no button carries, and a reader's button pressed by an operator
    anything = await h.say(OPERATOR, "/bantuan")
    query = await h.server.press_callback(
        OPERATOR.user_id, anything.message_id, OPERATOR.user_id, "lp:2026-S2"
    )
    alert = await h.server.wait_for_answer(query)
    assert alert["text"] == texts.REPORT_NOT_ALLOWED.format(roles=roles)
    query = await h.server.press_callback(
        SEKRETARIS.user_id, bad.message_id, SEKRETARIS.user_id, "lp:2026-Q9"
    )
    assert (await h.server.wait_for_answer(query))["text"] == texts.BAD_BUTTON
    await h.settle()
    assert not [m for m in h.server.sent if m.kind in ("photo", "document")]  # nothing made

    # /laporan is in the menu and the help of those who may use it, and only theirs
    def menu(who: Person) -> list[str]:
        scope = {"type": "chat", "chat_id": who.user_id}
        return [c["command"] for c in h.server.my_commands(scope)]

    assert "laporan" in menu(SEKRETARIS) and "laporan" in menu(KASUBBAG)
    assert "laporan" not in menu(OPERATOR)
    assert texts.HELP_REPORT in (await h.say(SEKRETARIS, "/bantuan", expect="Peran")).body
    assert texts.HELP_REPORT not in anything.body


async def test_an_upload_telegram_failed_is_retried_alone_and_no_file_exceeds_the_limit(
    harness: Harness,
) -> None:
    h = harness
    for title in ("PKPU Nomor 1 Tahun 2026", "PKPU Nomor 2 Tahun 2026", "SK KPU Nomor 3"):
        code = await flows.open_item(h, title)
        await flows.give_direction(h, code)
    await h.settle()
    # Telegram fails the workbook's upload once: the chart is not sent again
    h.server.fail_next("sendDocument", ApiError.server_error())
    before = h.mark()
    await h.say(SEKRETARIS, "/laporan 2026-11", expect="sedang disiapkan")
    files = await report_files(h, SEKRETARIS, before)
    kinds = [m.kind for m in report_messages(h, SEKRETARIS, before) if not coming(m)]
    assert kinds == ["photo", "document", "document"]  # once each
    assert not await h.services.sender.undelivered()

    # Above Telegram's upload limit (lowered here: a real one needs some 200,000 items), a
    # file is not uploaded (Telegram would answer 413): the workbook's reader is told how to
    # get it, and the CSV goes zipped
    csv = content(h, files["csv"])
    h.services.sender.reports.upload_limit = len(csv) - 1  # type: ignore[union-attr]
    before = h.mark()
    await h.say(SEKRETARIS, "/laporan 2026-11", expect="sedang disiapkan")
    await h.server.wait_for(
        lambda m: (m.file_name or "").endswith(".zip") and h.server.sent.index(m) >= before
    )
    await h.settle()
    sent = [m for m in report_messages(h, SEKRETARIS, before) if not coming(m)]
    assert [m.kind for m in sent] == ["photo", "text", "document"]
    too_big = sent[1].body
    assert "laporan-monitoring-sop-2026-11.xlsx" in too_big and "50 MB" not in too_big
    assert "python -m bot laporan --period 2026-11 --out laporan.xlsx" in too_big
    zipped = sent[2]
    assert zipped.file_name == "laporan-peristiwa-2026-11.csv.zip"
    with zipfile.ZipFile(io.BytesIO(content(h, zipped))) as archive:
        assert archive.read("laporan-peristiwa-2026-11.csv") == csv


async def first_working_day(h: Harness, year: int, month: int) -> date:
    day = date(year, month, 1)
    while not h.config.calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


async def test_the_semester_report_and_the_review_reminder_are_sent_once_across_restarts(
    harness: Harness,
) -> None:
    h = harness
    await flows.open_item(h)
    # April 2027, the SOP's month: the sekretaris and the kasubbag are reminded to review it,
    # with the twelve months before (January passed while the bot's clock jumped: nothing
    # is made up for it)
    review_day = await first_working_day(h, 2027, REVIEW_MONTH_OF_THE_SOP)
    await settled(h)
    await h.stop_bot()
    h.clock.set(local(review_day.year, review_day.month, review_day.day, 10, 0))
    before = h.mark()
    await h.start_bot()  # down at the opening: sent at the start
    for person in (SEKRETARIS, KASUBBAG):
        await report_files(h, person, before)
        (reminder,) = review_intro(h, person)
        assert "SOP No. 3 Tahun 2022" in reminder.body
        assert texts.fmt_dates(date(2026, 4, 1), date(2027, 3, 31)) in reminder.body
    assert semester_intro(h, SEKRETARIS) == []
    assert review_intro(h, OPERATOR) == []
    await settled(h)
    await h.stop_bot()
    await h.start_bot()
    await at(h, review_day.year, review_day.month, review_day.day + 1, 9, 0)
    assert [len(review_intro(h, p)) for p in (SEKRETARIS, KASUBBAG)] == [1, 1]

    # July 2027: the first half-year's report to the sekretaris, at the opening
    july = await first_working_day(h, 2027, 7)
    await at(h, july.year, july.month, july.day, 7, 0)
    assert semester_intro(h, SEKRETARIS) == []  # the office is not open yet
    before = h.mark()
    await at(h, july.year, july.month, july.day, 7, 30)
    await report_files(h, SEKRETARIS, before)
    (semester,) = semester_intro(h, SEKRETARIS)
    assert "Januari–Juni 2027" in semester.body and "Juli" in semester.body
    assert semester_intro(h, KASUBBAG) == []
    assert "csv" not in await report_files(h, SEKRETARIS, before)  # no event in the half-year
    await settled(h)
    await h.stop_bot()
    await h.start_bot()
    await at(h, july.year, july.month, july.day, 11, 0)
    assert len(semester_intro(h, SEKRETARIS)) == 1


async def test_a_report_that_cannot_be_made_is_tried_again_then_the_reader_is_told(
    harness: Harness,
) -> None:
    h = harness

    class Broken:
        async def build(self, period: object) -> None:
            raise RuntimeError("disk full")

    delivery = h.services.sender.reports
    assert delivery is not None
    delivery.reports = Broken()  # type: ignore[assignment]
    await h.say(SEKRETARIS, "/laporan 2026-11", expect="sedang disiapkan")
    told = await h.server.wait_for_message(SEKRETARIS.user_id, contains="gagal dibuat")
    assert told.body == shown(
        texts.REPORT_FAILED.format(period="November 2026", cause="RuntimeError")
    )
    await h.settle()
    (owed,) = await h.services.sender.undelivered()  # for /antrean and /kirimulang
    assert owed.kind == "report" and owed.failed_at is not None
    assert "disk full" in (owed.last_error or "")
    assert len([m for m in h.server.sent if "gagal dibuat" in m.body]) == 1  # told once
