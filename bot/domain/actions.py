"""The SOP's actions and their facts, in one table: adding an action means a line in `Action`,
its `ActionFacts` here, its move in `workflow._MOVES`, and its words in the handlers' table
(`handlers/actions.py`). Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    SUBMIT_MATERIAL = "submit_material"  # SOP 1a: material handed in, step 1 starts
    DIRECT = "direct"  # SOP 1c: the direction ("arahan") is written, the operator starts
    SUBMIT_DESIGN = "submit_design"  # SOP 2c
    APPROVE = "approve"  # SOP 3 / 4c
    RETURN = "return"  # SOP 3c / 4d: back to the design step with notes
    ORDER_UPLOAD = "order_upload"  # SOP 5b
    REPORT_POSTED = "report_posted"  # the operator posted and reports the link(s)
    CANCEL = "cancel"
    # a published item reopened for a corrected version (ralat): back to the design step
    # with the reason as its notes, then through review and approval again
    CORRECT = "correct"
    # a takedown SOP's (purpose = "takedown"):
    REFUSE = "refuse"  # an approval step refuses the takedown, with a note: it ends refused
    CONFIRM_REMOVED = "confirm_removed"  # the operator confirms one link's post is removed


class PromptKind:
    """What the bot asked a member to type; stored so a restart does not forget the question."""

    TITLE = "title"
    MATERIAL = "material"
    DIRECTION = "direction"
    RETURN_NOTES = "return_notes"
    CANCEL_REASON = "cancel_reason"
    POST_LINKS = "post_links"
    CORRECTION_REASON = "correction_reason"
    DESIGN = "design"  # files and caption text go to this item's draft version
    REFUSE_NOTES = "refuse_notes"  # why a takedown is refused
    TAKEDOWN_TEXT = "takedown_text"  # a takedown's explanation, after its reason was chosen


@dataclass(frozen=True, slots=True)
class ActionFacts:
    """What the SOP says about one action, apart from where it is legal (`workflow._MOVES`)."""

    # The question whose typed answer carries the action's text (notes, a reason, links);
    # None: the action is taken by a press alone.
    prompt: str | None = None
    # The notes are the point of the action: a direction, correction notes, a reason.
    notes_required: bool = False


ACTION_FACTS: dict[Action, ActionFacts] = {
    Action.SUBMIT_MATERIAL: ActionFacts(),
    Action.DIRECT: ActionFacts(prompt=PromptKind.DIRECTION, notes_required=True),
    Action.SUBMIT_DESIGN: ActionFacts(),
    Action.APPROVE: ActionFacts(),
    Action.RETURN: ActionFacts(prompt=PromptKind.RETURN_NOTES, notes_required=True),
    Action.ORDER_UPLOAD: ActionFacts(),
    Action.REPORT_POSTED: ActionFacts(prompt=PromptKind.POST_LINKS),
    Action.CANCEL: ActionFacts(prompt=PromptKind.CANCEL_REASON, notes_required=True),
    Action.CORRECT: ActionFacts(prompt=PromptKind.CORRECTION_REASON, notes_required=True),
    Action.REFUSE: ActionFacts(prompt=PromptKind.REFUSE_NOTES, notes_required=True),
    Action.CONFIRM_REMOVED: ActionFacts(),
}

# The inverse, derived so it cannot drift: which action a typed answer completes.
ACTION_FOR_PROMPT: dict[str, Action] = {
    facts.prompt: action for action, facts in ACTION_FACTS.items() if facts.prompt is not None
}


def prompt_for(action: Action) -> str:
    """The question that collects the action's text; a loud error for a press-only action."""
    prompt = ACTION_FACTS[action].prompt
    if prompt is None:
        raise ValueError(f"{action.value} asks for no text")
    return prompt
