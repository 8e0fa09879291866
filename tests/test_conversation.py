"""The conversation alone: given the question the bot asked a member (if any), where their
message came from and what it replies to, what their next text or file means."""

from __future__ import annotations

import pytest

from bot.domain.actions import Action, PromptKind
from bot.domain.conversation import (
    TEXT_PROMPTS,
    AddMaterial,
    CreateItem,
    Decide,
    NothingExpected,
    Question,
    SetCaption,
    TextExpected,
    UploadDesign,
    answer_file,
    answer_text,
)
from bot.domain.workflow import Decision

ITEM, OTHER = 7, 9
RETURN_NOTES = Question.for_action(Action.RETURN, ITEM, "periksa", 1)
DESIGN = Question.design(ITEM, "desain", 2)


# --- texts -----------------------------------------------------------------------------------


def test_text_with_nothing_asked_and_no_reply_is_not_expected() -> None:
    assert answer_text(None, "halo", private=True, replied_item=None) == NothingExpected()


def test_the_title_asked_for_makes_the_item() -> None:
    meaning = answer_text(Question.title(), "PKPU 2", private=True, replied_item=None)
    assert meaning == CreateItem("PKPU 2")


def test_text_while_the_material_is_asked_for_is_material_even_in_reply_to_an_item() -> None:
    question = Question.material(ITEM)
    for replied in (None, OTHER):
        meaning = answer_text(question, "jdih.kpu.go.id", private=True, replied_item=replied)
        assert meaning == AddMaterial(ITEM, "jdih.kpu.go.id")


def test_notes_asked_for_decide_at_the_step_and_version_the_member_saw() -> None:
    meaning = answer_text(RETURN_NOTES, "Logo terlalu kecil", private=True, replied_item=None)
    decision = Decision(Action.RETURN, "periksa", 1, notes="Logo terlalu kecil")
    assert meaning == Decide(ITEM, decision)


def test_a_posting_report_carries_every_link_in_the_text() -> None:
    question = Question.for_action(Action.REPORT_POSTED, ITEM, "unggah", 3)
    text = "IG https://instagram.com/p/a dan https://facebook.com/b."
    meaning = answer_text(question, text, private=True, replied_item=None)
    assert isinstance(meaning, Decide)
    assert meaning.decision.links == ("https://instagram.com/p/a", "https://facebook.com/b.")
    assert (meaning.decision.action, meaning.decision.notes) == (Action.REPORT_POSTED, text)


def test_a_cancellation_reason_is_about_the_item_not_the_step_it_was_at() -> None:
    question = Question.for_action(Action.CANCEL, ITEM, "periksa", 1)
    meaning = answer_text(question, "Dibatalkan pimpinan", private=True, replied_item=None)
    assert meaning == Decide(ITEM, Decision(Action.CANCEL, None, 1, notes="Dibatalkan pimpinan"))


def test_text_in_a_group_answers_no_question() -> None:
    assert answer_text(RETURN_NOTES, "Logo", private=False, replied_item=None) == NothingExpected()
    assert answer_text(Question.title(), "Judul", private=False, replied_item=None) == (
        NothingExpected()
    )


def test_a_reply_to_an_items_message_captions_its_draft() -> None:
    # nothing asked, or the text is said in a group: the reply decides
    assert answer_text(None, "Caption", private=True, replied_item=OTHER) == SetCaption(
        OTHER, "Caption"
    )
    assert answer_text(RETURN_NOTES, "Caption", private=False, replied_item=OTHER) == SetCaption(
        OTHER, "Caption"
    )
    # an operator uploading to one item who replies to another's message: that other item
    assert answer_text(DESIGN, "Caption", private=True, replied_item=OTHER) == SetCaption(
        OTHER, "Caption"
    )


def test_text_while_uploading_a_design_captions_the_draft() -> None:
    meaning = answer_text(DESIGN, "Selamat Hari Pemilu", private=True, replied_item=None)
    assert meaning == SetCaption(ITEM, "Selamat Hari Pemilu")


def test_a_reply_does_not_turn_asked_notes_into_a_caption() -> None:
    meaning = answer_text(RETURN_NOTES, "Perbaiki", private=True, replied_item=OTHER)
    assert meaning == Decide(ITEM, Decision(Action.RETURN, "periksa", 1, notes="Perbaiki"))


def test_a_stored_question_of_an_unknown_kind_expects_nothing() -> None:
    stale = Question("sources", ITEM, "setuju", 1)  # e.g. from a bot version since replaced
    assert answer_text(stale, "ya", private=True, replied_item=None) == NothingExpected()


# --- files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(TEXT_PROMPTS))
def test_a_file_instead_of_typed_text_is_refused_naming_what_was_asked(kind: str) -> None:
    question = Question(kind, None if kind == PromptKind.TITLE else ITEM, "periksa", 1)
    assert answer_file(question, caption=None, replied_item=None) == TextExpected(kind)


def test_every_question_an_action_asks_wants_typed_text() -> None:
    for action in (Action.DIRECT, Action.RETURN, Action.REPORT_POSTED, Action.CANCEL):
        assert Question.for_action(action, ITEM, None, 0).kind in TEXT_PROMPTS
    with pytest.raises(ValueError):
        Question.for_action(Action.APPROVE, ITEM, "periksa", 1)  # a press alone


def test_a_file_in_reply_to_an_items_message_is_that_items_design_page() -> None:
    # even while notes are asked for: the reply names the item
    meaning = answer_file(RETURN_NOTES, caption="Caption", replied_item=OTHER)
    assert meaning == UploadDesign(OTHER, "Caption")


def test_a_file_while_the_material_is_asked_for_is_material_with_its_caption() -> None:
    question = Question.material(ITEM)
    assert answer_file(question, caption="Sumber", replied_item=None) == AddMaterial(ITEM, "Sumber")
    assert answer_file(question, caption=None, replied_item=OTHER) == AddMaterial(ITEM, None)


def test_a_file_goes_to_the_item_the_operator_chose() -> None:
    assert answer_file(DESIGN, caption=None, replied_item=None) == UploadDesign(ITEM, None)


def test_a_file_with_nothing_asked_leaves_the_item_to_the_operators_items() -> None:
    assert answer_file(None, caption="C", replied_item=None) == UploadDesign(None, "C")
