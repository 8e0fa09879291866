"""Issue 14 end to end: the office manages its own people in chat. An invitation from /undang
to the first card, without a restart; a Kasubbag on leave whose Plh approves (the history says
"Plh." with the basis; the absent Kasubbag receives nothing); the alarm when nobody can act,
and the card that comes back when the leave ends; command menus that follow the roles; the
bad input of the issue, each answered and changing nothing."""

from __future__ import annotations

from datetime import timedelta

from bot import texts
from localbotapi import BotMessage
from tests.flows import (
    approve_check,
    approved,
    brief_for,
    give_direction,
    open_item,
    shown,
    submit_design,
)
from tests.harness import HUKUM, KASUBBAG, KOORDINATOR, OPERATOR, SEKRETARIS, Harness, Person

NEWCOMER = Person(301, "Wati", ("operator",))
BASIS = "Surat Perintah Sekretaris No. 12/HK.03/2026"


def title(h: Harness, role: str) -> str:
    return h.config.sop.role_title(role)


def chat_scope(user_id: int) -> dict[str, object]:
    return {"type": "chat", "chat_id": user_id}


async def invitation_link(h: Harness, role: str, admin: Person = KASUBBAG) -> BotMessage:
    """/undang, then the role's button: the message with the one-time link."""
    picker = await h.say(admin, "/undang", expect=texts.INVITE_PICK_ROLE)
    before = h.mark()
    await h.press(admin, picker, title(h, role))
    return await h.server.wait_for_message(admin.user_id, after=before, contains="start=")


def token_of(link: BotMessage) -> str:
    return link.body.split("start=")[1].split()[0]


async def open_link(h: Harness, who: Person, token: str) -> BotMessage:
    if who.user_id not in (p.user_id for p in (KASUBBAG, KOORDINATOR, OPERATOR, HUKUM)):
        h.server.add_user(who.user_id, who.name)
    return await h.say(who, f"/start {token}")


async def test_an_invitation_from_undang_to_the_first_card_without_a_restart(
    harness: Harness,
) -> None:
    h = harness
    link = await invitation_link(h, "operator")
    assert f"https://t.me/{h.server.state.bot_user['username']}?start=" in link.body
    assert texts.BTN_REVOKE_INVITE in link.button_texts

    opened = await open_link(h, NEWCOMER, token_of(link))
    assert opened.body == shown(
        texts.INVITE_OPENED.format(name=f"Bapak/Ibu {NEWCOMER.name}", role=title(h, "operator"))
    )
    card = await h.server.wait_for(
        lambda m: m.chat_id == KASUBBAG.user_id and texts.BTN_ACCEPT in m.button_texts
    )
    assert NEWCOMER.name in card.body and str(NEWCOMER.user_id) in card.body
    before = h.mark()
    await h.press(KASUBBAG, card, texts.BTN_ACCEPT)
    welcome = await h.server.wait_for_message(NEWCOMER.user_id, after=before)
    assert f"Selamat bergabung, Bapak/Ibu {NEWCOMER.name}." in welcome.body
    assert "/tugas" in welcome.body  # what they can do: the /bantuan text

    # A member at once: the next item's brief reaches the new operator.
    code = await open_item(h)
    await give_direction(h, code)
    brief = await brief_for(h, code, NEWCOMER)
    assert texts.BTN_UPLOAD_HERE in brief.button_texts
    # Their menu shows what an operator may do, no more.
    await h.settle()
    menu = [c["command"] for c in h.server.my_commands(chat_scope(NEWCOMER.user_id))]
    assert "tugas" in menu and "baru" not in menu and "undang" not in menu


async def test_the_command_menu_follows_the_roles(harness: Harness) -> None:
    h = harness
    await h.settle()
    menu = [c["command"] for c in h.server.my_commands(chat_scope(OPERATOR.user_id))]
    assert "baru" not in menu and "tugas" in menu
    admin_menu = [c["command"] for c in h.server.my_commands(chat_scope(KASUBBAG.user_id))]
    assert {"undang", "anggota", "cuti", "baru", "batal"} <= set(admin_menu)

    listing = await h.say(KASUBBAG, "/anggota", expect=texts.MEMBERS_HINT)
    before = h.mark()
    await h.press(KASUBBAG, listing, OPERATOR.name)
    card = await h.server.wait_for_message(KASUBBAG.user_id, after=before)
    await h.press(KASUBBAG, card, title(h, "koordinator"))
    await h.server.wait_for(
        lambda m: (
            (m.chat_id, m.message_id) == (card.chat_id, card.message_id)
            and "✓ " in str(m.button_texts)
        )
    )
    await h.settle()
    menu = [c["command"] for c in h.server.my_commands(chat_scope(OPERATOR.user_id))]
    assert "baru" in menu  # a koordinator opens items
    answer = await h.say(OPERATOR, "/baru")
    assert answer.body == shown(texts.ASK_TITLE)


