"""The review preview is drawn and uploaded once per design version (issue 18): every later
reviewer of the version gets the same photo by its Telegram file_id, even after a restart;
reviewers shown a version at the same moment share one drawing; a file_id Telegram no longer
knows is drawn and uploaded again, and the new one kept. The drawing is made as the pages
arrive, before the operator's receipt: *Kirim* only sends it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot import texts
from bot.delivery import card_files
from localbotapi import BotMessage
from localbotapi.params import Upload
from storage.models import DesignVersion, Item
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import HUKUM, KASUBBAG, OPERATOR, Harness, Person, office_with

# a second kasubbag: both get every review card of the step at once
KASUBBAG2 = Person(109, "Wati Kasubbag", ("kasubbag",))


def uploads(h: Harness) -> list[bytes]:
    """The photos the bot uploaded (not sent by file_id), in order."""
    return [
        p["photo"].content for p in h.server.calls("sendPhoto") if isinstance(p["photo"], Upload)
    ]


async def preview_for(h: Harness, code: str, version: int, who: Person) -> BotMessage:
    """The preview photo that came before `who`'s review card of the version."""
    card = await flows.review_card(h, code, version, who)
    caption = texts.PREVIEW_CAPTION.format(code=code, version=version)
    mine = h.server.messages_in(who.user_id)
    before = mine[: mine.index(card)]
    return next(m for m in reversed(before) if m.kind == "photo" and m.caption == caption)


def picture(h: Harness, photo: BotMessage) -> bytes:
    return h.server.state.files[photo.file_id or ""].content


async def recorded_preview(h: Harness, item_code: str, version: int) -> str | None:
    await h.settle()  # recorded with the card's messages
    async with h.engine.connect() as connection:
        found = await connection.execute(
            select(DesignVersion.preview_file_id)
            .join(Item, Item.id == DesignVersion.item_id)
            .where(Item.code == item_code, DesignVersion.version == version)
        )
        return found.scalar_one_or_none()


async def test_the_next_reviewer_gets_the_same_preview_without_an_upload_even_after_a_restart(
    harness: Harness,
) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code, OPERATOR, pages=2)
    first = await preview_for(h, code, 1, KASUBBAG)
    assert len(uploads(h)) == 1  # drawn and uploaded for the kasubbag

    await h.settle()
    await h.stop_bot()  # nothing of the first drawing is left in memory
    await h.start_bot()
    await flows.approve_check(h, code, 1)
    second = await preview_for(h, code, 1, HUKUM)

    assert len(uploads(h)) == 1  # divisi hukum's came by its file_id: no second upload
    assert picture(h, second) == picture(h, first)  # the same picture
    mine = h.server.messages_in(HUKUM.user_id)
    card = await flows.review_card(h, code, 1, HUKUM)
    kinds = [m.kind for m in mine[mine.index(second) : mine.index(card) + 1]]
    assert kinds[0] == "photo" and set(kinds[1:-1]) == {"document"} and kinds[-1] == "text"
    # the preview first, then the pages, then the card with its buttons


def count_drawings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pages of each preview sheet the bot draws, in order."""
    drawn: list[int] = []
    real = card_files.contact_sheet

    def drawing(pages: list[Path], **kwargs: object) -> bytes:
        drawn.append(len(pages))
        return real(pages, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(card_files, "contact_sheet", drawing)
    return drawn


async def uploaded(
    h: Harness, monkeypatch: pytest.MonkeyPatch, pages: int
) -> tuple[list[int], str, BotMessage]:
    """An item's design uploaded (not yet sent): the sheets drawn so far, the item's code and
    the last page's receipt."""
    drawn = count_drawings(monkeypatch)
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    receipt = await flows.upload_design(h, code, OPERATOR, pages=pages)
    return drawn, code, receipt


