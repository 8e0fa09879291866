"""Crash and restart: the real bot process is killed (SIGKILL) at chosen points of an item's
way through the SOP and started again on the same database. No decision may be lost or applied
twice, every message owed must arrive, and in each chat at most the one outbox row in flight
when the process died (a card with its files, recorded in one commit) may arrive twice.
docs/reliability.md explains why, from the code.

The bot is frozen at each point by holding one of its requests in the local Bot API server
(localbotapi/faults.py). It runs on the system clock: nothing here waits for SOP time limits.
"""

# Waits take ``timeout=`` like the server's own waits (localbotapi/observe.py).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import texts
from localbotapi import BotMessage, LocalBotApi
from localbotapi.faults import DOWNLOAD
from storage.models import DesignFile, DesignVersion, Event, Item, OutboxMessage
from tests import flows
from tests.botprocess import BotProcess
from tests.harness import HUKUM, KASUBBAG, KOORDINATOR, OPERATOR, OPERATOR2, Harness
from tests.images import png_bytes

# One item from material to published, decision by decision: (action, step, version).
HISTORY = [
    ("created", None, 0),
    ("submit_material", None, 0),
    ("direct", "materi", 0),
    ("submit_design", "desain", 1),
    ("approve", "periksa", 1),
    ("approve", "setuju", 1),
    ("order_upload", "unggah", 1),
    ("report_posted", "posting", 1),
]
# What the outbox delivers on that way, per chat: each step's card (its text, after its
# files), the card's files (design pages, material, the reviewers' preview) and the notice
# of the publication.
DELIVERED = Counter(
    {
        (KASUBBAG.user_id, "card 1"): 1,
        (OPERATOR.user_id, "card 2"): 1,
        (OPERATOR2.user_id, "card 2"): 1,
        (KASUBBAG.user_id, "card 3"): 1,
        (HUKUM.user_id, "card 4"): 1,
        (KASUBBAG.user_id, "card 5"): 1,
        (OPERATOR.user_id, "card 5"): 1,  # the posting, the output of SOP step 5
        (OPERATOR2.user_id, "card 5"): 1,
        (KASUBBAG.user_id, "files"): 4,  # material; preview and design; approved design
        (OPERATOR.user_id, "files"): 2,  # material with the brief; the design to post
        (OPERATOR2.user_id, "files"): 2,
        (HUKUM.user_id, "files"): 3,  # preview, design, material (the sources)
        (KOORDINATOR.user_id, "published"): 1,
        (KASUBBAG.user_id, "published"): 1,
    }
)


# --- reading what happened -------------------------------------------------------------


async def history(db: AsyncEngine, code: str) -> list[tuple[str, str | None, int]]:
    async with db.connect() as connection:
        rows = await connection.execute(
            select(Event.action, Event.step_key, Event.version)
            .join(Item, Item.id == Event.item_id)
            .where(Item.code == code)
            .order_by(Event.id)
        )
        return [(action, step, version) for action, step, version in rows]


async def outbox_left(db: AsyncEngine) -> int:
    """Outbox rows not delivered (still owed, or given up on)."""
    async with db.connect() as connection:
        left = await connection.execute(
            select(func.count()).where(OutboxMessage.delivered_at.is_(None))
        )
        return int(left.scalar_one())


