"""Issue 14 end to end: admins managed in chat. A member made admin in /anggota invites at once
and sees the admin commands; taken away, both go; the last admin keeps admin and stays active;
config.toml's admins are not changed in chat; the answer to an invitation (the welcome, the
refusal) comes through the outbox, even when Telegram fails the first send."""

from __future__ import annotations

import dataclasses

import pytest

from bot import texts
from localbotapi import ApiError, BotMessage
from tests.flows import shown
from tests.harness import HUKUM, KASUBBAG, SEKRETARIS, Harness, Person

NEWCOMER = Person(301, "Wati", ("operator",))
ADMIN_COMMANDS = {"undang", "anggota", "antrean", "kirimulang"}


def menu_of(h: Harness, who: Person) -> set[str]:
    scope = {"type": "chat", "chat_id": who.user_id}
    return {c["command"] for c in h.server.my_commands(scope)}


async def member_card(h: Harness, admin: Person, member: Person) -> BotMessage:
    """/anggota, then the member's button: their card with its buttons."""
    listing = await h.say(admin, "/anggota", expect=texts.MEMBERS_HINT)
    before = h.mark()
    await h.press(admin, listing, member.name[:60])
    return await h.server.wait_for_message(admin.user_id, after=before, contains=member.name)


async def card_with(h: Harness, card: BotMessage, button: str) -> BotMessage:
    """The card once an edit gave it `button`."""
    return await h.server.wait_for(
        lambda m: (
            (m.chat_id, m.message_id) == (card.chat_id, card.message_id)
            and button in m.button_texts
        )
    )


async def make_admin(h: Harness, by: Person, member: Person) -> BotMessage:
    card = await member_card(h, by, member)
    await h.press(by, card, texts.BTN_MAKE_ADMIN)
    return await card_with(h, card, texts.BTN_REVOKE_ADMIN)


async def test_a_member_made_admin_in_chat_invites_at_once_until_it_is_taken_away(
    harness: Harness,
) -> None:
    h = harness
    refused = await h.say(HUKUM, "/undang")
    assert refused.body == texts.PEOPLE_ADMIN_ONLY
    await h.settle()
    assert not menu_of(h, HUKUM) & ADMIN_COMMANDS

    card = await make_admin(h, KASUBBAG, HUKUM)
    edited = h.server.state.bot_messages[(card.chat_id, card.message_id)]
    assert texts.MEMBER_ADMIN_MARK in edited.text
    picker = await h.say(HUKUM, "/undang", expect=texts.INVITE_PICK_ROLE)  # no restart
    assert picker.body == texts.INVITE_PICK_ROLE
    await h.settle()
    assert ADMIN_COMMANDS <= menu_of(h, HUKUM)
    assert "batal" not in menu_of(h, HUKUM)  # still only her roles' own commands besides

    # Another admin's card reaches her too: the new admin hears of the next claim.
    await h.press(HUKUM, picker, h.config.sop.role_title("operator"))
    link = await h.server.wait_for_message(HUKUM.user_id, contains="start=")
    h.server.add_user(NEWCOMER.user_id, NEWCOMER.name)
    await h.say(NEWCOMER, f"/start {link.body.split('start=')[1].split()[0]}")
    await h.server.wait_for(
        lambda m: m.chat_id == HUKUM.user_id and texts.BTN_ACCEPT in m.button_texts
    )

    await h.press(KASUBBAG, card, texts.BTN_REVOKE_ADMIN)
    await card_with(h, card, texts.BTN_MAKE_ADMIN)
    refused = await h.say(HUKUM, "/anggota")
    assert refused.body == texts.PEOPLE_ADMIN_ONLY
    await h.settle()
    assert not menu_of(h, HUKUM) & ADMIN_COMMANDS


async def test_a_config_toml_admin_is_not_changed_in_chat(harness: Harness) -> None:
    h = harness
    await make_admin(h, KASUBBAG, HUKUM)
    for by in (KASUBBAG, HUKUM):  # himself, or an admin made in chat
        card = await member_card(h, by, KASUBBAG)
        assert "config.toml" in card.body
        answer = await h.press(by, card, texts.BTN_REVOKE_ADMIN)
        assert answer == texts.ADMIN_FROM_CONFIG
    picker = await h.say(KASUBBAG, "/undang", expect=texts.INVITE_PICK_ROLE)
    assert picker.body == texts.INVITE_PICK_ROLE


