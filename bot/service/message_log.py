"""The bookkeeping of which Telegram message shows which item, written as the messages go out:
replies to a message find its item, and a decided step's buttons are retired. Writes only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.workflow import ItemStatus
from bot.service.commits import Committed
from bot.service.context import ServiceContext
from bot.service.owed import add_outbox
from bot.service.payloads import Retire
from bot.service.rows import draft_version, event_view
from bot.service.views import EventView
from storage.models import QUESTION_MESSAGE, CardMessage, Item
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class OutboxProgress:
    """What the outbox sender records about its row in the same commit as the message it
    sent: how many parts of the row went out, or that the row is done."""

    row_id: int
    at: datetime
    parts_sent: int | None = None  # a file went out: the parts sent so far
    delivered: bool = False  # the card's text went out: the row is done
    # other rows the sender is done with (edits it made), marked delivered in this commit
    also_delivered: tuple[int, ...] = ()


def _still_current(item: Item, step_key: str | None, version: int, kind: str) -> bool:
    if item.status != ItemStatus.ACTIVE or item.step_key != step_key:
        return False
    # a receipt for an upload belongs to the draft, one version ahead of the item
    expected = draft_version(item) if kind == "ack" else item.version
    return version == expected


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message Telegram accepted, as the sender records it."""

    chat_id: int
    message_id: int
    text: str | None = None  # a card's text, to re-render it without buttons
    has_buttons: bool = False


def _row(
    message: SentMessage, item_id: int, step_key: str, version: int, kind: str
) -> dict[str, Any]:
    return {
        "chat_id": message.chat_id,
        "message_id": message.message_id,
        "item_id": item_id,
        "step_key": step_key,
        "version": version,
        "kind": kind,
        "has_buttons": message.has_buttons,
        "text": message.text,
    }


async def _progress(uow: UnitOfWork, progress: OutboxProgress, *, done: bool) -> None:
    """The sender's row: done (with its parts and the other rows it is done with, one
    UPDATE), or its parts sent so far."""
    also = progress.also_delivered
    if done:
        parts = None if progress.parts_sent is None else (progress.row_id, progress.parts_sent)
        await uow.repo.deliver_outbox([progress.row_id, *also], progress.at, parts=parts)
        return
    if progress.parts_sent is not None:
        await uow.repo.outbox_parts_sent(progress.row_id, progress.parts_sent)
    if also:
        await uow.repo.deliver_outbox(also, progress.at)