async def until_owed_only_to(db: AsyncEngine, chat_id: int, timeout: float = 10.0) -> None:
    """Wait until every message owed to other chats is delivered and recorded."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with db.connect() as connection:
            left = await connection.execute(
                select(func.count()).where(
                    OutboxMessage.delivered_at.is_(None), OutboxMessage.chat_id != chat_id
                )
            )
            if not left.scalar_one():
                return
        assert asyncio.get_running_loop().time() < deadline, "messages to other chats owed"
        await asyncio.sleep(0.05)


async def item_status(db: AsyncEngine, code: str) -> tuple[str, str | None]:
    async with db.connect() as connection:
        found = await connection.execute(
            select(Item.status, Item.step_key).where(Item.code == code)
        )
        status, step = found.one()
        return status, step


async def design_rows(db: AsyncEngine) -> tuple[int, int]:
    """(design files, design versions) stored, whatever their item."""
    async with db.connect() as connection:
        counts = []
        for table in (DesignFile, DesignVersion):
            found = await connection.execute(select(func.count()).select_from(table))
            counts.append(int(found.scalar_one()))
        return counts[0], counts[1]


def deliveries(server: LocalBotApi, code: str) -> Counter[tuple[int, str]]:
    """What the outbox delivered for the item, counted per chat (see DELIVERED)."""
    counted: Counter[tuple[int, str]] = Counter()
    for message in server.sent:
        kind = _delivery_kind(message, code)
        if kind is not None:
            counted[(message.chat_id, kind)] += 1
    return counted


def _delivery_kind(message: BotMessage, code: str) -> str | None:
    first_line = message.body.split("\n", 1)[0]
    if message.kind in ("photo", "document") and code in first_line:
        return "files"
    if message.kind == "text" and first_line.startswith(f"{code} — "):
        step = message.body.split("\n")[1]  # "Langkah 4: ..."
        return "card " + step.removeprefix("Langkah ").split(":")[0]
    if message.kind == "text" and first_line.startswith(f"🎉 {code} "):
        return "published"
    return None


async def eventually(
    server: LocalBotApi, check: Callable[[], Awaitable[bool]], what: str, timeout: float = 10.0
) -> None:
    """Re-check a database condition as the bot works (each API call wakes us)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await server.state.changed.wait(0.1)


async def finish_item(h: Harness, code: str, *, from_step: str) -> None:
    """Walk the item on to published from the step it waits at."""
    steps: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        ("desain", lambda: flows.submit_design(h, code)),
        ("periksa", lambda: flows.approve_check(h, code, 1)),
        ("setuju", lambda: flows.approve_legal(h, code, 1)),
        ("unggah", lambda: flows.order_upload(h, code)),
        ("posting", lambda: flows.report_posted(h, code)),
    ]
    keys = [key for key, _ in steps]
    for _, walk in steps[keys.index(from_step) :]:
        await walk()
    await h.server.wait_for(
        lambda m: m.chat_id == KOORDINATOR.user_id and m.body.startswith(f"🎉 {code} ")
    )


async def assert_published_once_each(
    bot: BotProcess, db: AsyncEngine, code: str, *, twice: Counter[tuple[int, str]] | None = None
) -> None:
    """Every decision recorded exactly once, every owed message delivered; `twice` counts the
    messages of the row that was in flight when the process died (sent again whole)."""
    server = bot.server
    await settle(server, db)
    assert await item_status(db, code) == ("published", None)
    assert await history(db, code) == HISTORY
    expected = DELIVERED + (twice or Counter())
    assert deliveries(server, code) == expected, server.describe()


async def _nothing_owed(db: AsyncEngine) -> bool:
    return await outbox_left(db) == 0


async def settle(server: LocalBotApi, db: AsyncEngine) -> None:
    """Until the bot is idle and has recorded every owed message as delivered, so that a kill
    that follows catches only what the test holds."""
    await server.wait_idle(timeout=10)
    await eventually(server, lambda: _nothing_owed(db), "an empty outbox")


async def to_review(h: Harness) -> str:
    """An item whose design version 1 waits for the kasubbag's check (step 3)."""
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    return code


# --- the kill points -------------------------------------------------------------------


