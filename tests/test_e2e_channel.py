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
from tests.harness import ADMINS, KASUBBAG, KOORDINATOR, OPERATOR, Harness

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
        tasks = await h.say(OPERATOR, "/tugas")
        await h.press(OPERATOR, tasks, texts.BTN_TASK_CARD.format(code=code))
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
