"""fit(): cutting HTML to Telegram's limits, which count the text after the HTML is parsed
(a tag counts nothing, an entity such as &lt; one character). Checked with the local Bot API
server's parser, which fails where Telegram fails."""

from __future__ import annotations

from html import escape

import pytest

from bot.domain.actions import ACTION_FACTS, Action
from bot.domain.sop import StepKind
from bot.domain.workflow import moves_at
from handlers.actions import ACTION_VIEWS, TYPED_WHAT
from handlers.cards import fit, plain, rendered_length
from localbotapi.html_markup import parse_html


def shown(html: str) -> str:
    """What Telegram shows of the HTML; raises like Telegram on a broken tag or entity."""
    return parse_html(html)[0]


def test_rendered_length_counts_an_entity_as_one_character_and_a_tag_as_none() -> None:
    html = "<b>" + escape("a<b & c>") + "</b> &amp;x"
    assert rendered_length(html) == len(shown(html)) == len("a<b & c> &x")


def test_text_whose_escapes_make_it_long_but_not_its_characters_is_not_cut() -> None:
    html = "<b>Catatan</b>\n" + escape("<&>" * 1300)  # 3908 characters shown, 16k bytes
    assert fit(html, 4096) == html


@pytest.mark.parametrize("limit", range(4000, 4020))
def test_a_cut_never_breaks_a_tag_or_an_entity_and_stays_within_the_limit(limit: int) -> None:
    html = "\n".join(f"<b>{i}</b> <i>{escape('<catatan> & ' * 3)}</i>" for i in range(400))
    cut = fit(html, limit)
    text = shown(cut)  # parses: no half tag, no half entity, every tag closed
    assert len(text) <= limit and text.endswith("…")
    assert shown(html).startswith(text[:-1])


def test_a_tail_is_kept_whole_after_the_cut() -> None:
    card = "<b>JDIH-2026-0001</b>\n" + escape("<catatan> ") * 800
    line = "\n\n✅ Disetujui oleh <b>Budi &amp; Co</b> pada Senin, 23 November 2026 pukul 09.00 WIB"
    cut = fit(card, 4096, tail=line)
    assert cut.endswith(line) and len(shown(cut)) <= 4096
    assert fit("pendek", 4096, tail=line) == "pendek" + line


def test_plain_is_the_text_without_markup() -> None:
    html = "Tulis <b>arahan</b> bagi " + escape("A <b> & C")
    assert plain(html) == "Tulis arahan bagi A <b> & C"


# --- each action's words and buttons: one table, no action half-added -------------------------


def test_every_action_has_its_words_and_every_text_action_its_question() -> None:
    assert set(ACTION_VIEWS) == set(Action)
    for action, facts in ACTION_FACTS.items():
        view = ACTION_VIEWS[action]
        assert view.label and view.done, action
        if facts.prompt is not None:  # the bot asks for its text and names it on a wrong file
            assert view.ask and TYPED_WHAT[facts.prompt] == view.typed_what, action
        if facts.notes_required:  # the refusal of empty notes names them
            assert view.notes_what, action


def test_every_step_kind_card_shows_a_button_for_each_move_there() -> None:
    for kind in StepKind:
        for action in moves_at(kind):
            if action is Action.CONFIRM_REMOVED:
                continue  # a button per link (handlers/takedown_cards.py; test_e2e_takedown.py)
            assert ACTION_VIEWS[action].card_button is not None, (kind, action)
