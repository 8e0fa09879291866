"""The office's Telegram channel end to end (issue 19): the bot posts the approved version
when the upload is ordered, records the t.me links, shows them to the operator, replaces an
older version's posts, deletes them for a takedown, and raises the alarm when Telegram
refuses; over real HTTP, against the local Bot API server's channels."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from bot import texts
from bot.service.channel import PostState
from localbotapi import BotMessage, LocalBotApi
from tests import flows
from tests.harness import HUKUM, KASUBBAG, KOORDINATOR, OPERATOR, Harness
from tests.images import png_bytes

CHANNEL_ID = -1001234567890
CHANNEL = "@kanal_jdih_kantor"
Factory = Callable[..., AbstractAsyncContextManager[Harness]]


@asynccontextmanager
async def office(
    make_harness: Factory, server: LocalBotApi, **membership: Any
) -> AsyncIterator[Harness]:
    """An office with a public channel; `membership`: the bot's there (add_channel's)."""
    server.add_channel(CHANNEL_ID, "Kanal JDIH KPU Pulang Pisau", "kanal_jdih_kantor", **membership)
    async with make_harness(publish={"telegram": {"channel": CHANNEL}}) as h:
        yield h


async def ordered(h: Harness, title: str = "PKPU Nomor 2 Tahun 2026") -> str:
    """An item through the SOP to the kasubbag's order to upload; returns its code."""
    code = await flows.open_item(h, title)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 1)
    await flows.approve_legal(h, code, 1)
    await flows.order_upload(h, code)
    return code


async def posting_card(h: Harness, code: str, contains: str) -> BotMessage:
    return await h.server.wait_for(
        lambda m: (
            m.chat_id == OPERATOR.user_id
            and code in m.body
            and texts.BTN_REPORT_POSTED in m.button_texts
            and contains in m.body
        )
    )


async def card_again(h: Harness, code: str) -> None:
    """The operator asks for the item's card again (/tugas, its button)."""
    button = texts.BTN_TASK_CARD.format(code=code)
    earlier = {(m.chat_id, m.message_id) for m in h.server.sent}
    await h.server.send_text(OPERATOR.user_id, "/tugas")
    tasks = await h.server.wait_for(
        lambda m: (
            m.chat_id == OPERATOR.user_id
            and button in m.button_texts
            and (m.chat_id, m.message_id) not in earlier
        )
    )
    await h.press(OPERATOR, tasks, button)


async def item_id(h: Harness, code: str) -> int:
    found = await h.services.service.reads.status(code)
    assert found is not None
    return found[0].id


async def test_ordered_upload_is_posted_to_the_channel_and_one_tap_publishes_it(
    make_harness: Factory, server: LocalBotApi
) -> None:
    async with office(make_harness, server) as h:
        # the channel post waits at Telegram: the operator's card comes first, and says so
        held = server.hold("sendPhoto", lambda p: p.get("chat_id") == CHANNEL)
        code = await ordered(h)
        await held.wait_held()
        card = await posting_card(h, code, "sedang mengunggah konten ini ke kanal kantor")
        assert texts.BTN_CHANNEL_ONLY in card.button_texts
        held.release()
        await h.settle()
        posts = server.channel_posts(CHANNEL_ID)
        assert [(p.kind, p.caption) for p in posts] == [("photo", "Caption postingan")]
        link = f"https://t.me/kanal_jdih_kantor/{posts[0].message_id}"

        # the card asked for again (/tugas) shows the link recorded
        await card_again(h, code)
        card = await posting_card(h, code, link)
        done = await h.press(OPERATOR, card, texts.BTN_CHANNEL_ONLY)
        assert done == texts.DONE_POSTED.format(code=code)

        notice = await h.server.wait_for(
            lambda m: m.chat_id == KOORDINATOR.user_id and "sudah dipublikasikan" in m.body
        )
        assert link in notice.body
        status = await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")
        assert link in status.body
        await h.settle()
        folder = h.config.archive_dir / "2026" / "11" / code
        assert link in (folder / "metadata.json").read_text(encoding="utf-8")
        assert len(server.channel_posts(CHANNEL_ID)) == 1  # posted once


