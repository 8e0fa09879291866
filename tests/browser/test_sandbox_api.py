"""The sandbox's JSON API and parts, without a browser: what the page is built on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot import texts
from bot.domain.worktime import WorkCalendar
from sandbox import office
from sandbox.clockview import ClockStep, step_target
from sandbox.launch import Running
from sandbox.richtext import to_html
from sandbox.runtime import MARKER, lock_data_dir, prepare_data_dir
from tests.harness import OFFICE
from tests.images import png_bytes

KOORDINATOR, KASUBBAG, OPERATOR = 1001, 1002, 1003


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE)


@pytest.fixture
async def client(live: Running) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=live.url) as session:
        yield session


async def get_json(client: aiohttp.ClientSession, path: str) -> Any:
    async with client.get(path) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def post_json(client: aiohttp.ClientSession, path: str, body: dict[str, Any]) -> int:
    async with client.post(path, json=body) as response:
        return response.status


async def test_the_page_and_the_demo_office_are_served_on_loopback(
    live: Running, client: aiohttp.ClientSession
) -> None:
    assert live.url.startswith("http://127.0.0.1:")
    assert live.sandbox.server.url.startswith("http://127.0.0.1:")
    async with client.get("/") as response:
        assert "Sandbox Bot SOP JDIH" in await response.text()
    async with client.get("/static/app.js") as response:
        assert response.status == 200
    state = await get_json(client, "/api/state")
    assert [(m["name"], m["role"]) for m in state["members"]] == [
        ("Rina Marlina", "koordinator"),
        ("Budi Santoso", "kasubbag"),
        ("Sari Wulandari", "operator"),
        ("Ahmad Fauzi", "divisi_hukum"),
        ("Hendra Gunawan", "sekretaris"),
        ("Dewi Lestari", ""),  # a guest, for /undang
        ("Kanal JDIH KPU Pulang Pisau (demo)", "channel"),  # the office's channel, read-only
    ]
    assert state["clock"]["label"] == "Senin, 23 November 2026 pukul 09.00 WIB"
    assert state["clock"]["open"] is True
    assert "baru" in [c["command"] for c in state["commands"]]


async def test_a_command_gets_the_bots_answer_with_its_formatting(
    live: Running, client: aiohttp.ClientSession
) -> None:
    before = len(live.sandbox.server.sent)
    assert await post_json(client, "/api/send", {"user_id": KOORDINATOR, "text": "/baru"}) == 200
    await live.sandbox.server.wait_for_message(KOORDINATOR, after=before)
    chat = await get_json(client, f"/api/chat/{KOORDINATOR}")
    mine, answer = chat["messages"]
    assert not mine["from_bot"] and "/baru" in mine["html"]
    assert answer["from_bot"] and "Kirim <b>judul</b> konten" in answer["html"]
    assert answer["time"] == "2026-11-23T09:00+07:00"  # sandbox time, not the wall clock


async def test_an_uploaded_file_reaches_the_bot_as_a_document_and_can_be_fetched(
    live: Running, client: aiohttp.ClientSession
) -> None:
    design = png_bytes(1080, 1350)
    form = aiohttp.FormData()
    form.add_field("user_id", str(OPERATOR))
    form.add_field("caption", "Caption")
    form.add_field("file", design, filename="desain.png", content_type="image/png")
    before = len(live.sandbox.server.sent)
    async with client.post("/api/upload", data=form) as response:
        assert response.status == 200
    # no item waits for a design: the bot says so, and the file is still in the chat
    await live.sandbox.server.wait_for_message(OPERATOR, after=before, contains="Tidak ada item")
    chat = await get_json(client, f"/api/chat/{OPERATOR}")
    sent = chat["messages"][0]
    assert sent["media"]["name"] == "desain.png" and sent["media"]["image"] is True
    assert sent["html"] == "Caption"
    async with client.get(sent["media"]["url"]) as response:
        assert response.content_type == "image/png"
        assert await response.read() == design


async def test_a_press_shows_the_bots_answer_as_a_toast(
    live: Running, client: aiohttp.ClientSession
) -> None:
    server = live.sandbox.server
    for text in ("/baru", "Judul percobaan", "Materi: teks"):
        before = len(server.sent)
        await post_json(client, "/api/send", {"user_id": KOORDINATOR, "text": text})
        receipt = await server.wait_for_message(KOORDINATOR, after=before)
    data = next(d for row in receipt.buttons for t, d in row if t == texts.BTN_MATERIAL_DONE)
    body = {"user_id": KOORDINATOR, "message_id": receipt.message_id, "data": data}
    assert await post_json(client, "/api/press", body) == 200
    await server.wait_for(lambda m: m.chat_id == KASUBBAG and "Langkah 1" in m.body)
    await server.wait_idle()
    chat = await get_json(client, f"/api/chat/{KOORDINATOR}")
    assert [t["text"] for t in chat["toasts"]] == [
        "Materi JDIH-2026-0001 dikirim kepada Kasubbag Hukum / Ketua Tim Teknis. Langkah 1 dimulai."
    ]
    state = await get_json(client, "/api/state")
    kasubbag = next(m for m in state["members"] if m["id"] == KASUBBAG)
    assert kasubbag["bot_ids"] and "JDIH-2026-0001" in kasubbag["last"]


async def test_the_guest_is_invited_with_undang_and_gets_a_menu_of_their_own(
    live: Running, client: aiohttp.ClientSession
) -> None:
    server = live.sandbox.server
    guest = office.GUESTS[0].user_id
    before = len(server.sent)
    await post_json(client, "/api/send", {"user_id": KASUBBAG, "text": "/undang"})
    picker = await server.wait_for_message(KASUBBAG, after=before)
    data = next(d for row in picker.buttons for t, d in row if t == "Admin/Operator Media Sosial")
    before = len(server.sent)
    body = {"user_id": KASUBBAG, "message_id": picker.message_id, "data": data}
    assert await post_json(client, "/api/press", body) == 200
    link = await server.wait_for_message(KASUBBAG, after=before, contains="start=")
    token = link.body.split("start=")[1].split()[0]
    await post_json(client, "/api/send", {"user_id": guest, "text": f"/start {token}"})
    card = await server.wait_for(
        lambda m: m.chat_id == KASUBBAG and texts.BTN_ACCEPT in m.button_texts
    )
    data = next(d for row in card.buttons for t, d in row if t == texts.BTN_ACCEPT)
    body = {"user_id": KASUBBAG, "message_id": card.message_id, "data": data}
    before = len(server.sent)
    assert await post_json(client, "/api/press", body) == 200
    await server.wait_for_message(guest, after=before, contains="Selamat bergabung")
    await server.wait_idle()
    state = await get_json(client, "/api/state")
    dewi = next(m for m in state["members"] if m["id"] == guest)
    assert dewi["role_title"] == "Admin/Operator Media Sosial"
    assert "tugas" in [c["command"] for c in dewi["commands"]]
    assert "baru" not in [c["command"] for c in dewi["commands"]]


async def test_the_clock_controls_move_the_sandbox_clock(
    live: Running, client: aiohttp.ClientSession
) -> None:
    async with client.post("/api/clock", json={"step": "15m"}) as response:
        assert (await response.json())["clock"]["label"].endswith("09.15 WIB")
    async with client.post("/api/clock", json={"step": "next-day"}) as response:
        label = (await response.json())["clock"]["label"]
        assert label == "Selasa, 24 November 2026 pukul 09.15 WIB"
    assert await post_json(client, "/api/clock", {"step": "1y"}) == 400
    assert live.sandbox.clock.now() == local(2026, 11, 24, 9, 15)


async def test_the_event_stream_sends_the_change_counter(
    live: Running, client: aiohttp.ClientSession
) -> None:
    async with client.get("/api/events") as response:
        assert response.content_type == "text/event-stream"
        first = await response.content.readline()
        assert first == f"data: {live.sandbox.version}\n".encode()
        await post_json(client, "/api/clock", {"step": "1h"})
        await response.content.readline()  # the blank line ending the first event
        moved = await response.content.readline()
        assert int(moved.decode().removeprefix("data: ")) > int(first.decode()[6:])


async def test_other_sites_cannot_act_through_the_browser(
    live: Running, client: aiohttp.ClientSession
) -> None:
    body = {"user_id": KOORDINATOR, "text": "/baru"}
    headers = {"Origin": "http://evil.example"}
    async with client.post("/api/send", json=body, headers=headers) as response:
        assert response.status == 403
    async with client.post("/api/send", data="{}", headers={"Content-Type": "text/plain"}) as r:
        assert r.status == 415
    async with client.get("/api/state", headers={"Host": "rebound.example:8080"}) as response:
        assert response.status == 403
    assert live.sandbox.server.state.chats[KOORDINATOR].messages == {}


async def test_only_demo_members_can_act(client: aiohttp.ClientSession) -> None:
    assert await post_json(client, "/api/send", {"user_id": 999, "text": "/baru"}) == 404
    assert await post_json(client, "/api/send", {"user_id": KOORDINATOR, "text": " "}) == 400
    async with client.get("/api/chat/999") as response:
        assert response.status == 404


# ------------------------------------------------------------------------------ parts
@pytest.mark.parametrize(
    ("now", "start"),
    [
        (local(2026, 11, 23, 10, 0), local(2026, 11, 23, 10, 0)),  # a working morning
        (local(2026, 11, 23, 6, 0), local(2026, 11, 23, 9, 0)),  # before opening
        (local(2026, 11, 23, 15, 0), local(2026, 11, 24, 9, 0)),  # an hour before closing
        (local(2026, 11, 29, 22, 0), local(2026, 11, 30, 9, 0)),  # Sunday night
    ],
)
def test_the_clock_starts_on_a_working_morning(now: datetime, start: datetime) -> None:
    calendar = WorkCalendar.default()
    assert office.start_time(now, calendar, OFFICE) == start


def test_next_working_day_keeps_the_time_or_takes_the_opening() -> None:
    calendar = WorkCalendar.default()
    step = ClockStep.NEXT_WORKING_DAY
    assert step_target(step, local(2026, 11, 27, 9, 0), calendar) == local(2026, 11, 30, 9, 0)
    # Friday 16:10 is within Friday's hours, not within Monday's (closing 16:00)
    assert step_target(step, local(2026, 11, 27, 16, 10), calendar) == local(2026, 11, 30, 7, 30)


def test_rich_text_is_escaped_and_keeps_telegrams_formatting() -> None:
    text = "Item JDIH-1 👋 <b>x</b>\nhttps://jdih.kpu.go.id/a. /status"
    bold = {"type": "bold", "offset": 5, "length": 6}
    html = to_html(text, [bold, {"type": "italic", "offset": 10, "length": 4}])
    assert html.startswith("Item <b>JDIH-</b><b><i>1</i></b><i> 👋</i> &lt;b&gt;x&lt;/b&gt;\n")
    assert "<a href='https://jdih.kpu.go.id/a' target='_blank' rel='noopener'>" in html
    assert "data-command='/status'" in html
    link = {"type": "text_link", "offset": 0, "length": 4, "url": "javascript:alert(1)"}
    assert to_html("klik", [link]) == "klik"  # only web links become links


def test_only_a_sandbox_folder_is_wiped(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(RuntimeError, match="not a sandbox folder"):
        prepare_data_dir(other)
    assert (other / "notes.txt").exists()

    mine = tmp_path / "sandbox"
    prepare_data_dir(mine)
    (mine / "sandbox.db").write_bytes(b"old")
    (mine / "keep.txt").write_text("kept", encoding="utf-8")
    prepare_data_dir(mine)
    assert not (mine / "sandbox.db").exists()
    assert (mine / "keep.txt").exists() and (mine / MARKER).exists()


def test_a_second_sandbox_cannot_take_a_folder_in_use(tmp_path: Path) -> None:
    prepare_data_dir(tmp_path)
    held = lock_data_dir(tmp_path)
    with pytest.raises(RuntimeError, match="another sandbox is running"):
        lock_data_dir(tmp_path)
    held.close()
    lock_data_dir(tmp_path).close()