async def test_bad_invitation_tokens_each_get_their_answer(harness: Harness) -> None:
    h = harness
    forged = await open_link(h, Person(302, "Eko", ()), "A" * 22)
    assert forged.body == texts.INVITE_PROBLEMS["unknown"]

    link = await invitation_link(h, "operator")
    h.clock.advance(timedelta(seconds=11))
    await open_link(h, NEWCOMER, token_of(link))
    reused = await open_link(h, Person(303, "Fajar", ()), token_of(link))
    assert reused.body == texts.INVITE_PROBLEMS["used"]

    revoked = await invitation_link(h, "operator")
    answer = await h.press(KASUBBAG, revoked, texts.BTN_REVOKE_INVITE)
    assert answer == texts.INVITE_REVOKED
    opened = await open_link(h, Person(304, "Gita", ()), token_of(revoked))
    assert opened.body == texts.INVITE_PROBLEMS["revoked"]

    member = await invitation_link(h, "operator")
    by_member = await h.say(OPERATOR, f"/start {token_of(member)}")
    assert by_member.body == texts.INVITE_PROBLEMS["already_member"]

    old = await invitation_link(h, "operator")
    h.clock.advance(timedelta(days=8))
    expired = await open_link(h, Person(305, "Hadi", ()), token_of(old))
    assert expired.body == texts.INVITE_PROBLEMS["expired"]
    # None of them made anyone a member.
    for stranger in (302, 303, 304, 305):
        assert not h.services.service.context.directory.is_member(stranger)


async def record_leave(
    h: Harness, period: str, acting: Person | None, kind: str = "Plh", by: Person = SEKRETARIS
) -> BotMessage:
    """/cuti for the Kasubbag: the period, then who acts as Kasubbag (or nobody)."""
    picker = await h.say(by, "/cuti", expect=texts.LEAVE_PICK_MEMBER)
    before = h.mark()
    await h.press(by, picker, KASUBBAG.name)
    await h.server.wait_for(
        lambda m: (
            (m.chat_id, m.message_id) == (picker.chat_id, picker.message_id) and "periode" in m.body
        )
    )
    ask = await h.say(by, period, expect="pelaksana")
    assert "pelaksana" in ask.body, ask.body
    if acting is None:
        before = h.mark()
        await h.press(by, ask, texts.BTN_NO_ACTING)
        return await h.server.wait_for_message(by.user_id, after=before, contains="Tercatat")
    before = h.mark()
    await h.press(by, ask, acting.name)
    which = await h.server.wait_for_message(by.user_id, after=before, contains="Plh atau Plt")
    before = h.mark()
    await h.press(by, which, kind)
    await h.server.wait_for_message(by.user_id, after=before, contains="dasar penunjukan")
    return await h.say(by, BASIS, expect="Tercatat")


async def test_a_kasubbag_on_leave_with_a_plh_who_acts(harness: Harness) -> None:
    h = harness
    recorded = await record_leave(h, "23/11/2026 - 27 November 2026", HUKUM)
    capacity = f"Plh. {title(h, 'kasubbag')}"
    assert "Tercatat" in recorded.body and capacity in recorded.body and BASIS in recorded.body
    await h.settle()
    quiet_from = h.mark()
    # the Plh's menu now has the Kasubbag's commands (cancelling an item, for one)
    menu = [c["command"] for c in h.server.my_commands(chat_scope(HUKUM.user_id))]
    assert "batal" in menu

    code = await open_item(h)
    await give_direction(h, code, who=HUKUM)  # the Plh receives the card and acts
    await submit_design(h, code)
    assert await approve_check(h, code, 1, who=HUKUM) == approved(h, code, 1, "setuju")
    status = await h.say(HUKUM, f"/status {code}", expect="Riwayat")
    lines = [line for line in status.body.splitlines() if f"({capacity}, dasar: {BASIS})" in line]
    assert len(lines) == 2 and all(HUKUM.name in line for line in lines), status.body
    await h.settle()
    to_kasubbag = [m for m in h.server.sent[quiet_from:] if m.chat_id == KASUBBAG.user_id]
    assert to_kasubbag == []  # on leave: not a card, not a notice
    listing = await h.say(KASUBBAG, "/anggota", expect=texts.MEMBERS_HINT)
    assert "cuti s.d. 27 Nov 2026" in listing.body


