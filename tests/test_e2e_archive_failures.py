"""An item's digital archive is never lost silently: long and odd file names are archived
under safe names (the originals in metadata.json), a failed archive is an alarm to the admins
and the kasubbag, /antrean names the real cause, and /kirimulang writes it once it can."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import update

from bot import texts
from localbotapi import LocalBotApi
from storage.models import OutboxMessage
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import KASUBBAG, KOORDINATOR, SEKRETARIS, Harness

RLO = "\u202e"
# Over 256 characters (PostgreSQL's old column) and over 255 bytes (a file name on disk).
LONG_NAME = (
    "Peraturan Komisi Pemilihan Umum Républik Indonésia tentang Tahapan, Program dan Jadwal "
    "Penyelenggaraan Pemilihan Gubernur dan Wakil Gubernur, Bupati dan Wakil Bupati, serta "
    "Wali Kota dan Wakil Wali Kota Tahun 2026 — salinan résmi yang ditandatangani "
    f"{RLO}fdp.exe pada tanggal 2 Januari 2026.pdf"
)


async def _published(h: Harness, material_name: str = "pkpu-2-2026.pdf") -> str:
    """An item through every step, its material a PDF named `material_name`; its code."""
    who = KOORDINATOR
    await h.say(who, "/baru")
    prompt = await h.say(who, "Jadwal Pemilihan 2026")
    code = prompt.body.split("Item ")[1].split(" ")[0]
    before = h.mark()
    await h.server.send_document(who.user_id, flows.PDF, material_name, "application/pdf")
    receipt = await h.server.wait_for_message(who.user_id, after=before)
    await h.press(who, receipt, texts.BTN_MATERIAL_DONE)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    await flows.order_upload(h, code)
    await flows.report_posted(h, code)
    return code


def _folder(h: Harness, code: str) -> Path:
    return h.config.archive_dir / "2026" / "11" / code


def _alarms(h: Harness, chat_id: int) -> list[str]:
    return [m.body for m in h.server.messages_in(chat_id) if "gagal ditulis" in m.body]


async def test_a_long_accented_material_name_is_archived_under_a_safe_name(
    harness: Harness,
) -> None:
    h = harness
    assert len(LONG_NAME) > 256 and len(LONG_NAME.encode()) > 255
    code = await _published(h, LONG_NAME)
    await h.settle()

    folder = _folder(h, code)
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    material = next(f for f in meta["files"] if f["role"] == "materi")
    # the name as sent, whole, but with nothing invisible (the override is gone)
    assert material["name"] == LONG_NAME.replace(RLO, "")
    stored = folder / material["path"]
    assert stored.read_bytes() == flows.PDF
    assert stored.suffix == ".pdf" and len(stored.name.encode()) <= 255
    assert RLO not in stored.name
    assert not _alarms(h, KASUBBAG.user_id)
    assert (await h.say(KASUBBAG, "/antrean")).body == texts.QUEUE_EMPTY


async def test_an_archive_that_cannot_be_written_is_an_alarm_and_is_written_on_resend(
    make_harness: HarnessFactory, server: LocalBotApi
) -> None:
    # an admin who is not the kasubbag hears of it too
    telegram = {
        "api_base_url": server.base_url,
        "file_base_url": server.base_file_url,
        "admins": [KASUBBAG.user_id, SEKRETARIS.user_id],
    }
    async with make_harness(telegram=telegram) as h:
        h.config.archive_dir.parent.mkdir(parents=True, exist_ok=True)
        h.config.archive_dir.write_text("not a folder")  # e.g. a mistake on the server
        code = await _published(h)

        for leader in (KASUBBAG, SEKRETARIS):
            alarm = await h.server.wait_for_message(leader.user_id, contains="gagal ditulis")
            assert code in alarm.body and "Jadwal Pemilihan 2026" in alarm.body
            assert texts.CAUSE_NOT_A_FOLDER in alarm.body and "/kirimulang" in alarm.body
        await h.settle()
        assert len(_alarms(h, KASUBBAG.user_id)) == 1  # once, not once per attempt

        report = await h.say(KASUBBAG, "/antrean", expect="Antrean pengiriman")
        assert f"Arsip digital {code}" in report.body
        assert texts.CAUSE_NOT_A_FOLDER in report.body
        assert "Ditolak Telegram" not in report.body

        h.config.archive_dir.unlink()  # the admin puts it right, then sends again
        await h.say(KASUBBAG, "/kirimulang", expect="dikirim ulang")
        await h.settle()
        assert (_folder(h, code) / "metadata.json").is_file()
        assert (await h.say(KASUBBAG, "/antrean")).body == texts.QUEUE_EMPTY


async def test_an_archive_job_that_failed_before_the_fix_is_written_by_kirimulang(
    harness: Harness,
) -> None:
    h = harness
    code = await _published(h, LONG_NAME)
    await h.settle()
    # As the bot before this fix left it: no folder, the job given up with Python's words.
    shutil.rmtree(_folder(h, code), ignore_errors=True)
    async with h.engine.begin() as connection:
        await connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == "archive")
            .values(
                delivered_at=None,
                failed_at=OutboxMessage.created_at,
                attempts=5,
                last_error="ArchiveError('cannot copy x: [Errno 36] File name too long')",
            )
        )

    report = await h.say(KASUBBAG, "/antrean", expect="Antrean pengiriman")
    assert f"Arsip digital {code}" in report.body and "File name too long" in report.body
    assert "Ditolak Telegram" not in report.body

    await h.say(KASUBBAG, "/kirimulang", expect="dikirim ulang")
    await h.settle()
    meta = json.loads((_folder(h, code) / "metadata.json").read_text(encoding="utf-8"))
    assert any(f["name"] == LONG_NAME.replace(RLO, "") for f in meta["files"])
