"""The one open question per member, as stored (`pending_inputs`): written and read only
here, in the caller's unit of work, so a question and what asked it commit together."""

from __future__ import annotations

from datetime import datetime

from bot.domain.conversation import Question
from storage.models import PendingInput
from storage.uow import UnitOfWork


async def ask(uow: UnitOfWork, user_id: int, question: Question, now: datetime) -> None:
    """Remember that the member's next message answers `question` (replacing any other)."""
    await uow.repo.set_pending_input(
        PendingInput(
            user_id=user_id,
            kind=question.kind,
            item_id=question.item_id,
            step_key=question.step_key,
            version=question.version,
            asked_at=now,
            sop_key=question.sop_key,
        )
    )


async def open_question(uow: UnitOfWork, user_id: int) -> Question | None:
    row = await uow.repo.pending_input(user_id)
    if row is None:
        return None
    return Question(row.kind, row.item_id, row.step_key, row.version, row.sop_key)
