"""An outbox row the bot cannot read (written by hand, or in a shape this version does not
know) is given up at once as the bot's own failure, saying what is wrong, and the chat's next
message still goes: it is not retried five times as if Telegram had failed."""

from __future__ import annotations

from sqlalchemy import select

from bot.delivery.sender import BOT_FAILURE
from bot.service.owed import OutboxKind
from storage.database import session_factory
from storage.models import OutboxMessage
from storage.uow import UnitOfWork
from tests import flows
from tests.harness import OPERATOR2, Harness


async def test_an_unreadable_row_is_given_up_at_once_and_the_next_one_goes(
    harness: Harness,
) -> None:
    h = harness
    code = await flows.open_item(h)
    await h.settle()
    params = {"code": code, "title": "Pemberitahuan", "name": "-"}
    async with UnitOfWork(session_factory(h.engine)) as uow:
        item = await uow.repo.item_by_code(code)
        assert item is not None
        for n, links in enumerate([None, "https://jdih.kpu.go.id/ok"]):
            row_params = params | ({"links": links} if links else {})  # the first lacks links
            row_params["title"] = f"Pemberitahuan {n}"
            uow.repo.add(
                OutboxMessage(
                    created_at=h.clock.now(),
                    chat_id=OPERATOR2.user_id,
                    kind=OutboxKind.NOTICE,
                    item_id=item.id,
                    payload={"template": "published", "params": row_params},
                )
            )
        await uow.commit()
    h.services.sender.wake()

    await h.server.wait_for_message(OPERATOR2.user_id, contains="Pemberitahuan 1")
    await h.settle()

    bodies = [m.body for m in h.server.messages_in(OPERATOR2.user_id)]
    assert not any("Pemberitahuan 0" in body for body in bodies)
    async with session_factory(h.engine)() as session:
        bad = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.chat_id == OPERATOR2.user_id)
            )
        ).first()
    assert bad is not None and bad.failed_at is not None and bad.delivered_at is None
    assert bad.attempts == 1  # given up at the first try: no retry can mend it
    assert bad.last_error == BOT_FAILURE + "notice params payload lacks 'links'"
