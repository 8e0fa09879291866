"""The messages a transition owes, written to the outbox inside the transition's own
transaction: a crash after the commit cannot lose them, a rollback cannot send them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.sop import Sop
from bot.domain.workflow import Action, ItemStatus, Transition
from bot.service.alarms import alarm
from bot.service.directory import Directory
from bot.service.payloads import (
    ArchiveJob,
    CardJob,
    Confirmation,
    Notice,
    NoticeKind,
    Payload,
    Retire,
    to_json,
)
from bot.service.payloads import OutboxKind as OutboxKind  # re-exported: its old home
from bot.service.views import EventView
from storage.models import Item
from storage.repositories import Repository

ARCHIVE_CHAT = 0  # outbox rows that are work for the bot itself, not a message to a chat


async def enqueue_after_transition(
    repo: Repository,
    sop: Sop,
    directory: Directory,
    item: Item,
    transition: Transition,
    event: EventView,
    event_id: int,
    now: datetime,
    *,
    confirm: bool = False,
) -> None:
    """`confirm`: the actor typed the decision, and is owed its confirmation (a press is
    answered by its toast)."""
    await _retire_cards(repo, item, event, now)
    if confirm:
        # after the retirements in the actor's chat (the card shows the decision, the
        # question its buttons gone), before anything the decision sends them next
        done = Confirmation(
            transition.action, item.code, transition.version, transition.to_step, sop.key
        )
        add_outbox(repo, now, event.actor_id, item.id, done)
    if transition.to_step is not None and transition.step_changed:
        step = sop.step(transition.to_step)
        returned = event_id if transition.returned else None
        card = CardJob(step.key, item.version, return_event_id=returned)
        for chat_id in directory.chats_for_role(step.role):
            add_outbox(repo, now, chat_id, item.id, card)
        if directory.uncovered([step.role]):
            alarm(repo, sop, directory, item, now)  # nobody can act: said now, not when late
    if transition.returned:
        step = sop.step(transition.from_step or "")
        role = sop.role_title(event.role)  # the title people know, not the config key
        notice = replace(
            _notice(NoticeKind.RETURNED, item, event),
            version=item.version,
            role=role,
            notes=event.notes or "",
        )
        recipients = directory.chats_for_roles(step.notify_on_return)
        _notify(repo, now, item, recipients, event.actor_id, notice)
    elif transition.status is ItemStatus.PUBLISHED:
        add_outbox(repo, now, ARCHIVE_CHAT, item.id, ArchiveJob())
        recipients = [item.created_by, *directory.chats_for_roles(sop.order_roles)]
        links = "\n".join(item.post_links or ())
        notice = replace(_notice(NoticeKind.PUBLISHED, item, event), links=links)
        _notify(repo, now, item, recipients, event.actor_id, notice)
    elif transition.action is Action.CANCEL:
        roles = [sop.step(transition.from_step).role] if transition.from_step else []
        people = [item.created_by] + ([item.designer_id] if item.designer_id else [])
        recipients = [*people, *directory.chats_for_roles(roles)]
        notice = _notice(NoticeKind.CANCELLED, item, event)
        notice = replace(notice, reason=event.notes or "")
        _notify(repo, now, item, recipients, event.actor_id, notice)


async def _retire_cards(repo: Repository, item: Item, event: EventView, now: datetime) -> None:
    """After any decision, no earlier card of the item keeps live buttons."""
    for card_id, chat_id in await repo.retire_cards(item.id):
        retire = Retire(card_id, event.action, event.actor_name, event.at)
        add_outbox(repo, now, chat_id, item.id, retire)


def _notice(template: NoticeKind, item: Item, event: EventView) -> Notice:
    """A notice's common part; the caller adds its template's own parameters."""
    return Notice(template, item.code, item.title, event.actor_name)


def _notify(
    repo: Repository,
    now: datetime,
    item: Item,
    recipients: list[int],
    actor_id: int,
    notice: Notice,
) -> None:
    seen: set[int] = {actor_id}  # the actor hears from the bot directly, not as a notice
    for chat_id in recipients:
        if chat_id not in seen:
            seen.add(chat_id)
            add_outbox(repo, now, chat_id, item.id, notice)


def add_outbox(
    repo: Repository,
    now: datetime,
    chat_id: int,
    item_id: int | None,
    payload: Payload,
) -> None:
    """Owe `payload` to `chat_id`; a payload that would not parse back raises PayloadError
    here, before the row is added (and the caller's transaction is not committed)."""
    repo.owe(now, chat_id, payload.kind, item_id, to_json(payload))


async def card_on_its_way(repo: Repository, chat_id: int, item_id: int, card: CardJob) -> bool:
    """The same card (step and version) already waits in the outbox for that chat."""
    waiting = await repo.waiting_outbox(chat_id, OutboxKind.CARD, item_id)
    return any(
        row.payload.get("step") == card.step and row.payload.get("version") == card.version
        for row in waiting
    )
