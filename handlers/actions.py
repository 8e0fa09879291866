"""Each action's words and buttons, in one table built from the catalog: its label in history,
its mark on a decided card, the toast after it, the button a card shows for it, the question
that asks for its text. The SOP's facts about it are in `bot.domain.actions`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from bot import texts
from bot.domain.actions import ACTION_FACTS, Action, PromptKind
from handlers.keyboards import Verb


class Button(NamedTuple):
    verb: Verb
    label: str


@dataclass(frozen=True, slots=True)
class ActionView:
    label: str  # in /status history, the archive and "already decided" refusals
    done: str  # the toast (or reply) after it: {code}, {version}, {role} of the next step
    done_last: str | None = None  # the toast when no step follows (the SOP's end)
    mark: str = "☑️"  # before the decision line on a card it retired
    card_button: Button | None = None  # the button a step's card shows for it
    ask: str | None = None  # the question for its text: {code}, {title}, {version}, {role}
    typed_what: str | None = None  # its text, named when a file comes instead
    notes_what: str | None = None  # its notes, named when they come empty

    def done_text(self, followed: bool) -> str:
        """The toast's template: `followed` says a next step receives the item."""
        return self.done if followed or self.done_last is None else self.done_last


ACTION_VIEWS: dict[Action, ActionView] = {
    Action.SUBMIT_MATERIAL: ActionView(
        label=texts.ACTION_LABELS[Action.SUBMIT_MATERIAL], done=texts.MATERIAL_SUBMITTED
    ),
    Action.DIRECT: ActionView(
        label=texts.ACTION_LABELS[Action.DIRECT],
        done=texts.DONE_DIRECT,
        card_button=Button(Verb.DIRECT, texts.BTN_WRITE_DIRECTION),
        ask=texts.ASK_DIRECTION,
        typed_what=texts.TYPED_DIRECTION,
        notes_what=texts.NOTES_WHAT[Action.DIRECT],
    ),
    Action.SUBMIT_DESIGN: ActionView(
        label=texts.ACTION_LABELS[Action.SUBMIT_DESIGN],
        done=texts.DONE_SUBMIT_DESIGN,
        # the card picks the item for the next files; the draft's own keyboard submits
        card_button=Button(Verb.UPLOAD_HERE, texts.BTN_UPLOAD_HERE),
    ),
    Action.APPROVE: ActionView(
        label=texts.ACTION_LABELS[Action.APPROVE],
        done=texts.DONE_APPROVE,
        done_last=texts.DONE_APPROVE_LAST,
        mark=texts.DECISION_MARKS[Action.APPROVE],
        card_button=Button(Verb.APPROVE, texts.BTN_APPROVE),
    ),
    Action.RETURN: ActionView(
        label=texts.ACTION_LABELS[Action.RETURN],
        done=texts.DONE_RETURN,
        mark=texts.DECISION_MARKS[Action.RETURN],
        card_button=Button(Verb.RETURN, texts.BTN_RETURN),
        ask=texts.ASK_RETURN_NOTES,
        typed_what=texts.TYPED_RETURN_NOTES,
        notes_what=texts.NOTES_WHAT[Action.RETURN],
    ),
    Action.ORDER_UPLOAD: ActionView(
        label=texts.ACTION_LABELS[Action.ORDER_UPLOAD],
        done=texts.DONE_ORDER,
        card_button=Button(Verb.ORDER, texts.BTN_ORDER_UPLOAD),
    ),
    Action.REPORT_POSTED: ActionView(
        label=texts.ACTION_LABELS[Action.REPORT_POSTED],
        done=texts.DONE_POSTED,
        card_button=Button(Verb.POSTED, texts.BTN_REPORT_POSTED),
        ask=texts.ASK_LINKS,
        typed_what=texts.TYPED_POST_LINKS,
    ),
    Action.CANCEL: ActionView(
        label=texts.ACTION_LABELS[Action.CANCEL],
        done=texts.DONE_CANCEL,
        mark=texts.DECISION_MARKS[Action.CANCEL],
        ask=texts.ASK_CANCEL_REASON,  # /batal asks it
        typed_what=texts.TYPED_CANCEL_REASON,
        notes_what=texts.NOTES_WHAT[Action.CANCEL],
    ),
    Action.CORRECT: ActionView(
        label=texts.ACTION_LABELS[Action.CORRECT],
        done=texts.DONE_CORRECT,
        mark=texts.DECISION_MARKS[Action.CORRECT],
        ask=texts.ASK_CORRECTION_REASON,  # /ralat and the status card's button ask it
        typed_what=texts.TYPED_CORRECTION_REASON,
        notes_what=texts.NOTES_WHAT[Action.CORRECT],
    ),
    Action.REFUSE: ActionView(
        label=texts.ACTION_LABELS[Action.REFUSE],
        done=texts.TAKEDOWN_REFUSED_DONE,
        mark=texts.DECISION_MARKS[Action.REFUSE],
        card_button=Button(Verb.REFUSE, texts.BTN_REFUSE),
        ask=texts.ASK_REFUSE_NOTES,
        typed_what=texts.TYPED_REFUSE_NOTES,
        notes_what=texts.NOTES_WHAT[Action.REFUSE],
    ),
    Action.CONFIRM_REMOVED: ActionView(
        label=texts.ACTION_LABELS[Action.CONFIRM_REMOVED],
        done=texts.TAKEDOWN_LINK_DONE,
        done_last=texts.TAKEDOWN_DONE_LAST,
        mark=texts.DECISION_MARKS[Action.CONFIRM_REMOVED],
    ),
}

# Questions whose answer is text, by prompt kind; derived from the two tables (plus the
# new item's title, which no action asks for) so a file sent instead is named correctly.
TYPED_WHAT: dict[str, str] = {
    PromptKind.TITLE: texts.TYPED_TITLE,
    PromptKind.TAKEDOWN_TEXT: texts.TYPED_TAKEDOWN_TEXT,
    **{
        prompt: view.typed_what
        for action, view in ACTION_VIEWS.items()
        if (prompt := ACTION_FACTS[action].prompt) is not None and view.typed_what is not None
    },
}


def event_label(action: str) -> str:
    """A history event's label: an action's, the item's creation, or the raw name."""
    return texts.ACTION_LABELS.get(action, action)


def event_mark(action: str) -> str:
    """The mark on a retired card's decision line; plain for anything but an action's."""
    try:
        return ACTION_VIEWS[Action(action)].mark
    except ValueError:
        return "☑️"