class MessageLog:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def record_message(
        self,
        *,
        chat_id: int,
        message_id: int,
        item_id: int,
        step_key: str | None,
        version: int,
        kind: str,
        has_buttons: bool,
        text: str | None,
        progress: OutboxProgress | None = None,
    ) -> EventView | None:
        """Remember a message about an item: replies to it find the item, and its buttons are
        retired when the step is decided. If the step was decided while this message was on
        its way, returns that decision: the caller retires the buttons at once.

        With `progress`, the outbox row that sent the message is updated in the same commit.
        The row is marked delivered only when no decision is returned: otherwise the caller
        retires the buttons first and then marks it, so a crash in between sends the card
        again (retired at once) rather than leaving live buttons on a decided step."""
        async with UnitOfWork(self.ctx.factory) as uow:
            # Only buttons care whether the step is still open: a file needs no item.
            item = await uow.repo.item(item_id) if has_buttons else None
            live = item is not None and _still_current(item, step_key, version, kind)
            uow.repo.add(
                CardMessage(
                    chat_id=chat_id,
                    message_id=message_id,
                    item_id=item_id,
                    step_key=step_key,
                    version=version,
                    kind=kind,
                    has_buttons=has_buttons and live,
                    text=text,
                )
            )
            closing = (
                None
                if live or not has_buttons
                else await uow.repo.last_event_at(item_id, step_key, version)
            )
            if progress is not None:
                await _progress(uow, progress, done=progress.delivered and closing is None)
            await uow.commit()
            return event_view(closing) if closing else None

    async def record_card(
        self,
        *,
        item_id: int,
        step_key: str,
        version: int,
        files: Sequence[SentMessage],
        text: SentMessage | None,
        progress: OutboxProgress,
        preview: str | None = None,
    ) -> EventView | None:
        """Record what the outbox sender sent of a card, in one commit: its files, then its
        text (`text`, None when it did not go out), and the row's progress. The messages are
        one INSERT, which keeps the text's buttons only while the card's step is still open
        (no read of the item); the row's mark is one UPDATE, with the other rows it is done
        with. If the step was decided while the card was on its way, returns that decision
        and leaves the row undelivered (see record_message).

        `preview`: the file_id of the version's review preview as Telegram holds it, when
        this card uploaded it: every later reviewer of the version is sent that photo,
        nothing drawn or uploaded again. A version without its row (none is written before
        the design is submitted) keeps none."""
        async with UnitOfWork(self.ctx.factory) as uow:
            if preview is not None:
                await uow.repo.set_preview_file_id(item_id, version, preview)
            rows = [_row(file, item_id, step_key, version, "file") for file in files]
            if text is not None:
                rows.append(_row(text, item_id, step_key, version, "card"))
            buttons = text is not None and text.has_buttons
            live_at = (item_id, ItemStatus.ACTIVE.value, step_key, version) if buttons else None
            live = await uow.repo.add_sent_messages(rows, live_at=live_at)
            closing = (
                await uow.repo.last_event_at(item_id, step_key, version)
                if buttons and not live
                else None
            )
            await _progress(uow, progress, done=progress.delivered and closing is None)
            await uow.commit()
            return event_view(closing) if closing else None

    async def record_question(
        self, *, chat_id: int, message_id: int, item_id: int, step_key: str | None, version: int
    ) -> list[int]:
        """Remember a question the bot just asked in a chat with buttons (the material's
        "Selesai", a question's "Batal") about the item at `step_key` and `version`: it
        replaces the questions asked there before, whose buttons answer nothing any more.
        Returns those messages' ids, for the caller to take their buttons off; a decision on
        the item retires this one's (enqueue_after_transition).

        The question was sent before this: a decision that moved the item on meanwhile (another
        member cancelled the draft, say) could not retire it. It is then recorded without
        buttons, and their retirement is owed in the same commit (the sender takes them off)."""
        async with UnitOfWork(self.ctx.factory) as uow:
            # locked: a decision either comes after this commit (and retires the question)
            # or before this read (and is seen here)
            item = await uow.repo.item(item_id, for_update=True)
            live = item is not None and _question_open(item, step_key, version)
            earlier = await uow.repo.live_messages(kind=QUESTION_MESSAGE, chat_id=chat_id)
            for message in earlier:
                message.has_buttons = False
            asked = CardMessage(
                chat_id=chat_id,
                message_id=message_id,
                item_id=item_id,
                step_key=step_key,
                version=version,
                kind=QUESTION_MESSAGE,
                has_buttons=live,
                text=None,  # retired by taking its buttons off, its words unchanged
            )
            uow.repo.add(asked)
            closing = None if live else await uow.repo.last_event(item_id)
            if closing is not None:
                await uow.repo.flush()  # the row's id, for its retirement
                retire = Retire(asked.id, closing.action, closing.actor_name, closing.at)
                add_outbox(uow.repo, self.ctx.clock.now(), chat_id, item_id, retire)
                uow.after_commit(lambda: self.ctx.on_commit(Committed(owed=True)))
            await uow.commit()
            return [message.message_id for message in earlier]


def _question_open(item: Item, step_key: str | None, version: int) -> bool:
    """The item is still where the question about it was asked: a draft or at its step."""
    if item.status not in (ItemStatus.DRAFT, ItemStatus.ACTIVE):
        return False
    return item.step_key == step_key and item.version == version