async def test_the_preview_is_drawn_as_the_pages_arrive_and_kirim_only_sends_it(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    drawn, code, receipt = await uploaded(h, monkeypatch, pages=2)
    # each receipt came once the sheet of the pages so far was drawn
    assert drawn == [1, 2]
    waiting = h.config.files_dir / "previews"
    assert len(list(waiting.glob("*.jpg"))) == 1  # the one-page sheet is dropped

    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    preview = await preview_for(h, code, 1, KASUBBAG)

    assert drawn == [1, 2]  # nothing drawn after Kirim
    assert uploads(h) == [picture(h, preview)]  # the two-page sheet, uploaded once
    assert await recorded_preview(h, code, 1) == preview.file_id
    assert not list(waiting.glob("*.jpg"))  # Telegram holds it now: not kept twice


async def test_a_preview_not_drawn_ahead_is_drawn_by_the_card(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    drawn, code, receipt = await uploaded(h, monkeypatch, pages=1)
    for sheet in (h.config.files_dir / "previews").glob("*.jpg"):
        sheet.unlink()  # lost (a disk cleaned by hand, a drawing that failed)

    await h.press(OPERATOR, receipt, texts.BTN_SUBMIT_DESIGN)
    preview = await preview_for(h, code, 1, KASUBBAG)

    assert drawn == [1, 1]  # drawn again by the kasubbag's card
    assert uploads(h) == [picture(h, preview)]


async def test_a_cleared_draft_leaves_no_sheet_behind(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    _, _, receipt = await uploaded(h, monkeypatch, pages=1)
    waiting = h.config.files_dir / "previews"
    assert len(list(waiting.glob("*.jpg"))) == 1

    await h.press(OPERATOR, receipt, texts.BTN_CLEAR_DESIGN)

    assert not list(waiting.glob("*.jpg"))


async def test_reviewers_shown_a_version_at_once_share_one_drawing(
    make_harness: HarnessFactory,
) -> None:
    async with office_with(make_harness, KASUBBAG2) as h:
        code = await flows.open_item(h)
        await flows.give_direction(h, code)
        await flows.submit_design(h, code, OPERATOR)
        one = await preview_for(h, code, 1, KASUBBAG)
        other = await preview_for(h, code, 1, KASUBBAG2)

        assert len(uploads(h)) == 1  # one sheet drawn and uploaded for both
        assert picture(h, one) == picture(h, other)
        assert await recorded_preview(h, code, 1) == one.file_id


async def test_a_file_id_telegram_refuses_is_drawn_and_uploaded_again(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code, OPERATOR)
    first = await preview_for(h, code, 1, KASUBBAG)
    old = await recorded_preview(h, code, 1)
    assert old == first.file_id
    drawn = picture(h, first)
    # Telegram no longer knows the photo (as after a long time, or another bot token)
    for stored in h.server.state.photo_sets[old or ""]:
        del h.server.state.files[stored.file_id]

    await flows.approve_check(h, code, 1)
    second = await preview_for(h, code, 1, HUKUM)

    assert [m for m, _ in h.server.errors] == ["sendPhoto"]  # the old id, refused once
    assert uploads(h) == [drawn, drawn] and picture(h, second) == drawn  # drawn again, the same
    assert await recorded_preview(h, code, 1) == second.file_id != old
    assert texts.BTN_APPROVE_SOURCES in h.server.last_in(HUKUM.user_id).button_texts


# --- the next card before the old buttons' retirement -----------------------------------------

# checks designs as the kasubbag and their sources as divisi hukum: the kasubbag's approval
# retires a card in this chat and sends the next one to it
DUA = Person(110, "Rudi Dua Peran", ("kasubbag", "divisi_hukum"))


async def test_the_next_card_arrives_before_the_old_card_is_retired(
    make_harness: HarnessFactory,
) -> None:
    async with office_with(make_harness, DUA) as h:
        code = await flows.open_item(h)
        await flows.give_direction(h, code)
        await flows.submit_design(h, code, OPERATOR)
        old = await flows.review_card(h, code, 1, DUA)
        await h.settle()
        start = len(h.server.requests)
        data = next(d for row in old.buttons for label, d in row if label == texts.BTN_APPROVE)

        await h.press(DUA, old, texts.BTN_APPROVE)
        new = await h.server.wait_for(
            lambda m: m.chat_id == DUA.user_id and texts.BTN_APPROVE_SOURCES in m.button_texts
        )
        await h.settle()

        in_chat = [
            (name, params.get("message_id"))
            for name, params in h.server.requests[start:]
            if params.get("chat_id") == DUA.user_id
        ]
        # the preview, the pages and the card with its buttons, then the old card's edit
        assert in_chat[0][0] == "sendPhoto"
        assert in_chat[-1] == ("editMessageText", old.message_id)
        assert ("sendMessage", None) in in_chat[: in_chat.index(in_chat[-1])]  # the new card
        retired = next(
            m for m in h.server.messages_in(DUA.user_id) if m.message_id == old.message_id
        )
        assert retired.buttons == [] and f"oleh {DUA.name}" in retired.body
        assert new.message_id > old.message_id
        # a press on the old buttons (a client that had not refreshed) is refused, as always
        query = await h.server.press_callback(DUA.user_id, old.message_id, DUA.user_id, data)
        answer = await h.server.wait_for_answer(query)
        assert answer["text"] == flows.already_decided(h, "approve", DUA)