async def test_the_last_admin_keeps_admin_and_stays_active(harness: Harness) -> None:
    h = harness
    await make_admin(h, KASUBBAG, HUKUM)
    # The office moved its admins to chat: config.toml's telegram.admins emptied, restarted.
    await h.stop_bot()
    telegram = dataclasses.replace(h.config.telegram, admins=frozenset())
    h.config = dataclasses.replace(h.config, telegram=telegram)
    await h.start_bot()
    refused = await h.say(KASUBBAG, "/anggota")
    assert refused.body == texts.PEOPLE_ADMIN_ONLY

    card = await member_card(h, HUKUM, HUKUM)
    assert await h.press(HUKUM, card, texts.BTN_REVOKE_ADMIN) == texts.ADMIN_LAST
    assert await h.press(HUKUM, card, texts.BTN_DEACTIVATE) == texts.ADMIN_LAST_DEACTIVATE
    # nothing changed: she is an active admin
    picker = await h.say(HUKUM, "/undang", expect=texts.INVITE_PICK_ROLE)
    assert picker.body == texts.INVITE_PICK_ROLE
    assert h.services.service.context.directory.is_member(HUKUM.user_id)

    # With a second admin, she may step down.
    await make_admin(h, HUKUM, SEKRETARIS)
    card = await member_card(h, HUKUM, HUKUM)
    await h.press(HUKUM, card, texts.BTN_REVOKE_ADMIN)
    await card_with(h, card, texts.BTN_MAKE_ADMIN)
    refused = await h.say(HUKUM, "/undang")
    assert refused.body == texts.PEOPLE_ADMIN_ONLY
    picker = await h.say(SEKRETARIS, "/undang", expect=texts.INVITE_PICK_ROLE)
    assert picker.body == texts.INVITE_PICK_ROLE


async def _newcomer_claims_an_operator_invitation(h: Harness) -> BotMessage:
    """The kasubbag (an admin) invites an operator; the newcomer opens the link; the admin's
    Terima / Tolak card."""
    picker = await h.say(KASUBBAG, "/undang", expect=texts.INVITE_PICK_ROLE)
    await h.press(KASUBBAG, picker, h.config.sop.role_title("operator"))
    link = await h.server.wait_for_message(KASUBBAG.user_id, contains="start=")
    h.server.add_user(NEWCOMER.user_id, NEWCOMER.name)
    await h.say(NEWCOMER, f"/start {link.body.split('start=')[1].split()[0]}")
    return await h.server.wait_for(
        lambda m: m.chat_id == KASUBBAG.user_id and texts.BTN_ACCEPT in m.button_texts
    )


FAULTS = {"one-500": ApiError.server_error(), "dropped": ApiError.dropped()}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
async def test_the_welcome_comes_through_the_outbox_when_telegram_fails_first(
    harness: Harness, fault: str
) -> None:
    h = harness
    claim = await _newcomer_claims_an_operator_invitation(h)
    failure = h.server.fail_when(
        "sendMessage", lambda p: p.get("chat_id") == NEWCOMER.user_id, FAULTS[fault]
    )
    before = h.mark()
    await h.press(KASUBBAG, claim, texts.BTN_ACCEPT)
    welcome = await h.server.wait_for_message(NEWCOMER.user_id, after=before, timeout=10)
    assert failure.spent  # the first send failed; the outbox sent it again
    assert f"Selamat bergabung, {texts.addressed(NEWCOMER.name)}." in welcome.body
    # what they can do, from the roles they hold: the /bantuan text of an operator
    assert h.config.sop.role_title("operator") in welcome.body and "/tugas" in welcome.body
    await h.settle()
    told = [m for m in h.server.sent[before:] if m.chat_id == NEWCOMER.user_id]
    assert len(told) == 1  # once


async def test_a_refused_invitation_is_told_through_the_outbox(harness: Harness) -> None:
    h = harness
    claim = await _newcomer_claims_an_operator_invitation(h)
    failure = h.server.fail_when(
        "sendMessage", lambda p: p.get("chat_id") == NEWCOMER.user_id, ApiError.server_error()
    )
    before = h.mark()
    await h.press(KASUBBAG, claim, texts.BTN_REJECT)
    refusal = await h.server.wait_for_message(NEWCOMER.user_id, after=before, timeout=10)
    assert failure.spent
    assert refusal.body == shown(texts.CLAIM_REFUSED_TO_USER)
    assert not h.services.service.context.directory.is_member(NEWCOMER.user_id)
