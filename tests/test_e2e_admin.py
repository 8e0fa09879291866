"""Nothing owed is lost when a member cannot be reached, admin commands are for admins, and a
member removed from the configuration loses access at the next start."""

from __future__ import annotations

import pytest

from bot import texts
from bot.config import parse_config
from bot.delivery.frontdoor import ANSWER_EVERY
from localbotapi import LocalBotApi
from tests.conftest import HarnessFactory
from tests.flows import (
    ADMIN_WITHOUT_ROLE,
    admin_without_role,
    approve_check,
    give_direction,
    open_item,
    review_card,
    submit_design,
)
from tests.harness import (
    HUKUM,
    KASUBBAG,
    MEMBERS,
    OPERATOR,
    OPERATOR2,
    TOKEN,
    Harness,
    config_data,
)


async def _hukum_unreachable_at_step_4(h: Harness) -> str:
    h.server.block(HUKUM.user_id)
    code = await open_item(h)
    await give_direction(h, code)
    await submit_design(h, code)
    await approve_check(h, code, 1)
    await h.server.wait_for_message(KASUBBAG.user_id, contains="tidak dapat mengirim pesan")
    return code


@pytest.mark.parametrize("command", ["/antrean", "/kirimulang"])
async def test_admin_commands_are_refused_to_other_members(harness: Harness, command: str) -> None:
    answer = await harness.say(OPERATOR, command)
    assert answer.body == texts.ADMIN_ONLY


async def test_an_empty_queue_says_so(make_harness: HarnessFactory) -> None:
    async with make_harness(reminders={"digest": False}) as h:
        assert (await h.say(KASUBBAG, "/antrean")).body == texts.QUEUE_EMPTY


async def test_the_queue_names_who_could_not_be_reached(harness: Harness) -> None:
    h = harness
    await _hukum_unreachable_at_step_4(h)
    report = await h.say(KASUBBAG, "/antrean", expect="Antrean pengiriman")
    assert "Gagal: " in report.body and "Gagal: 0" not in report.body
    assert HUKUM.name in report.body and texts.REASON_UNREACHABLE in report.body
    assert "/kirimulang" in report.body


async def test_a_member_who_presses_start_gets_the_card_that_failed(harness: Harness) -> None:
    h = harness
    code = await _hukum_unreachable_at_step_4(h)
    assert not h.server.messages_in(HUKUM.user_id)
    h.server.unblock(HUKUM.user_id)
    await h.say(HUKUM, "/start", expect="tertunda")
    # The card the bot could not deliver arrives, live, and works.
    card = await review_card(h, code, 1, HUKUM)
    assert texts.BTN_APPROVE_SOURCES in card.button_texts
    answer = await h.press(HUKUM, card, texts.BTN_APPROVE_SOURCES)
    assert code in answer
    await h.settle()
    assert (await h.say(KASUBBAG, "/antrean")).body == texts.QUEUE_EMPTY


async def test_an_admin_resends_what_failed(harness: Harness) -> None:
    h = harness
    code = await _hukum_unreachable_at_step_4(h)
    h.server.unblock(HUKUM.user_id)  # e.g. unblocked without pressing Start again
    answer = await h.say(KASUBBAG, "/kirimulang", expect="dikirim ulang")
    assert "1 pesan" in answer.body
    await review_card(h, code, 1, HUKUM)
    assert (await h.say(KASUBBAG, "/kirimulang")).body == texts.REQUEUED_NONE


async def test_an_admin_who_is_not_a_member_may_use_admin_commands_only(
    make_harness: HarnessFactory, server: LocalBotApi
) -> None:
    admin = ADMIN_WITHOUT_ROLE
    telegram = admin_without_role(server)
    async with make_harness(telegram=telegram, reminders={"digest": False}) as h:
        assert (await h.say(admin, "/antrean")).body == texts.QUEUE_EMPTY
        # Admin rights are not an SOP role: opening an item is refused. The answer should
        # name who may open items (texts.NOT_OPENER); until /baru's refusal names them, it is
        # the non-member's alert, which wrongly tells an admin to ask an admin (issue 12).
        refused = await h.say(admin, "/baru")
        assert refused.body == texts.UNKNOWN_USER_ALERT.format(user_id=admin.user_id)
        assert admin.user_id not in {m.user_id for m in h.config.members}


async def test_an_admin_who_is_not_a_member_reads_the_office_work(
    make_harness: HarnessFactory, server: LocalBotApi
) -> None:
    """Admins oversee: /bantuan, /tugas and /status answer them (no SOP role, nothing to do),
    while the second lock still refuses non-members."""
    admin = ADMIN_WITHOUT_ROLE
    telegram = admin_without_role(server)
    async with make_harness(telegram=telegram, reminders={"digest": False}) as h:
        code = await open_item(h)
        status = await h.say(admin, f"/status {code}")
        assert code in status.body and h.config.sop.steps[0].title in status.body
        assert (await h.say(admin, "/tugas")).body == texts.TASKS_NONE
        help_text = await h.say(admin, "/bantuan")
        assert h.config.sop.number in help_text.body and "belum terdaftar" not in help_text.body


async def test_a_member_removed_from_the_configuration_loses_access_at_the_next_start(
    harness: Harness, tmp_path_factory: pytest.TempPathFactory
) -> None:
    h = harness
    code = await open_item(h)
    await give_direction(h, code)
    brief = await h.server.wait_for(
        lambda m: m.chat_id == OPERATOR2.user_id and texts.BTN_UPLOAD_HERE in m.button_texts
    )
    await h.stop_bot()
    data = config_data(h.server, h.config.database_url)
    data["members"] = [
        {"id": p.user_id, "name": p.name, "roles": list(p.roles)} for p in MEMBERS if p != OPERATOR2
    ]
    h.config = parse_config(
        data, base_dir=h.config.files_dir.parent.parent, environ={"JDIH_BOT_TOKEN": TOKEN}
    )
    await h.start_bot()
    told = await h.say(OPERATOR2, "/tugas")
    assert str(OPERATOR2.user_id) in told.body and "belum terdaftar" in told.body
    h.clock.advance(ANSWER_EVERY)  # a non-member is answered once per ten minutes
    alert = await h.press(OPERATOR2, brief, texts.BTN_UPLOAD_HERE)
    assert "belum terdaftar" in alert
    # The remaining operator still works the item.
    assert code in await submit_design(h, code, OPERATOR)