async def test_operator_reports_other_platforms_and_the_item_keeps_both_links(
    make_harness: Factory, server: LocalBotApi
) -> None:
    async with office(make_harness, server) as h:
        code = await ordered(h)
        await h.settle()
        link = f"https://t.me/kanal_jdih_kantor/{server.channel_posts(CHANNEL_ID)[0].message_id}"
        await flows.report_posted(h, code, links="https://instagram.com/p/abc123")
        status = await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")
        assert link in status.body and "https://instagram.com/p/abc123" in status.body


async def test_a_refused_post_alarms_the_kasubbag_and_admins_and_a_retry_posts_it(
    make_harness: Factory, server: LocalBotApi
) -> None:
    server.add_channel(CHANNEL_ID, "Kanal JDIH", "kanal_jdih_kantor", bot="member")
    admin = flows.ADMIN_WITHOUT_ROLE
    telegram = flows.admin_without_role(server)
    async with make_harness(publish={"telegram": {"channel": CHANNEL}}, telegram=telegram) as h:
        code = await ordered(h)
        refused = "need administrator rights in the channel chat"
        for person in (KASUBBAG, admin):
            alarm = await server.wait_for(
                lambda m, chat=person.user_id: (
                    m.chat_id == chat and "Unggahan ke kanal Telegram ditolak" in m.body
                )
            )
            assert code in alarm.body and "/kirimulang" in alarm.body
            assert refused.lower() in alarm.body.lower()  # PTB drops "Bad Request: "
        assert server.channel_posts(CHANNEL_ID) == []
        # the operator's card (asked for again) says so: they may post by hand and report
        await card_again(h, code)
        card = await posting_card(h, code, "bot gagal mengunggah ke kanal kantor")
        assert texts.BTN_CHANNEL_ONLY not in card.button_texts
        waiting = await h.say(admin, "/antrean")
        assert "kanal menolak" in waiting.body and texts.QUEUE_CHANNEL in waiting.body

        # made an administrator with the right to post, a retry posts it
        server.set_channel_bot(CHANNEL_ID, "administrator")
        await h.say(admin, "/kirimulang")
        await h.settle()
        posts = server.channel_posts(CHANNEL_ID)
        assert [p.caption for p in posts] == ["Caption postingan"]
        await card_again(h, code)
        link = f"https://t.me/kanal_jdih_kantor/{posts[0].message_id}"
        card = await posting_card(h, code, link)
        assert texts.BTN_CHANNEL_ONLY in card.button_texts


async def test_a_channel_the_bot_is_not_in_is_an_alarm_naming_telegrams_refusal(
    make_harness: Factory, server: LocalBotApi
) -> None:
    async with office(make_harness, server, bot="left") as h:
        code = await ordered(h)
        alarm = await server.wait_for(
            lambda m: m.chat_id == KASUBBAG.user_id and "Unggahan ke kanal" in m.body
        )
        assert code in alarm.body
        assert "bot is not a member of the channel chat" in alarm.body.lower()


async def test_a_newer_version_replaces_the_older_posts(
    make_harness: Factory, server: LocalBotApi
) -> None:
    async with office(make_harness, server) as h:
        code = await ordered(h)
        await h.settle()
        [first] = server.channel_posts(CHANNEL_ID)
        # at the posting step the operator hands in a corrected version: review again
        brief = await server.wait_for(
            lambda m: m.chat_id == OPERATOR.user_id and code in m.body and "Langkah 2" in m.body
        )
        for page in (1, 2):
            before = h.mark()
            await server.send_document(
                OPERATOR.user_id,
                png_bytes(1080, 1350, (page * 40, 90, 200)),
                f"ralat-{page}.png",
                "image/png",
                reply_to=brief.message_id,
                caption="Caption diperbaiki" if page == 1 else None,
            )
            receipt = await server.wait_for_message(OPERATOR.user_id, after=before)
        await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
        await flows.approve_check(h, code, 2)
        await flows.approve_legal(h, code, 2)
        await flows.order_upload(h, code)
        await h.settle()
        live = server.channel_posts(CHANNEL_ID)
        assert len(live) == 2 and first.message_id not in [p.message_id for p in live]
        assert live[0].caption == "Caption diperbaiki" and live[0].media_group_id is not None
        posts = await h.services.service.channel.posts(await item_id(h, code))
        assert [(p.version, p.state) for p in posts] == [
            (1, PostState.REPLACED),
            (2, PostState.LIVE),
            (2, PostState.LIVE),
        ]
        done = await h.press(
            OPERATOR, await posting_card(h, code, "Versi desain: 2"), texts.BTN_CHANNEL_ONLY
        )
        assert done == texts.DONE_POSTED.format(code=code)
        status = await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")
        assert f"/{first.message_id}\n" not in status.body + "\n"
        for post in live:
            assert f"https://t.me/kanal_jdih_kantor/{post.message_id}" in status.body


