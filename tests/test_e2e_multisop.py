"""An office with two SOPs end to end: /baru offers both (and refuses a member who may not
open under the one chosen, naming who may), each item keeps its own SOP's limits (the
reminder comes at each SOP's own due time, on the injected clock), /status and the
reminders name each item's SOP; and an SOP file taken out of the config while an item still
follows it: the bot keeps running that item on its stored copy, and tells the admins."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.config import ConfigError, parse_config
from bot.domain.clock import ManualClock
from localbotapi import BotMessage, LocalBotApi
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import (
    ADMINS,
    KASUBBAG,
    KOORDINATOR,
    MONDAY_MORNING,
    OFFICE,
    OPERATOR,
    TOKEN,
    Harness,
    Person,
    config_data,
)

DEFAULT_SOP = Path(__file__).resolve().parents[1] / "bot" / "domain" / "sop_default.toml"
JDIH = "Pengunggahan Informasi Ke Dalam Media Sosial JDIH (SOP No. 3 Tahun 2022)"
BERITA = "Publikasi Berita Kegiatan (SOP No. 9 Tahun 2026)"
REMINDER = "Pengingat"


def write_sops(base: Path) -> dict[str, Any]:
    """The default SOP, and a second one for news: its own prefix and key, opened by the
    kasubbag alone, and two hours for the design instead of thirty minutes."""
    text = DEFAULT_SOP.read_text(encoding="utf-8")
    (base / "jdih.toml").write_text(text, encoding="utf-8")
    berita = (
        text.replace('name = "Pengunggahan Informasi Ke Dalam Media Sosial JDIH"', "")
        .replace('number = "SOP No. 3 Tahun 2022"', "")
        .replace('item_prefix = "JDIH"', "")
        .replace('openers = ["koordinator", "kasubbag"]', "")
        .replace('limit = "30 menit"', 'limit = "2 jam"')
    )
    header = (
        'name = "Publikasi Berita Kegiatan"\nnumber = "SOP No. 9 Tahun 2026"\n'
        'key = "berita"\nitem_prefix = "BRT"\nopeners = ["kasubbag"]\n'
    )
    (base / "berita.toml").write_text(header + berita, encoding="utf-8")
    return {"files": ["jdih.toml", "berita.toml"]}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE)


async def open_under(h: Harness, who: Person, sop: str, title: str) -> str:
    """/baru, the SOP's button, a title, some material handed in; returns the item's code."""
    choice = await h.say(who, "/baru", expect=texts.ASK_SOP.split("<b>")[0])
    await h.press(who, choice, sop)
    prompt = await h.say(who, title, expect="Item ")
    code = prompt.body.split("Item ")[1].split(" ")[0]
    material = await h.say(who, "Materi: https://jdih.kpu.go.id/berita-1", expect=code)
    await h.press(who, material, texts.BTN_MATERIAL_DONE)
    return code


async def to_design(h: Harness, code: str) -> None:
    await flows.give_direction(h, code)
    await flows.brief_for(h, code, OPERATOR)


def reminders_for(h: Harness, code: str, after: int) -> list[BotMessage]:
    return [
        m
        for m in h.server.sent[after:]
        if m.chat_id == OPERATOR.user_id and REMINDER in m.body and code in m.body
    ]


async def test_two_sops_side_by_side_each_item_keeps_its_own(
    make_harness: HarnessFactory, tmp_path: Path
) -> None:
    async with make_harness(sop=write_sops(tmp_path)) as h:
        # /baru offers both SOPs, by name and number
        choice = await h.say(KOORDINATOR, "/baru", expect="SOP")
        assert choice.button_texts == [JDIH, BERITA]
        # the koordinator may not open news items: refused, naming who may
        refusal = await h.press(KOORDINATOR, choice, BERITA)
        assert "Kasubbag Hukum / Ketua Tim Teknis" in refusal and BERITA in refusal

        jdih = await open_under(h, KOORDINATOR, JDIH, "PKPU Nomor 2 Tahun 2026")
        berita = await open_under(h, KASUBBAG, BERITA, "Rapat koordinasi JDIH")
        assert jdih.startswith("JDIH-2026-") and berita == "BRT-2026-0001"

        await to_design(h, jdih)  # due 09:30 under SOP No. 3 (30 minutes)
        await to_design(h, berita)  # due 11:00 under SOP No. 9 (2 hours)

        status = await h.say(KASUBBAG, f"/status {jdih}", expect=jdih)
        assert f"SOP: {JDIH}" in status.body
        status = await h.say(KASUBBAG, f"/status {berita}", expect=berita)
        assert f"SOP: {BERITA}" in status.body
        assert "Batas waktu 2 jam" in status.body or "2 jam" in status.body
        assert "11.00" in status.body

        tasks = await h.say(OPERATOR, "/tugas", expect="Tugas")
        assert f"SOP: {BERITA}" in tasks.body and f"SOP: {JDIH}" in tasks.body

        await h.settle()
        before = h.mark()
        h.clock.set(local(2026, 11, 23, 9, 40))  # past JDIH's due time, not BRT's
        first = await h.server.wait_for(
            lambda m: m.chat_id == OPERATOR.user_id and REMINDER in m.body and jdih in m.body
        )
        assert f"SOP: {JDIH}" in first.body and "30 menit" in first.body
        await h.settle()
        assert reminders_for(h, berita, before) == []  # its two hours are not over

        h.clock.set(local(2026, 11, 23, 11, 5))  # past BRT's own due time
        second = await h.server.wait_for(
            lambda m: m.chat_id == OPERATOR.user_id and REMINDER in m.body and berita in m.body
        )
        assert f"SOP: {BERITA}" in second.body and "2 jam" in second.body
        assert "pukul 11.00" in second.body


async def test_an_sop_file_removed_while_an_item_follows_it(
    make_harness: HarnessFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    both = write_sops(tmp_path)
    async with make_harness(sop=both) as h:
        berita = await open_under(h, KASUBBAG, BERITA, "Rapat koordinasi JDIH")
        await h.settle()
    # the news SOP's file is taken out of the config; its item is still open
    caplog.set_level(logging.WARNING)
    async with make_harness(sop={"file": "jdih.toml"}) as h:
        for admin in ADMINS:
            notice = await h.server.wait_for(
                lambda m, who=admin: m.chat_id == who.user_id and "konfigurasi" in m.body
            )
            assert "Publikasi Berita Kegiatan (SOP No. 9 Tahun 2026)" in notice.body
            assert berita in notice.body and "tidak lagi ada di konfigurasi" in notice.body
        logged = [r.getMessage() for r in caplog.records]
        assert any("'berita'" in line and berita in line for line in logged)
        # /baru no longer offers it: one SOP publishes, so no question is asked
        prompt = await h.say(KOORDINATOR, "/baru", expect="judul")
        assert prompt.button_texts == [] or texts.BTN_MATERIAL_DONE not in prompt.button_texts
        assert "SOP" not in prompt.body.split("judul")[0] or "Pilih" not in prompt.body
        # the item runs on, by the stored copy: its direction, then the operator's brief
        await to_design(h, berita)
        status = await h.say(KASUBBAG, f"/status {berita}", expect=berita)
        assert f"SOP: {BERITA}" in status.body and "2 jam" in status.body
    # started again on the same day: the admins are not told twice
    async with make_harness(sop={"file": "jdih.toml"}) as h:
        await h.settle()
        told = [m for m in h.server.sent if berita in m.body and "konfigurasi" in m.body]
        assert len(told) == len(ADMINS)


async def test_an_item_at_a_step_the_revised_sop_removed_stops_the_start(
    make_harness: HarnessFactory, tmp_path: Path, server: LocalBotApi, database_url: str
) -> None:
    both = write_sops(tmp_path)
    async with make_harness(sop=both) as h:
        berita = await open_under(h, KASUBBAG, BERITA, "Rapat koordinasi JDIH")
        await flows.give_direction(h, berita)  # at the design step now
        await flows.brief_for(h, berita, OPERATOR)
        await h.settle()
    revised = (tmp_path / "berita.toml").read_text(encoding="utf-8")
    revised = revised.replace('key = "desain"', 'key = "rancang"').replace(
        'return_to = "desain"', 'return_to = "rancang"'
    )
    (tmp_path / "berita.toml").write_text(revised, encoding="utf-8")
    config = parse_config(
        config_data(server, database_url, sop=both),
        base_dir=tmp_path,
        environ={"JDIH_BOT_TOKEN": TOKEN},
    )
    h = Harness(server=server, config=config, clock=ManualClock(MONDAY_MORNING))
    with pytest.raises(ConfigError, match=rf"{berita} at step 'desain' of 'berita'"):
        await h.start_bot()
    assert h.app is not None and h.app.post_shutdown is not None
    await h.app.shutdown()
    await h.app.post_shutdown(h.app)
