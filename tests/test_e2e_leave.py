"""/cuti end to end (issue 14, leave): a leave recorded through to its Plh, with the notices the
Plh and the absent member receive; a restart in the middle of /cuti that loses nothing; an
absence cancelled before it begins and one ended early (the member back today, the open card
following them); a text meant for an item question while /cuti waits; and stale, forged or
refused presses, each answered and changing nothing."""

from __future__ import annotations

from datetime import timedelta

from bot import texts
from localbotapi import BotMessage
from tests.flows import brief_for, give_direction, open_item, shown
from tests.harness import HUKUM, KASUBBAG, OPERATOR, SEKRETARIS, Harness, Person

BASIS = "Surat Perintah Sekretaris No. 12/HK.03/2026"


def title(h: Harness, role: str) -> str:
    return h.config.sop.role_title(role)


async def cuti(h: Harness, by: Person = SEKRETARIS) -> BotMessage:
    return await h.say(by, "/cuti", expect="Cuti yang berjalan dan akan datang")


async def edited(h: Harness, message: BotMessage, contains: str) -> BotMessage:
    """The message once an edit put `contains` in it."""
    return await h.server.wait_for(
        lambda m: (
            (m.chat_id, m.message_id) == (message.chat_id, message.message_id)
            and contains in m.body
        )
    )


async def pick_member(
    h: Harness, listing: BotMessage, who: Person, by: Person = SEKRETARIS
) -> None:
    await h.press(by, listing, who.name)
    await edited(h, listing, "periode")


async def name_plh(h: Harness, ask: BotMessage, acting: Person, by: Person = SEKRETARIS) -> str:
    """The acting official picked, Plh, the basis typed: the bot's answer to the basis."""
    before = h.mark()
    await h.press(by, ask, acting.name)
    which = await h.server.wait_for_message(by.user_id, after=before, contains="Plh atau Plt")
    before = h.mark()
    await h.press(by, which, "Plh")
    await h.server.wait_for_message(by.user_id, after=before, contains="dasar penunjukan")
    return (await h.say(by, BASIS, expect="Tercatat")).body


async def record(h: Harness, period: str, acting: Person | None) -> None:
    """The Kasubbag away for `period`, with `acting` as Plh (or nobody)."""
    listing = await cuti(h)
    await pick_member(h, listing, KASUBBAG)
    ask = await h.say(SEKRETARIS, period, expect="pelaksana")
    if acting is None:
        before = h.mark()
        await h.press(SEKRETARIS, ask, texts.BTN_NO_ACTING)
        await h.server.wait_for_message(SEKRETARIS.user_id, after=before, contains="Tercatat")
    else:
        await name_plh(h, ask, acting)
    await h.settle()


async def test_cuti_records_a_plh_and_tells_the_plh_and_the_absent_member(
    harness: Harness,
) -> None:
    h = harness
    listing = await cuti(h)
    assert texts.LEAVE_OVERVIEW_NONE in listing.body and texts.LEAVE_PICK_MEMBER in listing.body
    await pick_member(h, listing, KASUBBAG)
    ask = await h.say(SEKRETARIS, "7 Desember 2026 s.d. 11 Desember 2026", expect="pelaksana")
    assert "7–11 Des 2026" in ask.body
    assert KASUBBAG.name not in ask.button_texts  # nobody acts for themself
    before = h.mark()
    done = await name_plh(h, ask, HUKUM)
    capacity = f"Plh. {title(h, 'kasubbag')}"
    assert f"{capacity}: {HUKUM.name} (dasar: {BASIS})" in done
    # the answered question kept its text, lost its buttons, and shows the answer
    assert ask.button_texts == [] and f"➡️ {HUKUM.name}" in ask.body

    to_plh = await h.server.wait_for_message(HUKUM.user_id, after=before, contains="ditunjuk")
    assert capacity in to_plh.body and BASIS in to_plh.body and KASUBBAG.name in to_plh.body
    assert "7–11 Des 2026" in to_plh.body
    assert SEKRETARIS.name in to_plh.body  # who named them
    to_absent = await h.server.wait_for_message(KASUBBAG.user_id, after=before, contains="Cuti")
    assert "sudah dicatat" in to_absent.body and f"{capacity}: {HUKUM.name}" in to_absent.body

    again = await cuti(h)  # the list shows it, with its button
    assert KASUBBAG.name in again.body and capacity in again.body and BASIS in again.body
    assert texts.LEAVE_STATE_COMING in again.body
    cancel = texts.BTN_LEAVE_CANCEL.format(name=KASUBBAG.name, start="7 Des 2026")
    assert cancel in again.button_texts