async def test_removal_deletes_the_posts_and_one_deleted_by_hand_is_already_gone(
    make_harness: Factory, server: LocalBotApi
) -> None:
    async with office(make_harness, server) as h:
        code = await ordered(h)
        await h.settle()
        await h.press(OPERATOR, await posting_card(h, code, ""), texts.BTN_CHANNEL_ONLY)
        await h.settle()
        # a second item, two pages: one of its posts deleted by hand in the Telegram app
        other = await flows.open_item(h, "Keputusan KPU Nomor 5 Tahun 2026")
        await flows.give_direction(h, other)
        await flows.upload_design(h, other, pages=2)
        await h.press(OPERATOR, h.server.last_in(OPERATOR.user_id), texts.BTN_SUBMIT_DESIGN)
        await flows.approve_check(h, other, 1)
        await flows.approve_legal(h, other, 1)
        await flows.order_upload(h, other)
        await h.settle()
        first, second, _third = server.channel_posts(CHANNEL_ID)
        server.delete_post_by_hand(CHANNEL_ID, second.message_id)

        channel = h.services.service.channel
        assert await channel.remove(await item_id(h, other)) == 2
        await h.settle()
        assert [p.message_id for p in server.channel_posts(CHANNEL_ID)] == [first.message_id]
        states = [p.state for p in await channel.posts(await item_id(h, other))]
        assert states == [PostState.GONE, PostState.DELETED]
        assert not any("Penghapusan" in m.body for m in server.messages_in(KASUBBAG.user_id))
        # the published item's post goes too
        assert await channel.remove(await item_id(h, code)) == 1
        await h.settle()
        assert server.channel_posts(CHANNEL_ID) == []
        assert await channel.remove(await item_id(h, code)) == 0  # nothing left: nothing owed


async def test_a_deletion_refused_for_rights_is_an_alarm(
    make_harness: Factory, server: LocalBotApi
) -> None:
    async with office(make_harness, server) as h:
        code = await ordered(h)
        await h.settle()
        server.set_channel_bot(CHANNEL_ID, "member")
        await h.services.service.channel.remove(await item_id(h, code))
        alarm = await server.wait_for(
            lambda m: m.chat_id == KASUBBAG.user_id and "Penghapusan di kanal" in m.body
        )
        assert code in alarm.body and "message can't be deleted" in alarm.body.lower()
        assert len(server.channel_posts(CHANNEL_ID)) == 1
        server.set_channel_bot(CHANNEL_ID, "administrator")
        await h.say(KASUBBAG, "/kirimulang")
        await h.settle()
        assert server.channel_posts(CHANNEL_ID) == []


async def test_a_crash_after_telegram_posted_is_not_posted_twice(
    make_harness: Factory, server: LocalBotApi
) -> None:
    async with office(make_harness, server) as h:
        # Telegram posts it, the answer never reaches the bot: it stops (as in a crash)
        held = server.hold("sendPhoto", lambda p: p.get("chat_id") == CHANNEL, answered=True)
        code = await ordered(h)
        await held.wait_held()
        await h.stop_bot()
        held.release()
        await h.start_bot()
        alarm = await server.wait_for(
            lambda m: m.chat_id == KASUBBAG.user_id and "terputus" in m.body
        )
        assert code in alarm.body and "/kirimulang" in alarm.body
        await h.settle()
        assert len(server.channel_posts(CHANNEL_ID)) == 1  # not a second time


