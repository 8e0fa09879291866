"""Takedown (penurunan) of a published post end to end, over real HTTP: asked with a reason
and an explanation, approved by the kasubbag (and by Divisi Hukum for a legal reason), each
link's removal confirmed by the operator; the original then reads "diturunkan" and its archive
records the takedown. And every way to ask wrongly, each refused with what to do instead."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot import texts
from bot.domain.periods import month
from localbotapi import BotMessage
from tests import flows
from tests.harness import (
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    OPERATOR,
    OPERATOR2,
    SEKRETARIS,
    Harness,
    Person,
)

INSTAGRAM = "https://instagram.com/p/abc123"
FACEBOOK = "https://facebook.com/kpu/posts/1"
TAKEDOWN = "TRN-2026-0001"
REVOKED = "Peraturan dicabut/diganti"  # a legal reason in the example SOP
WRONG = "Kesalahan isi konten"  # not a legal one


async def publish(h: Harness, title: str, links: str = f"{INSTAGRAM} {FACEBOOK}") -> str:
    return await flows.publish(h, title, links)


async def ask_takedown(h: Harness, who: Person, code: str, reason: str, explanation: str) -> str:
    """/turunkan CODE, the reason's button, the explanation: the bot's answer to it."""
    question = await h.say(who, f"/turunkan {code}", expect="Pilih alasan")
    assert reason in question.button_texts
    toast = await h.press(who, question, reason)
    assert toast == texts.TAKEDOWN_REASON_SET.format(reason=reason)
    await h.server.wait_for_message(who.user_id, contains="Tulis penjelasan")
    answer = await h.say(who, explanation)
    return answer.body


async def card(h: Harness, who: Person, code: str, button: str) -> BotMessage:
    return await h.server.wait_for(
        lambda m: m.chat_id == who.user_id and code in m.body and button in m.button_texts
    )


def link_button(url: str) -> str:
    host, _, rest = url.removeprefix("https://").partition("/")
    return texts.BTN_LINK_REMOVED.format(link=f"{host}/{rest.rstrip('/').rsplit('/', 1)[-1]}")


async def remove_links(h: Harness, code: str, urls: list[str]) -> list[str]:
    toasts = []
    for url in urls:
        removal = await card(h, OPERATOR, code, link_button(url))
        toasts.append(await h.press(OPERATOR, removal, link_button(url)))
        await h.settle()
    return toasts


# --- the whole way ------------------------------------------------------------------------------


async def test_a_legal_takedown_is_approved_twice_each_link_removed_and_archived(
    harness: Harness,
) -> None:
    h = harness
    code = await publish(h, "PKPU Nomor 9 Tahun 2026")
    # the coordinator sees "Turunkan" on the published item's status, and asks there
    status = await h.say(KOORDINATOR, f"/status {code}", expect="Riwayat")
    assert texts.BTN_TAKEDOWN in status.button_texts
    toast = await h.press(KOORDINATOR, status, texts.BTN_TAKEDOWN)
    assert toast.startswith(f"🗑 Penurunan {code}")
    question = await h.server.wait_for_message(KOORDINATOR.user_id, contains="Pilih alasan")
    assert question.button_texts[:4] == [REVOKED, WRONG, "Perintah pengadilan/KPU RI", "Lainnya"]
    await h.press(KOORDINATOR, question, REVOKED)
    await h.server.wait_for_message(KOORDINATOR.user_id, contains="Tulis penjelasan")
    started = await h.say(KOORDINATOR, "Dicabut dengan PKPU Nomor 12 Tahun 2026.")
    assert started.body == flows.shown(
        texts.TAKEDOWN_STARTED.format(
            code=TAKEDOWN, original=code, role="Kasubbag Hukum / Ketua Tim Teknis"
        )
    )

    # 1: the kasubbag approves; the card names the item, the reason and the links
    first = await card(h, KASUBBAG, TAKEDOWN, texts.BTN_APPROVE)
    assert texts.BTN_REFUSE in first.button_texts
    for shown in (code, REVOKED, "alasan hukum", "PKPU Nomor 12 Tahun 2026", INSTAGRAM, FACEBOOK):
        assert shown in first.body
    toast = await h.press(KASUBBAG, first, texts.BTN_APPROVE)
    assert toast == texts.TAKEDOWN_APPROVED_DONE.format(
        code=TAKEDOWN, role="Divisi Hukum / Tim Pengarah"
    )
    # 2: a legal reason: Divisi Hukum approves too
    second = await card(h, HUKUM, TAKEDOWN, texts.BTN_APPROVE)
    toast = await h.press(HUKUM, second, texts.BTN_APPROVE)
    assert toast == texts.TAKEDOWN_APPROVED_DONE.format(
        code=TAKEDOWN, role="Admin/Operator Media Sosial"
    )
    # 3: the operator removes each post and confirms each link; one left, the step goes on
    removal = await card(h, OPERATOR2, TAKEDOWN, link_button(INSTAGRAM))
    assert removal.button_texts == [link_button(INSTAGRAM), link_button(FACEBOOK)]
    toasts = await remove_links(h, TAKEDOWN, [FACEBOOK, INSTAGRAM])
    assert toasts == [
        texts.TAKEDOWN_LINK_DONE.format(code=TAKEDOWN),
        texts.TAKEDOWN_DONE_LAST.format(code=TAKEDOWN),
    ]
    notice = await h.server.wait_for(
        lambda m: m.chat_id == KOORDINATOR.user_id and "sudah diturunkan" in m.body
    )
    assert TAKEDOWN in notice.body and INSTAGRAM in notice.body and FACEBOOK in notice.body

    # the original reads "diturunkan", with the takedown, its reason and each step's decision
    status = await h.say(HUKUM, f"/status {code}", expect="Riwayat")
    assert "Status: diturunkan" in status.body
    assert texts.BTN_TAKEDOWN not in status.button_texts
    for shown in (TAKEDOWN, REVOKED, "Menyetujui penurunan konten", "Menyetujui penurunan atas"):
        assert shown in status.body
    assert f"{FACEBOOK} — dihapus, dikonfirmasi {OPERATOR.name}" in status.body
    assert "Tautan unggahan (sudah diturunkan" in status.body
    own = await h.say(SEKRETARIS, f"/status {TAKEDOWN}", expect="Riwayat")
    assert "Status: diturunkan" in own.body and f"Konten: {code}" in own.body

    # the original's archive records the takedown; its files stay
    await h.settle()
    folder = h.config.archive_dir / "2026" / "11" / code
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    takedown = meta["takedown"]
    assert (takedown["code"], takedown["status"], takedown["reason"]) == (
        TAKEDOWN,
        "diturunkan",
        REVOKED,
    )
    assert takedown["asked_by"] == KOORDINATOR.name and takedown["legal"] is True
    actions = [(d["name"], d["action"]) for d in takedown["decisions"]]
    assert actions == [
        (KOORDINATOR.name, "Penurunan diminta"),
        (KASUBBAG.name, "Disetujui"),
        (HUKUM.name, "Disetujui"),
        (OPERATOR.name, "Unggahan dihapus"),
        (OPERATOR.name, "Unggahan dihapus"),
    ]
    assert [s["key"] for s in takedown["steps"]] == ["setuju_kasubbag", "setuju_hukum", "hapus"]
    assert {link["url"]: link["removed_by"] for link in takedown["links"]} == {
        INSTAGRAM: OPERATOR.name,
        FACEBOOK: OPERATOR.name,
    }
    assert all(link["removed_at"] for link in takedown["links"])
    assert [f["path"] for f in meta["files"]] and all(
        (folder / f["path"]).is_file() for f in meta["files"]
    )
    summary = (folder / "ringkasan.html").read_text(encoding="utf-8")
    assert texts.ARCHIVE_TAKEDOWN_HEADING in summary and TAKEDOWN in summary


async def test_a_reason_that_is_not_legal_skips_divisi_hukum(harness: Harness) -> None:
    h = harness
    code = await publish(h, "Keputusan KPU Nomor 3 Tahun 2026", links=INSTAGRAM)
    started = await ask_takedown(h, KASUBBAG, code, WRONG, "Nomor keputusan salah ketik.")
    assert TAKEDOWN in started
    first = await card(h, KASUBBAG, TAKEDOWN, texts.BTN_APPROVE)
    assert "alasan hukum" not in first.body
    toast = await h.press(KASUBBAG, first, texts.BTN_APPROVE)
    assert toast == texts.TAKEDOWN_APPROVED_DONE.format(
        code=TAKEDOWN, role="Admin/Operator Media Sosial"
    )
    assert await remove_links(h, TAKEDOWN, [INSTAGRAM]) == [
        texts.TAKEDOWN_DONE_LAST.format(code=TAKEDOWN)
    ]
    await h.settle()
    # Divisi Hukum never got a card for it (only the notice that it is done)
    assert not [
        m for m in h.server.sent if m.chat_id == HUKUM.user_id and TAKEDOWN in m.body and m.buttons
    ]
    status = await h.say(KOORDINATOR, f"/status {code}", expect="Riwayat")
    assert "Status: diturunkan" in status.body and "Menyetujui penurunan atas" not in status.body


async def test_a_refused_takedown_leaves_the_post_published(harness: Harness) -> None:
    h = harness
    code = await publish(h, "PKPU Nomor 4 Tahun 2026", links=INSTAGRAM)
    await ask_takedown(h, KOORDINATOR, code, "Lainnya", "Permintaan dari sekretariat.")
    first = await card(h, KASUBBAG, TAKEDOWN, texts.BTN_REFUSE)
    await h.press(KASUBBAG, first, texts.BTN_REFUSE)
    await h.server.wait_for_message(KASUBBAG.user_id, contains="alasan penolakan")
    done = await h.say(KASUBBAG, "Belum ada dasar hukum.", expect=TAKEDOWN)
    assert done.body == texts.TAKEDOWN_REFUSED_DONE.format(code=TAKEDOWN)
    notice = await h.server.wait_for(
        lambda m: m.chat_id == KOORDINATOR.user_id and "ditolak" in m.body and TAKEDOWN in m.body
    )
    assert "Belum ada dasar hukum." in notice.body and "Konten tetap terbit" in notice.body
    status = await h.say(KOORDINATOR, f"/status {code}", expect="Riwayat")
    assert "Status: dipublikasikan" in status.body
    assert f"{TAKEDOWN} (ditolak)" in status.body and "Belum ada dasar hukum." in status.body
    assert texts.BTN_TAKEDOWN in status.button_texts  # it may be asked again
    again = await ask_takedown(h, KOORDINATOR, code, WRONG, "Isi tanggal salah.")
    assert "TRN-2026-0002" in again


async def test_the_bot_confirms_its_own_channel_post_and_one_deleted_by_hand(
    harness: Harness,
) -> None:
    """The hook the channel's deletion calls (bot/service/channel.py at merge): the bot deleted
    its own post, or found it deleted by hand; either way the link is confirmed, by the bot."""
    h = harness
    channel = "https://t.me/kanal_jdih/7"
    code = await publish(h, "PKPU Nomor 8 Tahun 2026", links=f"{INSTAGRAM} {channel}")
    await ask_takedown(h, KASUBBAG, code, WRONG, "Salah tanggal.")
    takedowns = h.services.service.takedowns
    found = await h.services.service.reads.status(code)
    assert found is not None
    original = found[0].id
    assert not await takedowns.removed_by_bot(original, channel)  # not approved yet: no
    first = await card(h, KASUBBAG, TAKEDOWN, texts.BTN_APPROVE)
    await h.press(KASUBBAG, first, texts.BTN_APPROVE)
    await card(h, OPERATOR, TAKEDOWN, link_button(channel))
    assert await takedowns.removed_by_bot(original, channel, gone=True)
    assert not await takedowns.removed_by_bot(original, channel)  # once
    await h.settle()
    # the operator's new card offers only the link left
    cards = [m for m in h.server.messages_in(OPERATOR.user_id) if TAKEDOWN in m.body and m.buttons]
    assert [m.button_texts for m in cards] == [[link_button(INSTAGRAM)]]
    assert await remove_links(h, TAKEDOWN, [INSTAGRAM]) == [
        texts.TAKEDOWN_DONE_LAST.format(code=TAKEDOWN)
    ]
    status = await h.say(KOORDINATOR, f"/status {code}", expect="Riwayat")
    assert f"{channel} — sudah terhapus sebelumnya" in status.body
    await h.settle()
    folder = h.config.archive_dir / "2026" / "11" / code
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    links = {link["url"]: (link["removed_by"], link["how"]) for link in meta["takedown"]["links"]}
    assert links == {
        channel: (texts.TAKEDOWN_BY_BOT, "gone"),
        INSTAGRAM: (OPERATOR.name, "operator"),
    }


# --- reminders and the monitoring report -------------------------------------------------------


async def test_a_late_takedown_step_is_reminded_and_the_report_counts_no_takedown(
    harness: Harness,
) -> None:
    h = harness
    code = await publish(h, "PKPU Nomor 6 Tahun 2026", links=INSTAGRAM)
    await ask_takedown(h, KOORDINATOR, code, WRONG, "Tanggal salah.")
    await card(h, KASUBBAG, TAKEDOWN, texts.BTN_APPROVE)
    # the kasubbag's approval has 1 working hour: two hours later, the reminder
    before = h.mark()
    h.clock.advance(timedelta(hours=2))
    reminder = await h.server.wait_for(
        lambda m: (
            m.chat_id == KASUBBAG.user_id
            and "Pengingat" in m.body
            and TAKEDOWN in m.body
            and any(m is x for x in h.server.sent[before:])
        ),
        timeout=10,
    )
    assert "Langkah 1: Menyetujui penurunan konten" in reminder.body
    # its button brings the takedown's card back, buttons and all
    assert await h.press(KASUBBAG, reminder, reminder.button_texts[0]) == texts.CARD_RESENT.format(
        code=TAKEDOWN
    )
    await h.settle()
    again = h.server.last_in(KASUBBAG.user_id)
    assert TAKEDOWN in again.body and texts.BTN_APPROVE in again.button_texts
    await h.press(KASUBBAG, again, texts.BTN_APPROVE)
    await remove_links(h, TAKEDOWN, [INSTAGRAM])
    await h.settle()

    # the report measures the publishing SOP: the takedown item is not in it, and the item
    # taken down counts as published in its period
    report = await h.services.reports.build(month(2026, 11))
    overview = report.figures.overview
    assert [row.code for row in report.figures.items] == [code]
    assert (overview.items, overview.published) == (1, 1)
    row = report.figures.items[0]
    assert (row.status_at_end, row.status_now) == ("published", "taken_down")


# --- bad input ----------------------------------------------------------------------------------


async def test_each_wrong_request_is_refused_with_what_to_do_instead(harness: Harness) -> None:
    h = harness

    async def refusal(who: Person, text: str) -> str:
        await h.settle()  # the cards owed meanwhile are out: the next message is the answer
        return (await h.say(who, text)).body

    # /turunkan is in the menu of those who may ask only
    for who, listed in ((KOORDINATOR, True), (KASUBBAG, True), (OPERATOR, False), (HUKUM, False)):
        scope = {"type": "chat", "chat_id": who.user_id}
        menu = [c["command"] for c in h.server.my_commands(scope)]
        assert ("turunkan" in menu) is listed, who
    # each wrong request, answered with what to do instead
    assert await refusal(KOORDINATOR, "/turunkan") == flows.shown(texts.TAKEDOWN_USAGE)
    assert await refusal(KOORDINATOR, "/turunkan JDIH-2026-9999") == texts.TAKEDOWN_UNKNOWN.format(
        code="JDIH-2026-9999"
    )
    running = await flows.open_item(h, "Item yang masih berjalan")
    assert await refusal(
        KOORDINATOR, f"/turunkan {running}"
    ) == texts.TAKEDOWN_NOT_PUBLISHED.format(code=running, status="dalam proses")
    code = await publish(h, "PKPU Nomor 5 Tahun 2026", links=INSTAGRAM)
    roles = "Kasubbag Hukum / Ketua Tim Teknis, Koordinator Bagian Tim Teknis JDIH"
    for who in (OPERATOR, HUKUM, SEKRETARIS):
        assert await refusal(who, f"/turunkan {code}") == texts.TAKEDOWN_NOT_OPENER.format(
            roles=roles
        )
        status = await h.say(who, f"/status {code}", expect="Riwayat")
        assert texts.BTN_TAKEDOWN not in status.button_texts  # only those who may ask see it

    # the explanation left empty: said, and the question stays open
    question = await h.say(KOORDINATOR, f"/turunkan {code}", expect="Pilih alasan")
    reason = _data(question, REVOKED)  # kept: its buttons come off with the next question
    await h.press(KOORDINATOR, question, REVOKED)
    await h.server.wait_for_message(KOORDINATOR.user_id, contains="Tulis penjelasan")
    assert await refusal(KOORDINATOR, " - ") == texts.TAKEDOWN_TEXT_EMPTY
    assert TAKEDOWN in await refusal(KOORDINATOR, "Dicabut.")

    # a takedown already under way (named), and the stale reason button pressed again
    assert await refusal(KASUBBAG, f"/turunkan {code}") == texts.TAKEDOWN_UNDER_WAY.format(
        code=code, takedown=TAKEDOWN
    )
    alert = await _press_data(h, KOORDINATOR, question, reason)
    assert alert["text"] == texts.TAKEDOWN_UNDER_WAY.format(code=code, takedown=TAKEDOWN)[:200]
    # the takedown item itself is not a post to take down
    assert await refusal(KASUBBAG, f"/turunkan {TAKEDOWN}") == texts.TAKEDOWN_OF_TAKEDOWN.format(
        code=TAKEDOWN
    )
    # a forged reason, and a forged link position
    forged = reason.replace("dicabut", "bohong")
    alert = await _press_data(h, KOORDINATOR, question, forged)
    assert alert["text"] == texts.TAKEDOWN_UNDER_WAY.format(code=code, takedown=TAKEDOWN)[:200]

    first = await card(h, KASUBBAG, TAKEDOWN, texts.BTN_APPROVE)
    # legal reason: Divisi Hukum; the kasubbag's old card is stale now
    approve = _data(first, texts.BTN_APPROVE)
    await h.press(KASUBBAG, first, texts.BTN_APPROVE)
    second = await card(h, HUKUM, TAKEDOWN, texts.BTN_APPROVE)
    alert = await _press_data(h, KASUBBAG, first, approve)
    assert alert.get("show_alert") and "Disetujui" in alert["text"]
    await h.press(HUKUM, second, texts.BTN_APPROVE)
    removal = await card(h, OPERATOR, TAKEDOWN, link_button(INSTAGRAM))
    link = _data(removal, link_button(INSTAGRAM))
    wrong = link.rsplit(":", 1)[0] + ":9"
    alert = await _press_data(h, OPERATOR, removal, wrong)
    assert alert["text"] == texts.TAKEDOWN_LINK_GONE
    # a member without the role presses the operator's button: who may is named
    alert = await _press_data(h, KASUBBAG, removal, link)
    assert "Admin/Operator Media Sosial" in alert["text"]
    await h.press(OPERATOR, removal, link_button(INSTAGRAM))
    await h.settle()
    # taken down already: named with its takedown
    assert await refusal(KASUBBAG, f"/turunkan {code}") == texts.TAKEDOWN_ALREADY.format(
        code=code, takedown=TAKEDOWN
    )
    # the same link pressed twice: nothing happens twice
    alert = await _press_data(h, OPERATOR, removal, link)
    assert alert.get("show_alert")


async def _press_data(h: Harness, who: Person, message: BotMessage, data: str) -> dict[str, Any]:
    query = await h.server.press_callback(who.user_id, message.message_id, message.chat_id, data)
    return await h.server.wait_for_answer(query)


def _data(message: BotMessage, label: str) -> str:
    data = next(data for text, data in (b for row in message.buttons for b in row) if text == label)
    assert data is not None
    return data