async def test_a_restart_in_the_middle_of_cuti_loses_nothing(harness: Harness) -> None:
    h = harness
    listing = await cuti(h)
    await pick_member(h, listing, KASUBBAG)
    await h.settle()
    await h.stop_bot()
    await h.start_bot()
    # the next text is the period, as if nothing happened
    ask = await h.say(SEKRETARIS, "30/11/2026 - 4/12/2026", expect="pelaksana")
    await h.settle()
    await h.stop_bot()
    await h.start_bot()
    # a button sent before the restart still works, and so does the basis after it
    done = await name_plh(h, ask, HUKUM)
    assert "Tercatat" in done and f"Plh. {title(h, 'kasubbag')}" in done
    views = {v.user_id: v for v in await h.services.service.people.members()}
    assert views[KASUBBAG.user_id].away_until is None  # it begins next Monday
    h.clock.advance(timedelta(days=7))
    await h.settle()
    views = {v.user_id: v for v in await h.services.service.people.members()}
    assert str(views[KASUBBAG.user_id].away_until) == "2026-12-04"


async def test_ending_a_leave_early_sends_the_open_card_back_to_the_member(
    harness: Harness,
) -> None:
    h = harness
    await record(h, "23/11/2026 - 27/11/2026", HUKUM)  # from today, the Plh acts
    code = await open_item(h)  # step 1 waits for the Kasubbag's role: the Plh gets the card
    await h.server.wait_for(
        lambda m: (
            m.chat_id == HUKUM.user_id
            and code in m.body
            and texts.BTN_WRITE_DIRECTION in m.button_texts
        )
    )
    await h.settle()
    h.clock.advance(timedelta(days=1))  # Tuesday: the Kasubbag is back early
    listing = await cuti(h)
    assert texts.LEAVE_STATE_RUNNING in listing.body
    end = texts.BTN_LEAVE_END.format(name=KASUBBAG.name)
    before = h.mark()
    toast = await h.press(SEKRETARIS, listing, end)
    assert toast == texts.LEAVE_ENDED_TOAST.format(name=KASUBBAG.name)
    await edited(h, listing, texts.LEAVE_OVERVIEW_NONE)
    # the card follows whoever holds the role now: the Kasubbag, who acts on it
    card = await h.server.wait_for(
        lambda m: (
            m.chat_id == KASUBBAG.user_id
            and code in m.body
            and texts.BTN_WRITE_DIRECTION in m.button_texts
            and h.server.sent.index(m) >= before
        )
    )
    assert card is not None
    to_plh = await h.server.wait_for_message(HUKUM.user_id, after=before, contains="berakhir")
    assert f"Plh. {title(h, 'kasubbag')}" in to_plh.body and "24 November 2026" in to_plh.body
    to_absent = await h.server.wait_for_message(KASUBBAG.user_id, after=before, contains="diakhiri")
    assert "bertugas kembali mulai Selasa, 24 November 2026" in to_absent.body
    assert end not in listing.button_texts  # the list drawn again: nothing left to end
    await give_direction(h, code)  # the Kasubbag's own role again, today
    await brief_for(h, code, OPERATOR)


async def test_cancelling_a_leave_before_it_begins_keeps_the_card_with_the_member(
    harness: Harness,
) -> None:
    h = harness
    await record(h, "24/11/2026 - 25/11/2026", HUKUM)
    code = await open_item(h)
    await h.server.wait_for(
        lambda m: (
            m.chat_id == KASUBBAG.user_id
            and code in m.body
            and texts.BTN_WRITE_DIRECTION in m.button_texts
        )
    )
    listing = await cuti(h)
    cancel = texts.BTN_LEAVE_CANCEL.format(name=KASUBBAG.name, start="24 Nov 2026")
    pressed = dict(b for row in listing.buttons for b in row)[cancel]
    before = h.mark()
    toast = await h.press(SEKRETARIS, listing, cancel)
    assert toast == texts.LEAVE_CANCELLED_TOAST.format(name=KASUBBAG.name)
    to_plh = await h.server.wait_for_message(HUKUM.user_id, after=before, contains="batal")
    assert f"Plh. {title(h, 'kasubbag')}" in to_plh.body
    to_absent = await h.server.wait_for_message(
        KASUBBAG.user_id, after=before, contains="dibatalkan"
    )
    assert "24–25 Nov 2026" in to_absent.body
    await h.settle()
    h.clock.advance(timedelta(days=1))  # Tuesday, when the leave would have begun
    await h.settle()
    assert not any(m.chat_id == HUKUM.user_id and code in m.body for m in h.server.sent)
    await give_direction(h, code)  # still the Kasubbag's
    # the same button pressed again (a second copy of the list): it is gone, and said so
    assert pressed is not None and pressed.startswith("cu:del:")
    again = await h.server.press_callback(
        SEKRETARIS.user_id, listing.message_id, listing.chat_id, pressed
    )
    assert (await h.server.wait_for_answer(again)).get("text") == texts.LEAVE_CHANGE_PROBLEMS[
        "gone"
    ]