async def test_links_recorded_after_the_operator_reported_join_the_published_item(
    make_harness: Factory, server: LocalBotApi
) -> None:
    async with office(make_harness, server) as h:
        held = server.hold("sendPhoto", lambda p: p.get("chat_id") == CHANNEL)
        code = await ordered(h)
        await held.wait_held()
        # the operator reports the other platform before the channel post is recorded
        await flows.report_posted(h, code, links="https://instagram.com/p/abc123")
        await h.server.wait_for(
            lambda m: m.chat_id == KOORDINATOR.user_id and "sudah dipublikasikan" in m.body
        )
        held.release()
        await h.settle()
        [post] = server.channel_posts(CHANNEL_ID)
        link = f"https://t.me/kanal_jdih_kantor/{post.message_id}"
        status = await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")
        assert link in status.body and "https://instagram.com/p/abc123" in status.body
        folder = h.config.archive_dir / "2026" / "11" / code
        metadata = (folder / "metadata.json").read_text(encoding="utf-8")
        assert link in metadata and "https://instagram.com/p/abc123" in metadata


async def test_a_private_channel_is_posted_to_by_its_id_with_a_private_link(
    make_harness: Factory, server: LocalBotApi
) -> None:
    server.add_channel(-1009876543210, "Kanal Internal JDIH")
    async with make_harness(publish={"telegram": {"channel": "-1009876543210"}}) as h:
        code = await ordered(h)
        await h.settle()
        [post] = server.channel_posts(-1009876543210)
        link = f"https://t.me/c/9876543210/{post.message_id}"
        await card_again(h, code)
        await posting_card(h, code, link)


async def test_an_office_without_a_channel_posts_nothing_and_has_no_channel_button(
    harness: Harness, server: LocalBotApi
) -> None:
    h = harness
    code = await ordered(h)
    card = await posting_card(h, code, "")
    assert texts.BTN_CHANNEL_ONLY not in card.button_texts
    assert "Kanal Telegram" not in card.body
    assert server.calls("sendMediaGroup") == [] and not [
        c for c in server.calls("sendPhoto") if str(c.get("chat_id", "")).startswith("@")
    ]


async def test_an_item_cancelled_after_the_order_leaves_nothing_on_the_channel(
    make_harness: Factory, server: LocalBotApi
) -> None:
    async with office(make_harness, server) as h:
        code = await ordered(h)
        await h.settle()
        assert len(server.channel_posts(CHANNEL_ID)) == 1
        await h.say(KASUBBAG, f"/batal {code}")
        await h.say(KASUBBAG, "Peraturan dicabut sebelum diunggah")
        await h.settle()
        assert server.channel_posts(CHANNEL_ID) == []
        posts = await h.services.service.channel.posts(await item_id(h, code))
        assert [p.state for p in posts] == [PostState.DELETED]


async def test_design_files_changed_on_disk_are_not_posted_and_raise_the_alarm(
    make_harness: Factory, server: LocalBotApi
) -> None:
    async with office(make_harness, server) as h:
        code = await flows.open_item(h)
        await flows.give_direction(h, code)
        await flows.submit_design(h, code)
        await flows.approve_check(h, code, 1)
        await flows.approve_legal(h, code, 1)
        await h.settle()
        pages = [p for p in h.config.files_dir.rglob("*") if p.is_file() and p.suffix == ".png"]
        assert pages
        for stored in pages:  # the approved copy changes after the approval
            stored.write_bytes(png_bytes(1080, 1350, (1, 2, 3)))
        await flows.order_upload(h, code)
        alarm = await server.wait_for(
            lambda m: m.chat_id == KASUBBAG.user_id and "Unggahan ke kanal" in m.body
        )
        assert code in alarm.body and "tidak sama dengan yang disetujui" in alarm.body
        await h.settle()
        assert server.channel_posts(CHANNEL_ID) == []


