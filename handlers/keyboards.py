"""Callback data, built and parsed side by side. Short plain strings (Telegram allows 64
bytes), so buttons keep working after a restart; every press is re-checked against the
database, because a client can forge any data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts


class Verb(StrEnum):
    APPROVE = "ap"  # item:step:version
    CONFIRM_SOURCES = "cf"  # item:step:version — approve, sources checked (SOP 4b)
    APPROVE_SOURCES = "as"  # item:step:version — the card's one tap: the same, on the card
    RETURN = "rt"  # item:step:version
    DIRECT = "dr"  # item:step:version — write the direction
    ORDER = "or"  # item:step:version
    POSTED = "pl"  # item:step:version — report the links
    UPLOAD_HERE = "ud"  # item:step:version — the next files are for this item
    SUBMIT_DESIGN = "sd"  # item:draft-version
    CLEAR_DESIGN = "dc"  # item:draft-version
    MATERIAL_DONE = "md"  # item
    DISMISS = "no"  # item — drop the question the bot asked
    PICK_ITEM = "up"  # upload:item — a parked upload goes to this item
    SHOW_CARD = "cd"  # item — send me the item's current card again
    SHOW_STATUS = "st"  # item — send me the item's status, with its history (read-only)
    ARCHIVE = "ar"  # item — send me the archived item's summary and files
    CORRECT = "rl"  # item — ask for a correction (ralat) of the published item
    CHANNEL_ONLY = "kt"  # item:step:version — posted: the bot's channel was the only platform
    # a takedown (penurunan):
    TAKE_DOWN = "tq"  # item — ask to take this published item down (its status's button)
    TAKEDOWN_REASON = "tn"  # item:reason:0 — the reason chosen for the item's takedown
    REFUSE = "tf"  # item:step:version — refuse the takedown (a note is asked)
    LINK_REMOVED = "tx"  # item:step:position — this link's post was removed
    OPEN_UNDER = "sb"  # 0:sop — /baru: the new item follows this SOP ("SOP baru")


_DATA_RE = re.compile(
    r"^(?P<verb>[a-z]{2})"
    r":(?P<a>[0-9]{1,10})"
    r"(?::(?P<step>[a-z][a-z0-9_]{0,15}))?"
    r"(?::(?P<b>[0-9]{1,10}))?\Z"
)
# Ids and versions are INTEGER columns: PostgreSQL refuses a bigger number in a query.
_MAX_NUMBER = 2**31 - 1

_STEP_VERBS = frozenset(
    {
        Verb.APPROVE,
        Verb.CONFIRM_SOURCES,
        Verb.APPROVE_SOURCES,
        Verb.RETURN,
        Verb.DIRECT,
        Verb.ORDER,
        Verb.POSTED,
        Verb.UPLOAD_HERE,
        Verb.CHANNEL_ONLY,
        Verb.TAKEDOWN_REASON,
        Verb.REFUSE,
        Verb.LINK_REMOVED,
    }
)
_VERSION_VERBS = frozenset({Verb.SUBMIT_DESIGN, Verb.CLEAR_DESIGN, Verb.PICK_ITEM})
_KEY_VERBS = frozenset({Verb.OPEN_UNDER})  # a key in the step's place, no number after it


@dataclass(frozen=True, slots=True)
class Callback:
    verb: Verb
    item_id: int  # for PICK_ITEM: the parked upload's id
    step_key: str | None = None
    number: int | None = None  # the version, or for PICK_ITEM the item id


def pack(verb: Verb, item_id: int, step_key: str | None = None, number: int | None = None) -> str:
    parts = [verb.value, str(item_id)]
    if step_key is not None:
        parts.append(step_key)
    if number is not None:
        parts.append(str(number))
    data = ":".join(parts)
    assert len(data.encode()) <= 64, "Telegram refuses callback data over 64 bytes"
    return data


def unpack(data: str | None) -> Callback | None:
    """The press's meaning, or None for anything malformed or forged in shape."""
    match = _DATA_RE.match(data or "")
    if match is None:
        return None
    try:
        verb = Verb(match["verb"])
    except ValueError:
        return None
    step, b = match["step"], match["b"]
    shape_ok = (
        (verb in _STEP_VERBS and step is not None and b is not None)
        or (verb in _VERSION_VERBS and step is None and b is not None)
        or (verb in _KEY_VERBS and step is not None and b is None)
        or (verb not in _STEP_VERBS | _VERSION_VERBS | _KEY_VERBS and step is None and b is None)
    )
    number = int(b) if b is not None else None
    if not shape_ok or int(match["a"]) > _MAX_NUMBER or (number or 0) > _MAX_NUMBER:
        return None
    return Callback(verb, int(match["a"]), step, number)


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def step_keyboard(
    buttons: list[tuple[Verb, str]], item_id: int, step_key: str, version: int
) -> InlineKeyboardMarkup:
    """One row: a step's actions as buttons that carry the item, the step and the version."""
    return InlineKeyboardMarkup(
        [[_button(label, pack(verb, item_id, step_key, version)) for verb, label in buttons]]
    )