async def test_an_item_question_asked_during_cuti_takes_its_answer_first(
    harness: Harness,
) -> None:
    h = harness
    code = await open_item(h)  # the Kasubbag (an admin) is asked for the direction
    listing = await cuti(h, by=KASUBBAG)
    await pick_member(h, listing, HUKUM, by=KASUBBAG)  # /cuti waits for the period
    h.clock.advance(timedelta(seconds=30))
    await give_direction(h, code, "Buat infografis.")  # asked after: it takes the text
    brief = await brief_for(h, code, OPERATOR)
    assert "Buat infografis." in brief.body
    ask = await h.say(KASUBBAG, "30/11/2026", expect="pelaksana")  # /cuti's turn again
    assert title(h, "divisi_hukum") in ask.body


async def test_stale_forged_and_refused_answers_change_nothing(harness: Harness) -> None:
    h = harness
    old = await cuti(h)
    new = await cuti(h)  # a new /cuti: the first list's buttons are stale
    answer = await h.press(SEKRETARIS, old, KASUBBAG.name)
    assert answer == texts.LEAVE_STALE_BUTTON
    assert texts.LEAVE_PICK_MEMBER in old.body  # not edited
    await pick_member(h, new, KASUBBAG)
    # typed: a date nobody can read, then the past; the same question stays open
    bad = await h.say(SEKRETARIS, "5 Desembr 2026x", expect="Tanggal")
    assert bad.body == shown(texts.LEAVE_BAD_DATE) and texts.BTN_STOP in bad.button_texts
    past = await h.say(SEKRETARIS, "2/11/2026 - 6/11/2026", expect="sudah lewat")
    assert past.body == texts.ABSENCE_PROBLEMS["in_the_past"]
    ask = await h.say(SEKRETARIS, "30/11/2026 - 4/12/2026", expect="pelaksana")
    data = ask.buttons[0][0][1]
    assert data is not None
    rev = data.split(":")[2]
    # the absent member as their own Plh: offered by no button, forged here
    forged = await h.server.press_callback(
        SEKRETARIS.user_id, ask.message_id, ask.chat_id, f"cu:a:{rev}:{KASUBBAG.user_id}"
    )
    refusal = (await h.server.wait_for_answer(forged)).get("text")
    assert refusal == texts.ABSENCE_PROBLEMS["acts_for_self"]
    nonsense = await h.server.press_callback(
        SEKRETARIS.user_id, ask.message_id, ask.chat_id, "cu:zz:1:2"
    )
    assert (await h.server.wait_for_answer(nonsense)).get("text") == texts.BAD_BUTTON
    # someone not allowed: an operator's forged press in their own chat
    refused = await h.say(OPERATOR, "/cuti")
    assert refused.body == texts.LEAVE_NOT_ALLOWED
    operator = await h.server.press_callback(
        OPERATOR.user_id, refused.message_id, OPERATOR.user_id, f"cu:a:{rev}:{HUKUM.user_id}"
    )
    assert (await h.server.wait_for_answer(operator)).get("text") == texts.LEAVE_NOT_ALLOWED
    # the talk goes on from where it was: the acting question still takes its press
    done = await name_plh(h, ask, HUKUM)
    assert "Tercatat" in done

    overlap = await cuti(h)
    await pick_member(h, overlap, KASUBBAG)
    clash = await h.say(SEKRETARIS, "1/12/2026 - 8/12/2026", expect="beririsan")
    assert "30 Nov–4 Des 2026" in clash.body
    retype = await h.server.wait_for_message(
        SEKRETARIS.user_id, after=h.server.sent.index(clash), contains="periode lain"
    )
    assert texts.BTN_STOP in retype.button_texts
    fine = await h.say(SEKRETARIS, "7 - 9 Desember 2026", expect="pelaksana")
    assert "7–9 Des 2026" in fine.body
    assert await h.press(SEKRETARIS, fine, texts.BTN_STOP) == ""
    await edited(h, fine, "dibatalkan")
    kept = h.services.service.context.directory.roster.absences
    assert [(a.start.day, a.end.day) for a in kept] == [(30, 4)]  # only the first leave
