"""Item titles as typed in Telegram: a title nobody can see is refused, and characters that
reorder the text around them never reach a title."""

from __future__ import annotations

import pytest

from bot import texts
from tests import flows
from tests.harness import KASUBBAG, KOORDINATOR, Harness

INVISIBLE_TITLES = {
    "zero-width spaces": "\u200b\u200b\u200b\u200b",
    "joiners and BOM": "\u200d\u200c\ufeff\u2060",
    "bidi controls": "\u202e\u202d\u2066\u2069",
    "spaces and zero-width": "\u3000 \u200b \u00a0 \u200b",
    "hangul fillers": "\u3164\u3164\u3164",
}


@pytest.mark.parametrize("title", INVISIBLE_TITLES.values(), ids=INVISIBLE_TITLES.keys())
async def test_a_title_with_no_visible_character_is_refused(harness: Harness, title: str) -> None:
    h = harness
    await h.say(KOORDINATOR, "/baru")
    answer = await h.say(KOORDINATOR, title)
    assert answer.body == texts.TITLE_INVISIBLE
    # nothing was made, and the bot still waits for the title
    title = "PKPU Nomor 2 Tahun 2026"
    made = await h.say(KOORDINATOR, title)
    assert made.body == flows.shown(texts.ASK_MATERIAL.format(code="JDIH-2026-0001", title=title))


async def test_bidi_override_characters_are_taken_out_of_a_title(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h, "Lampiran \u202egnp.exe\u202c \u2067PKPU\u2069")
    status = await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")
    assert status.body.splitlines()[0] == f"{code} — Lampiran gnp.exe PKPU"