def confirm_sources_keyboard(item_id: int, step_key: str, version: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    texts.BTN_CONFIRM_SOURCES,
                    pack(Verb.CONFIRM_SOURCES, item_id, step_key, version),
                )
            ],
            [_button(texts.BTN_CANCEL_CONFIRM, pack(Verb.DISMISS, item_id))],
        ]
    )


def sop_keyboard(sops: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """/baru when the office runs several SOPs that publish: per SOP (key, its name and
    number) a button, one to a row."""
    return InlineKeyboardMarkup(
        [[_button(label, pack(Verb.OPEN_UNDER, 0, key))] for key, label in sops]
    )


def tasks_keyboard(items: list[tuple[int, str]]) -> InlineKeyboardMarkup | None:
    """/tugas: per waiting item (id, code) a button that brings its card, two to a row."""
    buttons = [
        _button(texts.BTN_TASK_CARD.format(code=code), pack(Verb.SHOW_CARD, item_id))
        for item_id, code in items[:_TASK_BUTTONS]
    ]
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[at : at + 2] for at in range(0, len(buttons), 2)])


# Telegram refuses a keyboard of more than 100 buttons; a longer list is read in the text.
_TASK_BUTTONS = 50


def draft_keyboard(item_id: int, version: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(texts.BTN_SUBMIT_DESIGN, pack(Verb.SUBMIT_DESIGN, item_id, None, version))],
            [_button(texts.BTN_CLEAR_DESIGN, pack(Verb.CLEAR_DESIGN, item_id, None, version))],
        ]
    )


def material_keyboard(item_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(texts.BTN_MATERIAL_DONE, pack(Verb.MATERIAL_DONE, item_id))]]
    )


def correction_keyboard(item_id: int) -> InlineKeyboardMarkup:
    """A published item's status, to one who may ask for its correction (ralat)."""
    return InlineKeyboardMarkup([[_button(texts.BTN_CORRECT, pack(Verb.CORRECT, item_id))]])


def joined(*keyboards: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The rows of several keyboards in one (None when none has a row)."""
    rows = [row for keyboard in keyboards if keyboard for row in keyboard.inline_keyboard]
    return InlineKeyboardMarkup(rows) if rows else None


def dismiss_keyboard(item_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(texts.BTN_CANCEL_CONFIRM, pack(Verb.DISMISS, item_id))]])


def pick_item_keyboard(upload_id: int, items: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """One button per candidate item: (item id, label)."""
    return InlineKeyboardMarkup(
        [
            [_button(label[:60], pack(Verb.PICK_ITEM, upload_id, None, item_id))]
            for item_id, label in items
        ]
    )


def takedown_reasons_keyboard(item_id: int, reasons: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """The takedown SOP's reasons (key, title), one a row; and Batal."""
    rows = [[_button(title, pack(Verb.TAKEDOWN_REASON, item_id, key, 0))] for key, title in reasons]
    rows.append([_button(texts.BTN_CANCEL_CONFIRM, pack(Verb.DISMISS, item_id))])
    return InlineKeyboardMarkup(rows)


def take_down_keyboard(item_id: int) -> InlineKeyboardMarkup:
    """A published item's status: "Turunkan", for those who may ask for a takedown."""
    return InlineKeyboardMarkup([[_button(texts.BTN_TAKEDOWN, pack(Verb.TAKE_DOWN, item_id))]])


def removal_keyboard(
    item_id: int, step_key: str, links: list[tuple[int, str]]
) -> InlineKeyboardMarkup | None:
    """The removal step's card: a button per link (position, label) not confirmed yet."""
    if not links:
        return None
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    texts.BTN_LINK_REMOVED.format(link=label)[:60],
                    pack(Verb.LINK_REMOVED, item_id, step_key, position),
                )
            ]
            for position, label in links
        ]
    )
