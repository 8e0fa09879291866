"""Long texts against Telegram's limits, end to end: the local Bot API server refuses a text
over 4096 characters counted after the HTML is parsed, as Telegram does."""

from __future__ import annotations

from bot import texts
from tests import flows
from tests.harness import KASUBBAG, OPERATOR, Harness

LONG = 2900  # close to the longest text the bot takes (messages.TEXT_INPUT_LIMIT)


async def test_return_notes_full_of_markup_characters_are_shown_whole(harness: Harness) -> None:
    """Escaping makes "<" five bytes long, but Telegram counts it as one character: notes
    that fit are not cut because of their escapes."""
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    notes = "Perbaiki: " + "<&" * 1000 + " SELESAI"
    await flows.return_design(h, code, 1, KASUBBAG, notes)
    card = await h.server.wait_for(
        lambda m: m.chat_id == OPERATOR.user_id and "Dikembalikan oleh" in m.body
    )
    assert notes in card.body
    assert h.server.errors == []


async def test_a_card_cut_to_the_limit_keeps_its_decision_line_when_retired(
    harness: Harness,
) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code, "Arahan panjang. " + "a" * LONG)
    await flows.submit_design(h, code)
    await flows.return_design(h, code, 1, KASUBBAG, "Catatan <panjang> & " + "b" * LONG)
    card = await flows.brief_for(h, code)  # the design card after the return: over the limit
    assert "…" in card.body and texts.CARD_HINT["design"] not in card.body  # it was cut

    await flows.submit_design(h, code)
    await h.settle()
    assert card.button_texts == []
    decided = texts.ACTION_LABELS["submit_design"] + " oleh " + OPERATOR.name + " pada "
    assert decided in card.body.splitlines()[-1]
    assert len(card.body) <= 4096
    assert h.server.errors == []
