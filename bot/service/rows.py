"""Turning rows into the workflow's state and the handlers' views, and a history row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.sop import Sop
from bot.domain.workflow import Actor, ItemChanges, ItemState, ItemStatus
from bot.service.views import EventView, FileRef, ItemView, MaterialView
from storage.models import DesignFile, Event, Item, Material


def item_state(item: Item, page_uploaders: frozenset[int] = frozenset()) -> ItemState:
    return ItemState(
        status=ItemStatus(item.status),
        step_key=item.step_key,
        version=item.version,
        designer_id=item.designer_id,
        created_by=item.created_by,
        page_uploaders=page_uploaders,
    )


def item_view(item: Item, sop: Sop) -> ItemView:
    step = sop.step(item.step_key) if item.step_key and sop.has_step(item.step_key) else None
    return ItemView(
        id=item.id,
        code=item.code,
        title=item.title,
        status=item.status,
        step=step,
        version=item.version,
        created_by=item.created_by,
        designer_id=item.designer_id,
        direction=item.direction,
        step_started_at=item.step_started_at,
        step_due_at=item.step_due_at,
        sop=sop,
        post_links=tuple(item.post_links or ()),
    )


def event_view(event: Event) -> EventView:
    return EventView(
        at=event.at,
        action=event.action,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        role=event.role,
        step_key=event.step_key,
        version=event.version,
        notes=event.notes,
        capacity=event.capacity,
        basis=event.basis,
    )


def stamp_acting(event: Event, actor: Actor, sop: Sop) -> None:
    """A decision taken as an acting official records the capacity ("Plh. Kasubbag Hukum")
    and the letter that appointed them."""
    acting = actor.acting_in(event.role)
    if acting is not None:
        event.capacity = f"{acting.kind.prefix} {sop.role_title(acting.role)}"
        event.basis = acting.basis


def file_ref(row: DesignFile) -> FileRef:
    return FileRef(
        kind=row.kind,
        file_id=row.file_id,
        file_unique_id=row.file_unique_id,
        file_name=row.file_name,
        mime_type=row.mime_type,
        file_size=row.file_size,
        sha256=row.sha256,
        stored_path=row.stored_path,
        width=row.width,
        height=row.height,
    )


def material_view(row: Material) -> MaterialView:
    file = (
        FileRef(
            kind=row.kind,
            file_id=row.file_id,
            file_unique_id="",
            file_name=row.file_name,
            sha256=row.sha256,
            stored_path=row.stored_path,
        )
        if row.file_id
        else None
    )
    return MaterialView(kind=row.kind, text=row.text, file=file)


def draft_version(item: Item) -> int:
    """The version number the operator's next upload belongs to."""
    return item.version + 1


def item_values(changes: ItemChanges) -> dict[str, Any]:
    """The item's columns a transition changes (see workflow.changes_after)."""
    values: dict[str, Any] = {"status": changes.status, "version": changes.version}
    if changes.visit is not None:
        visit = changes.visit
        values |= {
            "step_key": visit.step_key,
            "step_started_at": visit.started_at,
            "step_limit": visit.limit,
            "step_due_at": visit.due_at,
            "remind_at": visit.remind_at,
        }
    if changes.closed_at is not None:
        values["closed_at"] = changes.closed_at
    if changes.direction is not None:
        values["direction"] = changes.direction
    if changes.designer_id is not None:
        values["designer_id"] = changes.designer_id
    if changes.post_links is not None:
        values["post_links"] = list(changes.post_links)
    return values


def history_event(
    item_id: int,
    now: datetime,
    action: str,
    actor: Actor,
    role: str | None,
    step_key: str | None,
    version: int,
    notes: str | None,
) -> Event:
    """A row of the item's history; without a role, the actor's roles (they acted as all)."""
    return Event(
        item_id=item_id,
        at=now,
        action=action,
        actor_id=actor.user_id,
        actor_name=actor.name,
        role=role or ",".join(sorted(actor.roles)),
        step_key=step_key,
        version=version,
        notes=notes,
    )