async def test_a_correction_replaces_the_channel_posts_and_marks_their_links_replaced(
    make_harness: Factory, server: LocalBotApi
) -> None:
    """Ralat and the channel together: the corrected version's posts replace the first
    version's on the channel, and /status keeps the first t.me link, marked replaced."""
    async with office(make_harness, server) as h:
        code = await ordered(h)
        await h.settle()
        [first] = server.channel_posts(CHANNEL_ID)
        old_link = f"https://t.me/kanal_jdih_kantor/{first.message_id}"
        await card_again(h, code)
        await h.press(OPERATOR, await posting_card(h, code, old_link), texts.BTN_CHANNEL_ONLY)
        await h.settle()

        # the kasubbag asks for a correction; the operator hands in version 2
        before = h.mark()
        await h.say(KASUBBAG, f"/ralat {code}", expect="alasan ralat")
        await h.say(KASUBBAG, "Nomor peraturan salah")
        brief = await h.server.wait_for(
            lambda m: (
                m.chat_id == OPERATOR.user_id
                and code in m.body
                and "Ralat: Nomor peraturan salah" in m.body
                and h.server.sent.index(m) >= before
            )
        )
        at = h.mark()
        await server.send_document(
            OPERATOR.user_id,
            png_bytes(1080, 1350, (10, 120, 60)),
            "ralat.png",
            "image/png",
            reply_to=brief.message_id,
            caption="Caption terkoreksi",
        )
        receipt = await server.wait_for_message(OPERATOR.user_id, after=at)
        await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
        await flows.approve_check(h, code, 2)
        await flows.approve_legal(h, code, 2)
        await flows.order_upload(h, code)
        await h.settle()

        [second] = server.channel_posts(CHANNEL_ID)
        assert second.message_id != first.message_id and second.caption == "Caption terkoreksi"
        new_link = f"https://t.me/kanal_jdih_kantor/{second.message_id}"
        done = await h.press(
            OPERATOR, await posting_card(h, code, "Versi desain: 2"), texts.BTN_CHANNEL_ONLY
        )
        assert done == texts.DONE_POSTED.format(code=code)
        await h.settle()
        status = (await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")).body
        assert f"{old_link} (diganti " in status and "oleh versi 2)" in status
        assert new_link in status and f"{new_link} (diganti" not in status


async def test_a_takedown_deletes_the_bots_channel_posts_and_confirms_their_links(
    make_harness: Factory, server: LocalBotApi
) -> None:
    """The channel and the takedown together: once the takedown is approved, the bot deletes
    its own post, which confirms the t.me link on the removal step; the operator confirms the
    other platform's; the original then reads diturunkan and its links taken down."""
    async with office(make_harness, server) as h:
        code = await ordered(h)
        await h.settle()
        [post] = server.channel_posts(CHANNEL_ID)
        link = f"https://t.me/kanal_jdih_kantor/{post.message_id}"
        await flows.report_posted(h, code, links="https://instagram.com/p/abc123")
        await h.settle()

        question = await h.say(KASUBBAG, f"/turunkan {code}", expect="Pilih alasan")
        await h.press(KASUBBAG, question, "Peraturan dicabut/diganti")  # a legal reason
        await h.server.wait_for_message(KASUBBAG.user_id, contains="Tulis penjelasan")
        await h.say(KASUBBAG, "Dicabut dengan PKPU Nomor 12 Tahun 2026.")
        takedown = "TRN-2026-0001"
        for who in (KASUBBAG, HUKUM):
            card = await h.server.wait_for(
                lambda m, who=who: (
                    m.chat_id == who.user_id
                    and takedown in m.body
                    and texts.BTN_APPROVE in m.button_texts
                )
            )
            await h.press(who, card, texts.BTN_APPROVE)
        await h.settle()

        # approved: the bot's own post is gone from the channel, its link confirmed by the bot
        assert server.channel_posts(CHANNEL_ID) == []
        posts = await h.services.service.channel.posts(await item_id(h, code))
        assert [p.state for p in posts] == [PostState.DELETED]
        status = (await h.say(KASUBBAG, f"/status {takedown}", expect="Riwayat")).body
        assert f"{link} — " in status and texts.TAKEDOWN_BY_BOT in status

        # the operator confirms the other platform's link: the takedown ends
        instagram = texts.BTN_LINK_REMOVED.format(link="instagram.com/abc123")
        removal = await h.server.wait_for(
            lambda m: (
                m.chat_id == OPERATOR.user_id
                and takedown in m.body
                and instagram in m.button_texts
                and not any("t.me" in b for b in m.button_texts)
            )
        )
        assert await h.press(OPERATOR, removal, instagram) == texts.TAKEDOWN_DONE_LAST.format(
            code=takedown
        )
        await h.settle()
        original = (await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")).body
        assert "Status: diturunkan" in original
        for url in (link, "https://instagram.com/p/abc123"):
            assert url in original
