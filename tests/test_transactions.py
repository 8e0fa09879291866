"""What one "Setujui" press, and one typed decision, cost the database, end to end through the
real bot: the update written to the inbox, the decision (with the update's done mark in its
commit; a typed one with the question it answers read in the same transaction), and the next
role's card with all its parts read in one transaction and recorded in one. Each transaction
and each statement costs SQLAlchemy's and the driver's Python (docs/performance.md), and on
SQLite every write transaction queues behind the others."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import texts
from storage.database import create_engine
from tests import flows
from tests.harness import HUKUM, KASUBBAG, OPERATOR, Harness
from tests.settling import wait_settled

MAX_PER_PRESS = 4
# Statements (BEGIN aside) from the press until the next card is recorded: the inbox's 1, the
# decision's 10 (the item, the approval's pages, the move, its history row, the questions it
# answers, the visit ended and begun, the old card retired, the outbox rows, the done mark),
# and the sender's 8 below.
MAX_STATEMENTS_PER_PRESS = 19
MAX_STATEMENTS_PER_DECISION = 10
# The outbox sender's, from the decision until the card is recorded: one look (the due rows in
# one statement, the card's item with its history, design pages, version and material, the old
# card's message to retire) and the card's record: its messages in one INSERT (which checks
# that the step is still open: no read of the item), its row and the retirement edited
# meanwhile marked delivered in one UPDATE.
MAX_SENDER_STATEMENTS_TO_CARD = 8
MAX_STATEMENTS_TO_RECORD_A_CARD = 2
# A typed decision (the kasubbag's return notes): the inbox, then one transaction reading the
# question and deciding; the cards and the notice go as for a press.
MAX_TRANSACTIONS_TO_DECIDE_TYPED = 2
MAX_STATEMENTS_TO_DECIDE_TYPED = 11


@dataclass
class Transactions:
    """Every transaction an engine begins, with the statements it ran (for the message when
    there are too many)."""

    done: list[list[str]] = field(default_factory=list)

    def begin(self, *_: Any) -> None:
        self.done.append([])

    def statement(self, _conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if self.done and not sql.lstrip().upper().startswith("BEGIN"):
            self.done[-1].append(" ".join(sql.split())[:90])

    def statements(self) -> int:
        return sum(len(statements) for statements in self.done)

    def describe(self) -> str:
        return "\n".join(
            f"{number}. " + "; ".join(statements) for number, statements in enumerate(self.done, 1)
        )


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[Transactions]:
    counted = Transactions()
    sync = engine.sync_engine
    event.listen(sync, "begin", counted.begin)
    event.listen(sync, "before_cursor_execute", counted.statement)
    try:
        yield counted
    finally:
        event.remove(sync, "begin", counted.begin)
        event.remove(sync, "before_cursor_execute", counted.statement)


async def test_a_press_costs_at_most_four_transactions_until_the_next_card_is_sent(
    harness: Harness,
) -> None:
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    await h.settle()
    # The test reads the database through an engine of its own: only the bot's is counted.
    watcher = create_engine(h.config.database_url)
    try:
        with counting(h.engine) as counted:
            answer = await h.press(KASUBBAG, card, texts.BTN_APPROVE)
            assert answer == flows.approved(h, code, 1, "setuju")
            await flows.review_card(h, code, 1, HUKUM)
            await wait_settled(h.server, watcher, h.app)
            # whatever the press set off later: the sender polled every 2 s, and the reminder
            # scheduler looked again within a second of each decision
            await asyncio.sleep(2.5)
    finally:
        await watcher.dispose()
    done = counted.done
    described = counted.describe()
    # the press's update written down, the decision (its done mark in its commit), the card
    # with its preview, design and material read in one transaction and recorded in one
    card_recorded = next(
        number
        for number, statements in enumerate(done, 1)
        if any(s.startswith("INSERT INTO card_messages") for s in statements)
    )
    assert card_recorded <= MAX_PER_PRESS, described
    assert any(s.startswith("UPDATE inbox SET done_at") for s in done[1]), described
    assert len(done[1]) <= MAX_STATEMENTS_PER_DECISION, described
    until_card = sum(len(statements) for statements in done[:card_recorded])
    assert until_card <= MAX_STATEMENTS_PER_PRESS, described
    sender = sum(len(statements) for statements in done[2:card_recorded])
    assert sender <= MAX_SENDER_STATEMENTS_TO_CARD, described
    assert len(done[card_recorded - 1]) <= MAX_STATEMENTS_TO_RECORD_A_CARD, described
    # After it, at most the mark of the old card's retirement, when that edit ended after
    # the card was recorded: no reminder query, no look at an empty outbox.
    later = done[card_recorded:]
    assert len(later) <= 1, described
    assert all(s.startswith("UPDATE outbox SET attempts") for t in later for s in t), described


async def test_a_typed_decision_is_read_and_decided_in_one_transaction(harness: Harness) -> None:
    """The kasubbag's return notes: the question they answer is read in the decision's own
    transaction, whose commit marks the update done; no read of its own before it."""
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    card = await flows.review_card(h, code, 1, KASUBBAG)
    await h.press(KASUBBAG, card, texts.BTN_RETURN)
    await h.settle()
    watcher = create_engine(h.config.database_url)
    try:
        with counting(h.engine) as counted:
            answer = await h.say(KASUBBAG, "Logo terlalu kecil")
            assert answer.body == flows.returned(h, code)
            await flows.brief_for(h, code, OPERATOR)
            await wait_settled(h.server, watcher, h.app)
    finally:
        await watcher.dispose()
    done = counted.done
    described = counted.describe()
    decided = next(
        number
        for number, statements in enumerate(done, 1)
        if any(s.startswith("UPDATE items SET") for s in statements)
    )
    # the text written down, then the decision (its done mark in its commit)
    assert decided <= MAX_TRANSACTIONS_TO_DECIDE_TYPED, described
    assert any(s.startswith("SELECT pending_inputs") for s in done[decided - 1]), described
    assert any(s.startswith("UPDATE inbox SET done_at") for s in done[decided - 1]), described
    until_decided = sum(len(statements) for statements in done[:decided])
    assert until_decided <= MAX_STATEMENTS_TO_DECIDE_TYPED, described
