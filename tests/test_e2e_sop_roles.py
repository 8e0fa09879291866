"""Who may open and cancel items, as members meet it, and role names taken from the SOP file:
an office that renames its roles sees the new names in the bot's messages."""

from __future__ import annotations

from pathlib import Path

import bot.domain
from bot import texts
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import HUKUM, KASUBBAG, KOORDINATOR, OPERATOR, Harness

# The default SOP's role titles and the titles a revising office gives them instead.
RENAMED = {
    "Koordinator Bagian Tim Teknis JDIH": "Penghimpun Bahan Publikasi",
    "Kasubbag Hukum / Ketua Tim Teknis": "Ketua Tim Publikasi",
    "Admin/Operator Media Sosial": "Petugas Desain Grafis",
}


def _titles(h: Harness, roles: frozenset[str]) -> str:
    return ", ".join(h.config.sop.role_title(role) for role in sorted(roles))


async def test_an_operator_who_types_baru_hears_who_may_open_items(harness: Harness) -> None:
    h = harness
    refused = await h.say(OPERATOR, "/baru")

    openers = _titles(h, h.config.sop.openers)
    assert refused.body == texts.NOT_OPENER.format(roles=openers)
    assert "/tugas" in refused.body  # what the operator may do instead
    assert (
        await h.services.service.conversation.pending(OPERATOR.user_id) is None
    )  # no title was asked


async def test_a_member_who_may_not_cancel_hears_who_may(harness: Harness) -> None:
    h = harness
    code = await flows.open_item(h)

    for who in (OPERATOR, HUKUM, KOORDINATOR):
        refused = await h.say(who, f"/batal {code}")
        cancellers = _titles(h, h.config.sop.cancellers)
        assert refused.body == texts.NOT_CANCELLER.format(roles=cancellers)

    # the canceller is asked for a reason (the item's card may still be arriving in that chat)
    prompt = await h.say(KASUBBAG, f"/batal {code}", expect="alasan pembatalan")
    assert "alasan pembatalan" in prompt.body


def renamed_sop(folder: Path) -> Path:
    text = (Path(bot.domain.__file__).parent / "sop_default.toml").read_text(encoding="utf-8")
    for old, new in RENAMED.items():
        assert f'title = "{old}"' in text
        text = text.replace(f'title = "{old}"', f'title = "{new}"')
    path = folder / "sop_renamed.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_revised_sops_role_titles_show_in_the_messages(
    make_harness: HarnessFactory, tmp_path: Path
) -> None:
    async with make_harness(sop={"file": str(renamed_sop(tmp_path))}) as h:
        helped = await h.say(KASUBBAG, "/bantuan")
        assert "Peran Anda: Ketua Tim Publikasi\n" in helped.body  # the member's own role

        code = await flows.open_item(h)
        card = await h.server.wait_for(
            lambda m: m.chat_id == KASUBBAG.user_id and code in m.body and bool(m.button_texts)
        )
        assert "tulis arahan untuk Petugas Desain Grafis." in card.body  # the card's hint
        before = h.mark()
        await h.press(KASUBBAG, card, texts.BTN_WRITE_DIRECTION)
        asked = await h.server.wait_for_message(KASUBBAG.user_id, after=before)
        assert "kepada Petugas Desain Grafis" in asked.body
        await h.say(KASUBBAG, "Buat infografis 1 halaman.")

        brief = await flows.brief_for(h, code)
        assert "Arahan Ketua Tim Publikasi:\nBuat infografis 1 halaman." in brief.body

        refused = await h.say(HUKUM, "/baru")
        assert refused.body == texts.NOT_OPENER.format(
            roles="Ketua Tim Publikasi, Penghimpun Bahan Publikasi"
        )
        for old in RENAMED:
            for message in (helped, card, asked, brief, refused):
                assert old not in message.body
