"""Takedowns (penurunan): the takedown of a published item, its links to remove and who
confirmed each removal. Like every repository here it never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Item, Takedown, TakedownLink


class TakedownRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Takedown | TakedownLink) -> None:
        self.session.add(row)

    async def of_item(self, item_id: int) -> Takedown | None:
        """The takedown a takedown item carries out; None for any other item."""
        return await self.session.get(Takedown, item_id)

    async def of_original(self, original_id: int) -> Sequence[tuple[Takedown, Item]]:
        """Every takedown asked for a published item, with its item, the oldest first."""
        query = (
            select(Takedown, Item)
            .join(Item, Item.id == Takedown.item_id)
            .where(Takedown.original_id == original_id)
            .order_by(Item.id)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]

    async def open_for(self, original_id: int, open_statuses: Iterable[str]) -> Item | None:
        """The takedown item under way for a published item, if any."""
        query = (
            select(Item)
            .join(Takedown, Takedown.item_id == Item.id)
            .where(Takedown.original_id == original_id, Item.status.in_(list(open_statuses)))
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def links(self, item_id: int) -> Sequence[TakedownLink]:
        query = (
            select(TakedownLink)
            .where(TakedownLink.item_id == item_id)
            .order_by(TakedownLink.position)
        )
        return (await self.session.execute(query)).scalars().all()
