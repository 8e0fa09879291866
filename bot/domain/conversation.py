"""The conversation: what the bot asked a member, and what their next text or file means.

The bot asks one question per member at a time (a new item's title, its material, a step's
notes, a design page's item) and remembers it across restarts. Given that open question and
how the message came (a private chat or a group, in reply to an item's message or not), the
functions here say what the message means; the service does it. Pure Python."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.actions import ACTION_FOR_PROMPT, Action, PromptKind, prompt_for
from bot.domain.workflow import Decision

LINK_RE = re.compile(r"https?://[^\s<>\"]+")

# Questions whose answer is typed: a file sent instead is refused, naming what was asked.
TEXT_PROMPTS: frozenset[str] = frozenset(
    {PromptKind.TITLE, PromptKind.TAKEDOWN_TEXT, *ACTION_FOR_PROMPT}
)


@dataclass(frozen=True, slots=True)
class Question:
    """The question open for a member: its kind (a `PromptKind`), and the item, step and
    version it is about (the step and version the member saw when asked)."""

    kind: str
    item_id: int | None = None
    step_key: str | None = None
    version: int | None = None
    sop_key: str | None = None  # a title: the SOP chosen for the new item (None: the default)

    @classmethod
    def title(cls, sop_key: str | None = None) -> Question:
        """/baru: the new item's title comes next (the item follows the SOP `sop_key`)."""
        return cls(PromptKind.TITLE, sop_key=sop_key)

    @classmethod
    def material(cls, item_id: int) -> Question:
        """The draft exists: its material (text, links, files) comes next."""
        return cls(PromptKind.MATERIAL, item_id)

    @classmethod
    def design(cls, item_id: int, step_key: str | None, version: int) -> Question:
        """The operator's next files and caption go to this item's draft `version`."""
        return cls(PromptKind.DESIGN, item_id, step_key, version)

    @classmethod
    def for_action(
        cls, action: Action, item_id: int, step_key: str | None, version: int | None
    ) -> Question:
        """The action's text (notes, a reason, links) comes next; an action taken by a press
        alone has no question (ValueError)."""
        return cls(prompt_for(action), item_id, step_key, version)


# --- what a text means -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NothingExpected:
    """Nothing was asked and the text replies to no item: tell the member what to do."""


@dataclass(frozen=True, slots=True)
class CreateItem:
    title: str
    sop_key: str | None = None  # the SOP chosen at /baru (None: the default SOP)


@dataclass(frozen=True, slots=True)
class AddMaterial:
    """Material for the draft: the text, or the file (with its caption, if any, as text)."""

    item_id: int
    text: str | None = None


@dataclass(frozen=True, slots=True)
class SetCaption:
    """The caption of the item's design draft."""

    item_id: int
    caption: str


@dataclass(frozen=True, slots=True)
class Decide:
    """The typed text completes a decision on the item (its notes, reason or links)."""

    item_id: int
    decision: Decision


@dataclass(frozen=True, slots=True)
class ExplainTakedown:
    """The explanation of a takedown of the published item `item_id`, for the reason chosen."""

    item_id: int
    reason_key: str
    text: str


# --- what a file means -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextExpected:
    """A file came while the bot waits for typed text: name what it waits for."""

    prompt: str


@dataclass(frozen=True, slots=True)
class UploadDesign:
    """A design page for the item's draft; with no item, the operator's items at the design
    step decide (the only one, or the operator picks)."""

    item_id: int | None
    caption: str | None = None


TextMeaning = NothingExpected | CreateItem | AddMaterial | SetCaption | Decide | ExplainTakedown
FileMeaning = TextExpected | AddMaterial | UploadDesign


def answer_text(
    question: Question | None, text: str, *, private: bool, replied_item: int | None
) -> TextMeaning:
    """What a member's text means. The bot asks its questions in private, so text in a group
    answers none; a reply to an item's message captions that item's draft, unless another
    question than a design page's is open."""
    open_question = question if private else None
    if open_question is None or (
        replied_item is not None and open_question.kind == PromptKind.DESIGN
    ):
        if replied_item is None:
            return NothingExpected()
        return SetCaption(replied_item, text)
    if open_question.kind == PromptKind.TITLE:
        return CreateItem(text, open_question.sop_key)
    item_id = open_question.item_id
    if item_id is None:
        return NothingExpected()
    if open_question.kind == PromptKind.MATERIAL:
        return AddMaterial(item_id, text)
    if open_question.kind == PromptKind.DESIGN:
        return SetCaption(item_id, text)
    if open_question.kind == PromptKind.TAKEDOWN_TEXT and open_question.step_key:
        return ExplainTakedown(item_id, open_question.step_key, text)
    action = ACTION_FOR_PROMPT.get(open_question.kind)
    if action is None:
        return NothingExpected()
    return Decide(item_id, _decision(action, open_question, text))


def _decision(action: Action, question: Question, text: str) -> Decision:
    links = tuple(LINK_RE.findall(text)) if action is Action.REPORT_POSTED else ()
    # a cancellation (or a correction) is about the item, whatever step it has reached since
    # /batal (or /ralat)
    step_key = None if action in (Action.CANCEL, Action.CORRECT) else question.step_key
    return Decision(action, step_key, question.version, notes=text, links=links)


def answer_file(
    question: Question | None, *, caption: str | None, replied_item: int | None
) -> FileMeaning:
    """What a member's file means, wherever it was sent (operators send pages in reply to a
    card in their role's group): the draft's material while its material is asked for;
    otherwise a design page, for the item replied to or the one the operator chose."""
    if question is not None and question.kind in TEXT_PROMPTS and replied_item is None:
        return TextExpected(question.kind)
    if question is not None and question.kind == PromptKind.MATERIAL and question.item_id:
        return AddMaterial(question.item_id, caption)
    if replied_item is not None:
        return UploadDesign(replied_item, caption)
    if question is not None and question.kind == PromptKind.DESIGN:
        return UploadDesign(question.item_id, caption)
    return UploadDesign(None, caption)
