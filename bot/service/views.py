"""Read models handed from the service to the handlers: plain data, no ORM rows escape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.sop import Sop, SopPurpose, Step
from storage.models import PostLinkState

LinkState = PostLinkState  # where a post link stands; the handlers know it from here


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file as Telegram gave it to us; re-sent later by file_id."""

    kind: str  # photo | document | video
    file_id: str
    file_unique_id: str
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None
    sha256: str | None = None  # of our stored copy
    stored_path: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class MaterialView:
    kind: str
    text: str | None
    file: FileRef | None


@dataclass(frozen=True, slots=True)
class EventView:
    at: datetime
    action: str
    actor_id: int
    actor_name: str
    role: str
    step_key: str | None
    version: int
    notes: str | None
    capacity: str | None = None  # "Plh. Kasubbag Hukum" when an acting official decided
    basis: str | None = None  # the letter that appointed them


@dataclass(frozen=True, slots=True)
class PostLinkView:
    """A link reported for one published version: live, or replaced by a later version's
    post (a correction, ralat: when, and by which version)."""

    version: int
    url: str
    state: LinkState
    recorded_at: datetime
    replaced_at: datetime | None = None
    replaced_by_version: int | None = None


@dataclass(frozen=True, slots=True)
class ItemView:
    id: int
    code: str
    title: str
    status: str
    step: Step | None
    version: int
    created_by: int
    designer_id: int | None
    direction: str | None
    step_started_at: datetime | None
    step_due_at: datetime | None
    sop: Sop  # the SOP the item follows: its steps, roles and limits name it
    post_links: tuple[str, ...] = ()
    # every version's links, the replaced ones too (read for /status only)
    link_history: tuple[PostLinkView, ...] = ()

    @property
    def step_key(self) -> str | None:
        return self.step.key if self.step else None

    @property
    def takedown(self) -> bool:
        """A takedown (penurunan) item, under the takedown SOP."""
        return self.sop.purpose is SopPurpose.TAKEDOWN


@dataclass(frozen=True, slots=True)
class ChannelView:
    """What the operator's posting card says about the office's channel (issue 19): the
    links recorded, that the bot's post is under way, or that it was refused (the operator
    may post by hand)."""

    links: tuple[str, ...]
    pending: bool
    failed: bool


@dataclass(frozen=True, slots=True)
class CardData:
    """Everything one card shows: the item, its material, the design of one version."""

    item: ItemView
    step: Step
    version: int
    materials: tuple[MaterialView, ...]
    design: tuple[FileRef, ...]
    caption: str | None
    return_event: EventView | None  # why the item came back to the design step
    history: tuple[EventView, ...] = field(default=())
    # What the last approval of this version was given for: one SHA-256 per page.
    approved_hashes: tuple[str, ...] | None = None
    # The version's review preview as Telegram holds it, once one went out (sent by this id)
    preview_file_id: str | None = None
    # The posting step's card: the bot's posts to the office's channel (None: no channel job)
    channel: ChannelView | None = None
    # A takedown item's card: the takedown, its reason and the links to remove
    takedown: TakedownView | None = None


@dataclass(frozen=True, slots=True)
class DraftState:
    """The operator's upload in progress for an item: the next version's pages so far."""

    item: ItemView
    version: int
    pages: int
    caption: str | None
    photo_pages: int = 0  # pages Telegram compressed (sent as photo, not as file)
    # the pages' stored copies, in order; empty while one of them is not stored
    page_paths: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OwedMessage:
    """An outbox row not yet delivered, as the admins' /antrean shows it."""

    kind: str
    chat_id: int
    item_id: int | None
    failed_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class TakedownLinkView:
    """A link of the original post and its removal: when, by whom, and how (operator: the
    operator confirmed it; bot: the bot deleted its own post; gone: deleted by hand before)."""

    position: int
    url: str
    removed_at: datetime | None = None
    removed_by: str | None = None
    how: str | None = None


@dataclass(frozen=True, slots=True)
class TakedownView:
    """A takedown (penurunan) and the published item it takes down."""

    item_id: int
    code: str
    status: str
    original_id: int
    original_code: str
    original_title: str
    reason_key: str
    reason_title: str
    legal: bool
    explanation: str
    asked_by: str
    asked_at: datetime
    links: tuple[TakedownLinkView, ...] = ()
    # each step's decision, in order: (step ref and title, action, who, when, notes)
    decisions: tuple[EventView, ...] = ()

    @property
    def links_left(self) -> tuple[TakedownLinkView, ...]:
        return tuple(link for link in self.links if link.removed_at is None)