async def test_kill_after_a_decision_before_the_next_card_loses_nothing(
    bot: BotProcess, server: LocalBotApi, db: AsyncEngine
) -> None:
    await bot.start()
    h = bot.harness
    code = await to_review(h)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    # The approval commits, then the sender starts on divisi hukum's card: its preview and
    # files go out, its text is held before Telegram sees it.
    hold = server.hold("sendMessage", lambda p: p.get("chat_id") == HUKUM.user_id)
    answer = await h.press(KASUBBAG, card, texts.BTN_APPROVE)
    assert answer == flows.approved(h, code, 1, "setuju")
    await hold.wait_held()
    sent = deliveries(server, code)
    assert (sent[(HUKUM.user_id, "files")], sent[(HUKUM.user_id, "card 4")]) == (3, 0)
    await bot.kill()

    await bot.start()
    # The card is sent after the restart. Its files and its text are recorded in one commit
    # (one transaction per card, docs/performance.md), which the crash cut off: the files
    # that went out before it arrive a second time, once.
    await flows.review_card(h, code, 1, HUKUM)
    await finish_item(h, code, from_step="setuju")
    await assert_published_once_each(bot, db, code, twice=Counter({(HUKUM.user_id, "files"): 3}))


async def test_kill_while_the_outbox_sends_resends_at_most_the_message_in_flight(
    bot: BotProcess, server: LocalBotApi, db: AsyncEngine
) -> None:
    await bot.start()
    h = bot.harness
    code = await flows.open_item(h)
    # The direction owes the brief (material, then text) to both operators. Telegram accepts
    # the second operator's brief text, but the bot dies before it hears so.
    hold = server.hold(
        "sendMessage", lambda p: p.get("chat_id") == OPERATOR2.user_id, answered=True
    )
    await flows.give_direction(h, code)
    await hold.wait_held()
    assert deliveries(server, code)[(OPERATOR2.user_id, "card 2")] == 1
    # Chats are served side by side: the other operator's brief goes on meanwhile, and the
    # kill must not cut that one off too (each chat may have one message in flight).
    await until_owed_only_to(db, OPERATOR2.user_id)
    await bot.kill()

    await bot.start()
    # That brief, with its material file (recorded with it), is the one row sent twice.
    await bot.until(
        lambda: deliveries(server, code)[(OPERATOR2.user_id, "card 2")] == 2, "the brief again"
    )
    await finish_item(h, code, from_step="desain")
    again = Counter({(OPERATOR2.user_id, "card 2"): 1, (OPERATOR2.user_id, "files"): 1})
    await assert_published_once_each(bot, db, code, twice=again)


@pytest.mark.parametrize("held", ["getFile", DOWNLOAD])
async def test_an_upload_cut_off_by_a_crash_is_handled_after_the_restart(
    bot: BotProcess, server: LocalBotApi, db: AsyncEngine, held: str
) -> None:
    await bot.start()
    h = bot.harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    brief = await flows.brief_for(h, code, OPERATOR)
    await settle(server, db)  # both briefs delivered: only the upload is in hand
    hold = server.hold(held)
    before = h.mark()
    await server.send_document(
        OPERATOR.user_id,
        png_bytes(1080, 1350),
        "desain-1.png",
        "image/png",
        reply_to=brief.message_id,
        caption="Caption postingan",
    )
    upload = server.state.last_update_id
    await hold.wait_held()
    # PTB confirms an update with its next poll, long before the handler is done: Telegram
    # will not send it again. The bot's inbox has it written down.
    await bot.until(lambda: all(u["update_id"] != upload for u in server.state.updates), "confirm")
    assert await design_rows(db) == (0, 0)  # nothing half-done at the moment of the crash
    await bot.kill()

    await bot.start()
    # The upload is handled again from the inbox: one page, one version, one receipt.
    receipt = await server.wait_for_message(
        OPERATOR.user_id, after=before, contains=code, timeout=10
    )
    assert texts.BTN_SUBMIT_DESIGN in receipt.button_texts
    assert await design_rows(db) == (1, 1)
    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    await finish_item(h, code, from_step="periksa")
    await assert_published_once_each(bot, db, code)


