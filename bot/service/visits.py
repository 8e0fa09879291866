"""The record of step visits (`step_visits`), written in the decision's own transaction: the
visit a transition ends is closed by its event, the one it begins is kept as it began (the
limit in force, the due time, the SOP it runs under). The monitoring report measures these,
so a revised SOP never rewrites what was measured under the old one."""

from __future__ import annotations

from datetime import datetime

from bot.domain.sop import Sop
from bot.domain.workflow import StepVisit, Transition
from storage.models import StepVisitRecord
from storage.reporting import ReportingRepository
from storage.uow import UnitOfWork


async def record_visits(
    uow: UnitOfWork,
    sop: Sop,
    item_id: int,
    transition: Transition,
    visit: StepVisit | None,
    event_id: int,
    now: datetime,
) -> None:
    """Close the item's open visit with `event_id` (when the transition leaves its step) and
    open the visit it begins, if any."""
    if not (transition.step_changed or transition.to_step is None):
        return
    visits = ReportingRepository(uow.session)
    await visits.close_visit(item_id, now, event_id)
    if visit is None or visit.step_key is None or visit.started_at is None:
        return
    visits.add_visit(
        StepVisitRecord(
            item_id=item_id,
            step_key=visit.step_key,
            started_at=visit.started_at,
            step_limit=visit.limit,
            due_at=visit.due_at,
            sop_name=sop.name,
            sop_number=sop.number,
            sop_version=sop.version,
        )
    )