async def test_nobody_to_act_is_an_alarm_and_the_card_returns_when_the_leave_ends(
    harness: Harness,
) -> None:
    h = harness
    recorded = await record_leave(h, "23/11/2026 s.d. 24/11/2026", None)
    assert "tidak ada pelaksana" in recorded.body
    code = await open_item(h)
    alarm = await h.server.wait_for(
        lambda m: m.chat_id == SEKRETARIS.user_id and "Tidak ada yang dapat bertindak" in m.body
    )
    assert code in alarm.body and title(h, "kasubbag") in alarm.body
    assert h.config.sop.step("materi").title in alarm.body  # the step, named
    await h.settle()
    # the kasubbag is an admin too, but on leave: the alarm about his own absence spares him
    assert h.config.telegram.admins and KASUBBAG.user_id in h.config.telegram.admins
    assert not [m for m in h.server.messages_in(KASUBBAG.user_id) if "Tidak ada yang" in m.body]
    cards = [m for m in h.server.sent if m.chat_id == KASUBBAG.user_id and code in m.body]
    assert not any(texts.BTN_WRITE_DIRECTION in m.button_texts for m in cards)

    h.clock.advance(timedelta(days=2))  # Wednesday: the leave has ended by itself
    card = await h.server.wait_for(
        lambda m: (
            m.chat_id == KASUBBAG.user_id
            and code in m.body
            and texts.BTN_WRITE_DIRECTION in m.button_texts
        )
    )
    assert card is not None


async def test_bad_leave_input_is_answered_and_changes_nothing(harness: Harness) -> None:
    h = harness
    picker = await h.say(SEKRETARIS, "/cuti", expect=texts.LEAVE_PICK_MEMBER)
    await h.press(SEKRETARIS, picker, KASUBBAG.name)
    await h.server.wait_for(
        lambda m: (
            (m.chat_id, m.message_id) == (picker.chat_id, picker.message_id) and "periode" in m.body
        )
    )
    bad = await h.say(SEKRETARIS, "tanggal 32 bulan depan", expect="Tanggal tidak")
    assert bad.body == shown(texts.LEAVE_BAD_DATE)
    past = await h.say(SEKRETARIS, "2/11/2026 - 6/11/2026", expect="Cuti belum dicatat")
    assert past.body == texts.ABSENCE_PROBLEMS["in_the_past"]

    await record_leave(h, "30/11/2026 - 4/12/2026", None)
    clash = await record_leave_period_only(h, "3 Desember 2026 - 7 Desember 2026")
    assert "beririsan" in clash.body and "30 Nov–4 Des 2026" in clash.body

    refused = await h.say(OPERATOR, "/cuti")
    assert refused.body == texts.LEAVE_NOT_ALLOWED
    refused = await h.say(OPERATOR, "/undang")
    assert refused.body == texts.PEOPLE_ADMIN_ONLY
    views = await h.services.service.people.members()
    kasubbag = next(v for v in views if v.user_id == KASUBBAG.user_id)
    assert kasubbag.away_until is None  # the recorded leave begins next Monday


async def record_leave_period_only(h: Harness, period: str) -> BotMessage:
    picker = await h.say(SEKRETARIS, "/cuti", expect=texts.LEAVE_PICK_MEMBER)
    await h.press(SEKRETARIS, picker, KASUBBAG.name)
    await h.server.wait_for(
        lambda m: (
            (m.chat_id, m.message_id) == (picker.chat_id, picker.message_id) and "periode" in m.body
        )
    )
    return await h.say(SEKRETARIS, period, expect="Cuti belum dicatat")


