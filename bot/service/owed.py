"""The messages a transition owes, written to the outbox inside the transition's own
transaction: a crash after the commit cannot lose them, a rollback cannot send them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.sop import Sop
from bot.domain.workflow import Action, ItemStatus, Transition
from bot.service.directory import Directory
from bot.service.views import EventView
from storage.models import Item, OutboxMessage
from storage.repositories import Repository

ARCHIVE_CHAT = 0  # outbox rows that are work for the bot itself, not a message to a chat


class OutboxKind:
    CARD = "card"  # an item's card for the role at a step (files, text, buttons)
    NOTICE = "notice"  # a line of information from the catalog
    RETIRE = "retire"  # replace a card's buttons with the decision taken on it
    REMINDER = "reminder"  # a step is overdue
    DIGEST = "digest"  # the overseer's daily summary
    ARCHIVE = "archive"  # write the published item's archive folder (no chat: chat_id 0)


async def enqueue_after_transition(
    repo: Repository,
    sop: Sop,
    directory: Directory,
    item: Item,
    transition: Transition,
    event: EventView,
    event_id: int,
    now: datetime,
) -> None:
    await _retire_cards(repo, item, event, now)
    if transition.to_step is not None and transition.step_changed:
        step = sop.step(transition.to_step)
        payload: dict[str, object] = {"step": step.key, "version": item.version}
        if transition.returned:
            payload["return_event_id"] = event_id
        for chat_id in directory.chats_for_role(step.role):
            add_outbox(repo, now, chat_id, OutboxKind.CARD, item.id, payload)
    params: dict[str, object] = {"code": item.code, "title": item.title, "name": event.actor_name}
    if transition.returned:
        step = sop.step(transition.from_step or "")
        role = sop.role_title(event.role)  # the title people know, not the config key
        params |= {"version": item.version, "role": role, "notes": event.notes or ""}
        recipients = directory.chats_for_roles(step.notify_on_return)
        _notify(repo, now, item, recipients, event.actor_id, "returned", params)
    elif transition.status is ItemStatus.PUBLISHED:
        add_outbox(repo, now, ARCHIVE_CHAT, OutboxKind.ARCHIVE, item.id, {})
        recipients = [item.created_by, *directory.chats_for_roles(sop.order_roles)]
        params["links"] = "\n".join(item.post_links or ())
        _notify(repo, now, item, recipients, event.actor_id, "published", params)
    elif transition.action is Action.CANCEL:
        roles = [sop.step(transition.from_step).role] if transition.from_step else []
        people = [item.created_by] + ([item.designer_id] if item.designer_id else [])
        recipients = [*people, *directory.chats_for_roles(roles)]
        params["reason"] = event.notes or ""
        _notify(repo, now, item, recipients, event.actor_id, "cancelled", params)


async def _retire_cards(repo: Repository, item: Item, event: EventView, now: datetime) -> None:
    """After any decision, no earlier card of the item keeps live buttons."""
    for card in await repo.cards_with_buttons(item.id):
        card.has_buttons = False
        payload = {
            "card_id": card.id,
            "action": event.action,
            "name": event.actor_name,
            "at": event.at.isoformat(),
        }
        add_outbox(repo, now, card.chat_id, OutboxKind.RETIRE, item.id, payload)


def _notify(
    repo: Repository,
    now: datetime,
    item: Item,
    recipients: list[int],
    actor_id: int,
    template: str,
    params: dict[str, Any],
) -> None:
    seen: set[int] = {actor_id}  # the actor hears from the bot directly, not as a notice
    for chat_id in recipients:
        if chat_id not in seen:
            seen.add(chat_id)
            payload = {"template": template, "params": params}
            add_outbox(repo, now, chat_id, OutboxKind.NOTICE, item.id, payload)


def add_outbox(
    repo: Repository,
    now: datetime,
    chat_id: int,
    kind: str,
    item_id: int | None,
    payload: dict[str, Any],
) -> None:
    repo.add(
        OutboxMessage(created_at=now, chat_id=chat_id, kind=kind, item_id=item_id, payload=payload)
    )
