"""Database tables. The database is the one source of truth: every screen and message the bot
shows can be rebuilt from these rows after a crash or restart."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Telegram ids exceed 32 bits; SQLite's INTEGER is 64-bit anyway, PostgreSQL needs BIGINT.
TgId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on PostgreSQL and on SQLite alike
    (SQLite keeps no zone, so a naive value read back there is UTC by construction)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UserText(TypeDecorator[str]):
    """Text a person typed (a title, notes, a caption, a file name). Telegram may carry a NUL
    character, which PostgreSQL refuses in text columns and nobody can see: it is dropped."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else value.replace("\x00", "")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), int: Integer}


class Item(Base):
    """A content item moving through the SOP."""

    __tablename__ = "items"
    # The reminder schedule asks for the earliest remind_at of the active items after every
    # change: without this index that walks every active item.
    __table_args__ = (Index("ix_items_status_remind_at", "status", "remind_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(UserText)
    # The key of the SOP the item follows (its steps, roles and limits); empty for the items
    # stored before an office could run several SOPs: they follow the default SOP.
    sop_key: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    step_key: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(default=0)
    # Bumped by every transition; a decision applies only if `rev` is still what it read.
    rev: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int] = mapped_column(TgId)
    created_at: Mapped[datetime]
    step_started_at: Mapped[datetime | None]
    step_limit: Mapped[str | None] = mapped_column(String(16))
    step_due_at: Mapped[datetime | None]
    # When the next overdue reminder for the current step falls; empty when none is owed.
    remind_at: Mapped[datetime | None] = mapped_column(index=True)
    direction: Mapped[str | None] = mapped_column(UserText)
    designer_id: Mapped[int | None] = mapped_column(TgId)
    post_links: Mapped[list[str] | None] = mapped_column(JSON)
    closed_at: Mapped[datetime | None]


class PostLinkState(StrEnum):
    """Where a reported post link stands: the item's current post, one replaced by a corrected
    version's post (ralat), or (room for penurunan) taken down."""

    LIVE = "live"
    REPLACED = "replaced"
    TAKEN_DOWN = "taken_down"


class PostLink(Base):
    """A link reported for one published version of an item; a correction's publication marks
    the earlier version's links replaced (when, and by which version), never deletes them.
    `items.post_links` keeps the current (live) links for the readers that want only those."""

    __tablename__ = "post_links"
    __table_args__ = (Index("ix_post_links_item", "item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    version: Mapped[int]  # the design version that was published with this link
    url: Mapped[str] = mapped_column(UserText)
    state: Mapped[str] = mapped_column(String(16))  # a PostLinkState
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(TgId)
    replaced_at: Mapped[datetime | None]
    replaced_by_version: Mapped[int | None]


class Takedown(Base):
    """A takedown (penurunan): the takedown item (its own code, under the takedown SOP) and
    the published item it takes down, with the reason chosen and the explanation typed."""

    __tablename__ = "takedowns"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    reason_key: Mapped[str] = mapped_column(String(16))
    reason_title: Mapped[str] = mapped_column(Text)  # as the SOP named it when asked
    legal: Mapped[bool]
    explanation: Mapped[str] = mapped_column(UserText)


class TakedownLink(Base):
    """One link of the original post, to be removed; confirmed by the operator (or by the bot
    for its own channel posts), with who and when."""

    __tablename__ = "takedown_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("takedowns.item_id"), index=True)
    position: Mapped[int]
    url: Mapped[str] = mapped_column(Text)
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[int | None] = mapped_column(TgId)  # None: the bot itself
    removed_by_name: Mapped[str | None] = mapped_column(UserText)
    # operator: confirmed by the operator; bot: the bot deleted its own post; gone: the post
    # had been deleted by hand before
    how: Mapped[str | None] = mapped_column(String(16))


class ItemSequence(Base):
    """The last number given out per prefix and year, for readable codes like JDIH-2026-0007."""

    __tablename__ = "item_sequences"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Material(Base):
    """Material handed in at step 1: text, links and files (re-sent by file_id)."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # text | document | photo | video
    text: Mapped[str | None] = mapped_column(UserText)
    file_id: Mapped[str | None] = mapped_column(String(256))
    file_name: Mapped[str | None] = mapped_column(UserText)  # no length: see 0006
    sha256: Mapped[str | None] = mapped_column(String(64))
    stored_path: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[int] = mapped_column(TgId)
    added_at: Mapped[datetime]


class DesignFile(Base):
    """One page of a design version. `item_id` is empty while the operator picks the item."""

    __tablename__ = "design_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), index=True)
    version: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(16))  # photo | document | video
    file_id: Mapped[str] = mapped_column(String(256))
    file_unique_id: Mapped[str] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(UserText)  # no length: see 0006
    mime_type: Mapped[str | None] = mapped_column(String(128))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    # Our own copy: where it is, and what it must hash to (approval is bound to this).
    sha256: Mapped[str | None] = mapped_column(String(64))
    stored_path: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int | None]
    height: Mapped[int | None]
    uploaded_by: Mapped[int] = mapped_column(TgId)
    uploaded_at: Mapped[datetime]


class DesignVersion(Base):
    """A design version's caption and hand-in; `submitted_at` is empty while it is a draft."""

    __tablename__ = "design_versions"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    version: Mapped[int]
    caption: Mapped[str | None] = mapped_column(UserText)
    submitted_by: Mapped[int | None] = mapped_column(TgId)
    submitted_at: Mapped[datetime | None]
    # The review preview once Telegram holds it (the largest size of the first photo sent):
    # every later reviewer of the version gets it by this id, nothing drawn or uploaded.
    preview_file_id: Mapped[str | None] = mapped_column(String(256))


class Event(Base):
    """The append-only history: who, in which role, when, at which step and version, notes."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int] = mapped_column(TgId)
    actor_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32))
    step_key: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int]
    notes: Mapped[str | None] = mapped_column(UserText)
    # For an approval: the SHA-256 of every design file approved, in page order.
    file_hashes: Mapped[list[str] | None] = mapped_column(JSON)
    # An acting official's capacity ("Plh. Kasubbag Hukum") and the letter naming them;
    # empty for a member acting in their own role.
    capacity: Mapped[str | None] = mapped_column(UserText)
    basis: Mapped[str | None] = mapped_column(UserText)
    # For an approval: whether the approver confirmed the sources were checked (SOP 4b);
    # empty for other actions and for approvals recorded before 0011.
    sources_checked: Mapped[bool | None]


class StepVisitRecord(Base):
    """One visit of an SOP step, as it stood when it began: the limit then in force, when it
    fell due, and which SOP (name, number, content fingerprint) it ran under; closed by the
    event that ended it. A revised SOP never rewrites what was measured under the old one.
    Rows copied from an item by migration 0011 have no SOP identity (it was not recorded)."""

    __tablename__ = "step_visits"
    __table_args__ = (Index("ix_step_visits_ended", "ended_at", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    step_key: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    step_limit: Mapped[str | None] = mapped_column(String(16))  # Limit.as_text(): "15m", "1wd"
    due_at: Mapped[datetime | None]
    sop_name: Mapped[str | None] = mapped_column(Text)
    sop_number: Mapped[str | None] = mapped_column(String(64))
    sop_version: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[datetime | None]
    end_event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))


# A CardMessage of this kind is a question the bot asked with buttons (the material's
# "Selesai", a question's "Batal"): the newest one in a chat is the only one with live buttons.
QUESTION_MESSAGE = "ask"


class CardMessage(Base):
    """A message the bot sent about an item, so replies find their item and decisions can
    replace the buttons on every copy of a card."""

    __tablename__ = "card_messages"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id"),
        Index("ix_card_messages_item_step", "item_id", "step_key", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(TgId)
    message_id: Mapped[int]
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    step_key: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # card | brief | ack | file | ask
    has_buttons: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str | None] = mapped_column(UserText)  # to re-render the card without buttons


class PendingInput(Base):
    """What the bot asked a member to type next (a title, notes, a reason, links)."""

    __tablename__ = "pending_inputs"

    user_id: Mapped[int] = mapped_column(TgId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    step_key: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int | None]
    asked_at: Mapped[datetime]
    # A new item's title: the key of the SOP chosen at /baru (empty: the default SOP).
    sop_key: Mapped[str | None] = mapped_column(String(16))


class SopSnapshot(Base):
    """One version of an SOP as the bot ran it (its file's content, canonical JSON), stored
    at start: an SOP whose file is removed while items still follow it is rebuilt from its
    latest copy and runs them to the end."""

    __tablename__ = "sop_snapshots"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[str] = mapped_column(String(64), primary_key=True)  # its fingerprint
    name: Mapped[str] = mapped_column(Text)
    number: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    first_used: Mapped[datetime]
    last_used: Mapped[datetime]  # the last start that ran it (the latest copy is rebuilt)


class OutboxMessage(Base):
    """A message owed to a chat because of a transition, written in the transition's own
    transaction and delivered afterwards, so nothing owed is lost by a crash."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "delivered_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    chat_id: Mapped[int] = mapped_column(TgId)
    kind: Mapped[str] = mapped_column(String(16))  # card | notice
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    parts_sent: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class ReminderSent(Base):
    """One overdue reminder round for one visit of a step. The unique key is what makes a
    reminder go out at most once, across restarts and racing ticks alike."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("item_id", "step_key", "step_started_at", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    step_key: Mapped[str] = mapped_column(String(16))
    step_started_at: Mapped[datetime]
    round: Mapped[int]
    late_minutes: Mapped[int]
    sent_at: Mapped[datetime]


class DigestSent(Base):
    """The secretary's daily digest, at most once per office day."""

    __tablename__ = "digests_sent"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime]


class InboxUpdate(Base):
    """An update from Telegram, written down before Telegram is told it arrived, and marked
    done when handled: a crash in between means it is handled again at the next start, and
    an update Telegram sends twice is handled once."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_unfinished", "done_at", "update_id"),)

    update_id: Mapped[int] = mapped_column(TgId, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=0)  # starts made at handling it
    done_at: Mapped[datetime | None]


class Member(Base):
    """A person the office let in (by invitation, or seeded from config.toml on first start);
    their current roles are MemberRole rows, their past in RosterLog."""

    __tablename__ = "members"

    user_id: Mapped[int] = mapped_column(TgId, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(UserText)
    active: Mapped[bool] = mapped_column(default=True)
    joined_at: Mapped[datetime]
    joined_via: Mapped[str] = mapped_column(String(16))  # config | invitation
    deactivated_at: Mapped[datetime | None]
    # Made an admin in chat (/anggota); counts only while active. config.toml's
    # telegram.admins are admins besides these, and chat cannot change theirs.
    admin: Mapped[bool] = mapped_column(default=False, server_default=false())


class MemberRole(Base):
    __tablename__ = "member_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("members.user_id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class Absence(Base):
    """A member away from `start` to `end` (whole office days, both included); cancelled
    absences stay, with when they were cancelled, for the record."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_period", "end", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("members.user_id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int] = mapped_column(TgId)
    recorded_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class ActingAppointment(Base):
    """Who acts in one role of an absent member for the absence's period (Plh or Plt), and
    the letter that appoints them."""

    __tablename__ = "acting_appointments"
    __table_args__ = (UniqueConstraint("absence_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    absence_id: Mapped[int] = mapped_column(ForeignKey("absences.id"))
    role: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("members.user_id"))
    kind: Mapped[str] = mapped_column(String(8))  # plh | plt
    basis: Mapped[str] = mapped_column(UserText)


class RosterLog(Base):
    """Who held which role, when: every change to members, roles, absences and acting
    officials, by whom and on what basis. Append-only, for the monitoring report and audits."""

    __tablename__ = "roster_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    user_id: Mapped[int] = mapped_column(TgId, index=True)  # whom the change is about
    change: Mapped[str] = mapped_column(String(32))
    role: Mapped[str | None] = mapped_column(String(32))
    by_user: Mapped[int | None] = mapped_column(TgId)  # None: the bot itself (config seed)
    basis: Mapped[str | None] = mapped_column(UserText)
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)


class Invitation(Base):
    """A one-time deep link into a role; only the token's hash is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[int] = mapped_column(TgId)
    created_at: Mapped[datetime]
    used_by: Mapped[int | None] = mapped_column(TgId)
    used_name: Mapped[str | None] = mapped_column(UserText)
    used_at: Mapped[datetime | None]
    # The admin's answer to the person who opened it: accepted, refused, or not yet.
    decided_by: Mapped[int | None] = mapped_column(TgId)
    decided_at: Mapped[datetime | None]
    accepted: Mapped[bool | None]
    revoked_at: Mapped[datetime | None]


class LeaveTalk(Base):
    """A /cuti in progress, one per person (issue 14): what was answered so far, as JSON
    (bot/service/leave_talks.py reads and writes it), so a restart in the middle loses
    nothing. `state` is empty when no talk is open; `rev`, the number of the last question
    asked, only grows, so a button of an earlier question or talk never matches again."""

    __tablename__ = "leave_talks"

    user_id: Mapped[int] = mapped_column(TgId, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(TgId)  # where the questions are asked
    rev: Mapped[int] = mapped_column(default=0)
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    asked_at: Mapped[datetime]


class ReportSent(Base):
    """A report the bot sent without being asked (issue 15): the previous semester's report
    ("semester:2026-S2") or the yearly reminder to review the SOP ("review:2027"), at most once
    each. Written in the same transaction as the outbox rows that deliver it."""

    __tablename__ = "reports_sent"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    sent_at: Mapped[datetime]


class ChannelPost(Base):
    """A message the bot posted to the office's Telegram channel (issue 19). A row without a
    message id is a post being sent: written before the Bot API call, so a crash between
    Telegram's accept and the commit is found at the next try instead of posting twice."""

    __tablename__ = "channel_posts"
    __table_args__ = (
        Index("ix_channel_posts_item", "item_id", "state"),
        Index("ix_channel_posts_job", "outbox_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    version: Mapped[int]
    outbox_id: Mapped[int]  # the posting job (an outbox row)
    part: Mapped[int]  # which of the job's calls posted it (an album is one call)
    channel: Mapped[str] = mapped_column(String(64))  # as configured: "@name" or "-100..."
    chat_id: Mapped[int | None] = mapped_column(TgId)  # the channel's id, as Telegram said
    message_id: Mapped[int | None]  # None: being sent
    link: Mapped[str | None] = mapped_column(String(128))  # https://t.me/...
    state: Mapped[str] = mapped_column(String(16))  # bot.service.channel.PostState
    posted_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