async def test_press_redelivered_after_a_crash_is_not_applied_twice(
    bot: BotProcess, server: LocalBotApi, db: AsyncEngine
) -> None:
    await bot.start()
    h = bot.harness
    code = await to_review(h)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    await server.wait_idle()
    # Hold the poll that would confirm the press: Telegram still has it when the bot dies.
    seen = server.state.last_update_id
    confirm = server.hold("getUpdates", lambda p: int(p.get("offset") or 0) > seen)
    query_id = await server.press_button(KASUBBAG.user_id, card, texts.BTN_APPROVE)
    press = server.state.last_update_id
    answer = await server.wait_for_answer(query_id)  # answered after the commit
    assert answer.get("text") == flows.approved(h, code, 1, "setuju")
    await confirm.wait_held()
    await flows.review_card(h, code, 1, HUKUM)  # the decision's card went out too
    await settle(server, db)
    assert any(u["update_id"] == press for u in server.state.updates)
    await bot.kill()

    await bot.start()
    # Telegram sends the press again; the inbox knows it was handled, so it is not handled
    # twice (and were it handled, the conditional UPDATE would refuse it).
    await bot.until(
        lambda: not any(u["update_id"] == press for u in server.state.updates), "resent"
    )
    await server.wait_idle()
    assert len(await _answers_to(bot, query_id, count=1)) == 1
    assert "came again" in bot.stderr()
    assert await history(db, code) == HISTORY[:5]
    await finish_item(h, code, from_step="setuju")
    await assert_published_once_each(bot, db, code)


async def test_a_press_whose_decision_committed_is_not_handled_again_after_a_crash(
    bot: BotProcess, server: LocalBotApi, db: AsyncEngine
) -> None:
    await bot.start()
    h = bot.harness
    code = await to_review(h)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    await settle(server, db)
    # The approval commits, and with it the press's inbox row is marked done; the bot dies
    # before Telegram hears the answer to the press (and before the card it owes, whose
    # first part is the reviewers' preview, goes out).
    hold = server.hold("answerCallbackQuery")
    preview = server.hold("sendPhoto")
    query_id = await server.press_button(KASUBBAG.user_id, card, texts.BTN_APPROVE)
    press = server.state.last_update_id
    await hold.wait_held()
    await preview.wait_held()

    async def approved() -> bool:
        return await history(db, code) == HISTORY[:5]

    def answers() -> int:
        calls = server.calls("answerCallbackQuery")
        return len([call for call in calls if call.get("callback_query_id") == query_id])

    await eventually(server, approved, "the approval committed")
    await bot.kill()
    answered = answers()

    await bot.start()
    # Not handled again: no second decision, and no refusal ("already decided") for a press
    # whose answer never arrived. The card the decision owes still goes out.
    await flows.review_card(h, code, 1, HUKUM)
    await settle(server, db)
    assert f"update {press} was cut off" not in bot.stderr()
    assert answers() == answered
    assert await history(db, code) == HISTORY[:5]
    await finish_item(h, code, from_step="setuju")
    await assert_published_once_each(bot, db, code)


async def _answers_to(bot: BotProcess, query_id: str, count: int) -> list[dict[str, object]]:
    """The bot's answerCallbackQuery calls for one press, failed ones included."""

    def answers() -> list[dict[str, object]]:
        calls = bot.server.calls("answerCallbackQuery")
        return [call for call in calls if call.get("callback_query_id") == query_id]

    await bot.until(lambda: len(answers()) >= count, f"{count} answers to the press")
    return answers()


# --- SIGTERM ---------------------------------------------------------------------------


async def test_sigterm_finishes_the_update_in_hand_then_exits_0(
    bot: BotProcess, server: LocalBotApi
) -> None:
    await bot.start()
    # /tugas is answered with a sendMessage the handler awaits; hold it.
    hold = server.hold("sendMessage", lambda p: p.get("chat_id") == KASUBBAG.user_id)
    before = len(server.sent)
    await server.send_text(KASUBBAG.user_id, "/tugas")
    await hold.wait_held()
    stopping = asyncio.create_task(bot.terminate())
    # PTB stops polling and then waits for the update queue, our /tugas among it.
    await bot.until(lambda: "Application is stopping" in bot.stderr(), "stopping")
    assert not stopping.done()
    hold.release()
    assert await stopping == 0
    assert [m.chat_id for m in server.sent[before:]] == [KASUBBAG.user_id]
    log = bot.stderr()
    assert "scheduler and outbox sender stopped" in log
    assert "database closed" in log
