"""Outsiders read nothing of the office's work: the gate stops a non-member's update whatever
happens to its answer, the reads themselves refuse non-members, and a non-member's updates
are not kept in the inbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.domain.workflow import Actor
from bot.service.errors import NotAMember
from localbotapi import ApiError, LocalBotApi
from storage.models import InboxUpdate
from tests.flows import open_item
from tests.harness import KOORDINATOR, STRANGER, Harness
from tests.quiet import nothing_more_to
from tests.service_fixtures import office

Fault = Callable[[LocalBotApi], object]


def _server_error(server: LocalBotApi) -> object:
    return server.fail_next("sendMessage", ApiError.server_error())


def _bad_request(server: LocalBotApi) -> object:
    return server.fail_next("sendMessage", ApiError(400, "Bad Request: chat not found"))


def _timeout(server: LocalBotApi) -> object:
    # Held until PTB gives up waiting (its read timeout) and raises TimedOut.
    return server.hold("sendMessage", lambda p: str(p.get("chat_id")) == str(STRANGER.user_id))


def _requests_to(server: LocalBotApi, chat_id: int) -> list[tuple[str, dict[str, object]]]:
    return [(m, p) for m, p in server.requests if str(p.get("chat_id")) == str(chat_id)]


@pytest.mark.parametrize("fault", [_server_error, _bad_request, _timeout])
@pytest.mark.parametrize("command", ["/status {code}", "/arsip", "/bantuan"])
async def test_a_failed_refusal_lets_nothing_of_the_office_through(
    harness: Harness, fault: Fault, command: str
) -> None:
    h = harness
    code = await open_item(h)
    await h.settle()
    fault(h.server)
    await h.server.send_text(STRANGER.user_id, command.format(code=code))
    await h.settle()  # a held refusal: until PTB's read timeout gave up on it
    await nothing_more_to(h.server, STRANGER.user_id, seconds=0.3)
    # The one request to the non-member's chat is the refusal that failed; no error message
    # in its place, no status, no archive, no help.
    assert [m for m, _ in _requests_to(h.server, STRANGER.user_id)] == ["sendMessage"]
    assert h.server.messages_in(STRANGER.user_id) == []


async def test_a_non_members_presses_get_one_alert_not_one_each(harness: Harness) -> None:
    h = harness
    queries = [
        await h.server.press_callback(STRANGER.user_id, 1, STRANGER.user_id, "rv:approve:1:1")
        for _ in range(50)
    ]
    first = await h.server.wait_for_answer(queries[0])
    assert str(STRANGER.user_id) in str(first.get("text")) and first.get("show_alert")
    with pytest.raises(AssertionError, match="timed out"):  # the others: no answer at all
        await h.server.wait_for_answer(queries[-1], timeout=1.0)
    assert [q for q in queries if q in h.server.callback_answers] == [queries[0]]


async def test_a_non_members_updates_are_not_kept_in_the_inbox(harness: Harness) -> None:
    h = harness
    await h.say(KOORDINATOR, "/tugas")  # a member's update is kept (until handled and aged)
    await h.server.send_burst([STRANGER.user_id], "halo", 20)
    await h.server.press_callback(STRANGER.user_id, 1, STRANGER.user_id, "rv:approve:1:1")
    await h.server.wait_for_message(STRANGER.user_id)
    await h.settle()
    async with h.engine.connect() as connection:
        rows = (await connection.execute(select(InboxUpdate.payload))).scalars().all()
    senders = {_sender(payload) for payload in rows}
    assert senders == {KOORDINATOR.user_id}
    async with h.engine.connect() as connection:
        count = (await connection.execute(select(func.count()).select_from(InboxUpdate))).scalar()
    assert count == 1


def _sender(payload: dict[str, object]) -> object:
    for kind in ("message", "callback_query", "edited_message"):
        part = payload.get(kind)
        if isinstance(part, dict):
            return part.get("from", {}).get("id")
    return None


async def test_the_office_reads_refuse_a_non_member(tmp_path: Path) -> None:
    async with office(tmp_path) as o:
        item_id = await o.open_item()
        code = await o.service.reads.item_code(item_id)
        assert code is not None
        member, outsider = KOORDINATOR.user_id, STRANGER.user_id
        # A member reads; a non-member is refused by the reads themselves.
        assert await o.service.reads.status_for(member, code) is not None
        assert await o.service.reads.code_for(member, item_id) == code
        assert await o.service.reads.search_archive_for(member, tmp_path, month="2026-11") == []
        with pytest.raises(NotAMember):
            await o.service.reads.status_for(outsider, code)
        with pytest.raises(NotAMember):
            await o.service.reads.code_for(outsider, item_id)
        with pytest.raises(NotAMember):
            await o.service.reads.search_archive_for(outsider, tmp_path, month="2026-11")
        with pytest.raises(NotAMember):  # an Actor made up by hand, not by the service
            await o.service.reads.tasks(Actor(outsider, "Orang Asing", frozenset({"kasubbag"})))