async def test_the_plh_receives_the_reminders_and_the_absent_kasubbag_none(
    harness: Harness,
) -> None:
    h = harness
    await record_leave(h, "23/11/2026 - 27/11/2026", HUKUM)
    code = await open_item(h)  # step 1 (one working day) waits for the Plh
    await h.server.wait_for(
        lambda m: m.chat_id == HUKUM.user_id and texts.BTN_WRITE_DIRECTION in m.button_texts
    )
    await h.settle()
    before = h.mark()
    h.clock.advance(timedelta(days=1, hours=1))  # Tuesday 10:00: step 1 is overdue
    reminder = await h.server.wait_for_message(HUKUM.user_id, after=before, contains="Pengingat")
    assert code in reminder.body
    shown_from = h.mark()
    await h.press(HUKUM, reminder, texts.BTN_SHOW_CARD)  # the Plh may see the card again
    await h.server.wait_for(
        lambda m: (
            m.chat_id == HUKUM.user_id
            and texts.BTN_WRITE_DIRECTION in m.button_texts
            and h.server.sent.index(m) >= shown_from
        )
    )
    await h.settle()
    assert [m for m in h.server.sent[before:] if m.chat_id == KASUBBAG.user_id] == []


async def test_deactivating_the_last_holder_of_a_waiting_step_raises_the_alarm(
    harness: Harness,
) -> None:
    h = harness
    code = await open_item(h)  # step 1 waits for the Kasubbag
    await h.settle()
    before = h.mark()
    listing = await h.say(KASUBBAG, "/anggota", expect=texts.MEMBERS_HINT)
    card_from = h.mark()
    await h.press(KASUBBAG, listing, KASUBBAG.name)
    card = await h.server.wait_for_message(KASUBBAG.user_id, after=card_from)
    await h.press(KASUBBAG, card, texts.BTN_DEACTIVATE)
    alarm = await h.server.wait_for(
        lambda m: (
            m.chat_id == SEKRETARIS.user_id
            and "Tidak ada yang dapat bertindak" in m.body
            and h.server.sent.index(m) >= before
        )
    )
    assert code in alarm.body and title(h, "kasubbag") in alarm.body
    # An admin still manages the people without a role: reactivated, the card he was sent
    # works again (it kept its buttons).
    await h.server.wait_for(
        lambda m: (
            (m.chat_id, m.message_id) == (card.chat_id, card.message_id)
            and texts.BTN_REACTIVATE in m.button_texts
        )
    )
    await h.press(KASUBBAG, card, texts.BTN_REACTIVATE)
    await h.server.wait_for(
        lambda m: (
            (m.chat_id, m.message_id) == (card.chat_id, card.message_id)
            and texts.BTN_DEACTIVATE in m.button_texts
        )
    )
    await give_direction(h, code)
    await brief_for(h, code, OPERATOR)


async def test_a_leave_recorded_ahead_hands_the_open_card_to_the_plh_when_it_begins(
    harness: Harness,
) -> None:
    h = harness
    code = await open_item(h)  # step 1 waits for the Kasubbag, who is here today
    await h.server.wait_for(
        lambda m: m.chat_id == KASUBBAG.user_id and texts.BTN_WRITE_DIRECTION in m.button_texts
    )
    await record_leave(h, "24/11/2026 - 25/11/2026", HUKUM)
    await h.settle()
    assert not any(
        m.chat_id == HUKUM.user_id and code in m.body for m in h.server.sent
    )  # not before the leave begins
    h.clock.advance(timedelta(days=1))  # Tuesday: the leave begins by itself
    await give_direction(h, code, who=HUKUM)
    await brief_for(h, code, OPERATOR)


async def test_a_leave_that_ended_while_the_bot_was_stopped_is_caught_up_at_start(
    harness: Harness,
) -> None:
    h = harness
    await record_leave(h, "23/11/2026 - 24/11/2026", None)
    code = await open_item(h)  # step 1: nobody can act (the alarm)
    await h.settle()
    await h.stop_bot()
    h.clock.advance(timedelta(days=2))  # Wednesday, the bot was away at the day change
    await h.start_bot()
    await h.server.wait_for(
        lambda m: (
            m.chat_id == KASUBBAG.user_id
            and code in m.body
            and texts.BTN_WRITE_DIRECTION in m.button_texts
        )
    )
    await h.settle()  # delivered and recorded before the bot stops
    await h.stop_bot()
    await h.start_bot()  # a second start sends no second card
    await h.settle()
    cards = [
        m
        for m in h.server.sent
        if m.chat_id == KASUBBAG.user_id and texts.BTN_WRITE_DIRECTION in m.button_texts
    ]
    assert len(cards) == 1
