"""Fuzz (issue 5): a few hundred random, malformed and out-of-order updates through the local
Bot API server, then a normal item through the whole SOP. Every private message and every
press gets an answer, nothing is logged as an error, the database's invariants hold, and
the bot still works.

JDIH_FUZZ_SEED picks the seed (printed in every failure), JDIH_FUZZ_UPDATES the number of
updates. A seed replays the same choices; which bot messages are there to reply to or press
can differ with timing, so a replay is close to the failed run, not always identical."""

from __future__ import annotations

import logging
import os
import random
import re
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import text as sql

from bot import texts
from localbotapi import BotMessage
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import (
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    MEMBERS,
    SEKRETARIS,
    STRANGER,
    Harness,
    Person,
)
from tests.images import png_bytes
from tests.invariants import assert_invariants, engine_of, violations

SEED = int(os.environ.get("JDIH_FUZZ_SEED", "20261123"))
UPDATES = int(os.environ.get("JDIH_FUZZ_UPDATES", "300"))
GROUP = -1009876543210  # an office group the bot was added to; not a role's chat
CHANNEL = -1001111111111
NEWCOMER = Person(777, "Pendatang Baru", ())  # never talked to the bot before
PEOPLE = (*MEMBERS, STRANGER, NEWCOMER)
CODES = ("JDIH-2026-0001", "JDIH-2026-0002", "JDIH-2026-0003", "JDIH-2099-9999")
STEPS = ("materi", "desain", "periksa", "setuju", "unggah", "posting", "x", "periksa2")
VERBS = ("ap", "cf", "rt", "dr", "or", "pl", "ud", "sd", "dc", "md", "no", "up", "cd", "ar")
WORDS = (
    "siap", "ok pak", "sudah", "Logo KPU terlalu kecil", "mohon dicek", "https://instagram.com/p/",
    "<b>tebal</b>", "&amp;", "<script>", "a<b", "&#0;", "%s %d {code}", "\\n", "🙏", "👍🏽",
    "\u202egnp.exe", "\u200b", "  ", "Ẓ̷̢͓a̷l̶g̸o̶", "تم", "中文", "\t",
)  # fmt: skip
WORDS += ("\x00",)  # PostgreSQL refuses NUL in text: the bot must drop it
# Words of an untranslated error or a leaked exception; the bot speaks Indonesian.
_ENGLISH = re.compile(r"\b(error|failed|exception|traceback|invalid|not found|forbidden)\b", re.I)
# Bot messages that come from the outbox (cards, their files, notices), not as an answer.
_OUTBOX_RE = re.compile(r"^(ℹ️|🎉|⛔|⏰|📋|⚠️|[A-Z]+-\d{4}-\d{4} — [^\n]*\nLangkah)")


@dataclass
class Expect:
    """What one fuzz step must get: an answer in a private chat, or a press's answer."""

    step: int
    what: str
    chat: int | None = None
    floor: int = 0  # the answer is a bot message with a higher id in that chat
    query: str | None = None


@dataclass
class Fuzzer:
    h: Harness
    rng: random.Random
    sent_texts: list[tuple[int, int, int]] = field(default_factory=list)  # user, chat, id
    known_data: list[str] = field(default_factory=list)
    _scanned: int = 0
    last_who: Person = STRANGER  # who acted in the last step
    _raw_ids: int = 0

    # --- what the bot has shown -----------------------------------------------------------

    def learn_buttons(self) -> None:
        """Collect every callback data the bot ever put on a button (live or retired)."""
        requests = self.h.server.requests
        for _, params in requests[self._scanned :]:
            markup = params.get("reply_markup")
            if isinstance(markup, dict):
                for row in markup.get("inline_keyboard", []):
                    for button in row:
                        data = button.get("callback_data")
                        if data and data not in self.known_data:
                            self.known_data.append(data)
        self._scanned = len(requests)

    def floor(self, chat_id: int) -> int:
        """The id of the bot's latest message in the chat: an answer comes after it."""
        return max((m.message_id for m in self.h.server.sent if m.chat_id == chat_id), default=0)

    def bot_messages(self, chat_id: int) -> list[BotMessage]:
        return self.h.server.messages_in(chat_id)

    # --- random pieces --------------------------------------------------------------------

    def person(self) -> Person:
        return self.rng.choices(PEOPLE, weights=(4, 6, 6, 3, 4, 2, 3, 1))[0]

    def junk(self, limit: int = 60) -> str:
        rng = self.rng
        alphabet = string.ascii_letters + string.digits + string.punctuation + " éü🙂\u200b"
        parts = [
            rng.choice(WORDS) if rng.random() < 0.5 else "".join(rng.choices(alphabet, k=8))
            for _ in range(rng.randint(1, 6))
        ]
        return " ".join(parts)[: max(limit, 1)] or "x"

    def text(self) -> str:
        rng = self.rng
        code = rng.choice(CODES)
        return rng.choice(
            [
                lambda: self.junk(),
                lambda: self.junk(400),
                lambda: "Catatan " * rng.choice([380, 512]),  # 3040 or 4096 characters
                lambda: f"/status {rng.choice([code, code.lower(), self.junk(30)])}",
                lambda: "/status",
                lambda: f"/batal {rng.choice([code, self.junk(20)])}",
                lambda: "/batal",
                lambda: f"/arsip {rng.choice([code, '2026-11', '2026-13', self.junk(20)])}",
                lambda: rng.choice(["/baru", "/tugas", "/bantuan", "/start", "/help", "/arsip"]),
                lambda: rng.choice(["/hapus", "/status@other_bot x", "/x@jdih_test_bot", "/"]),
                lambda: f"https://instagram.com/p/{self.junk(12).replace(' ', '')}",
                lambda: rng.choice(["PKPU Nomor 7 Tahun 2026", "Judul", "ab"]),
            ]
        )()

    def callback_data(self) -> str:
        rng = self.rng
        verb = rng.choice(VERBS)
        ident = rng.choice([0, 1, 2, 3, 4, 5, 6, 2**31 - 1])
        return rng.choice(
            [
                lambda: rng.choice(self.known_data) if self.known_data else "",
                lambda: rng.choice(self.known_data) if self.known_data else "",
                lambda: f"{verb}:{ident}:{rng.choice(STEPS)}:{rng.randint(0, 3)}",
                lambda: f"{verb}:{ident}:{rng.randint(0, 3)}",
                lambda: f"{verb}:{ident}",
                lambda: "".join(chr(rng.randint(0, 255)) for _ in range(rng.randint(1, 20))),
                lambda: "".join(rng.choices(string.printable, k=64)),
                lambda: "é" * 32,
                lambda: "",
            ]
        )()

    def junk_file(self) -> tuple[bytes, str, str]:
        rng = self.rng
        content = rng.choice(
            [
                lambda: rng.randbytes(rng.randint(0, 3000)),
                lambda: b"\x89PNG\r\n\x1a\n" + rng.randbytes(200),
                lambda: b"%PDF-1.4\n" + rng.randbytes(100),
                lambda: png_bytes(1080, 1080),
                lambda: flows.PDF,
            ]
        )()
        name = rng.choice(["desain.png", "materi.pdf", "foto.jpg", "video.mp4", "a.exe", "x"])
        mime = rng.choice(["image/png", "application/pdf", "application/octet-stream", "video/mp4"])
        return content, name, mime

    # --- one step -------------------------------------------------------------------------

    async def step(self, number: int) -> Expect | None:
        """Send one random update; returns what it must get back."""
        rng, server = self.rng, self.h.server
        who = self.last_who = self.person()
        in_group = rng.random() < 0.2
        chat = GROUP if in_group else who.user_id
        answer = None if in_group else Expect(number, "", chat, self.floor(chat))
        kind = rng.choices(
            ["text", "reply", "press", "file", "photo", "other", "edit", "raw"],
            weights=(30, 8, 25, 8, 3, 6, 6, 10),
        )[0]
        if kind in ("text", "reply"):
            replied = self.bot_messages(chat) if kind == "reply" else []
            target = rng.choice(replied).message_id if replied else None
            text = self.text()
            raw = await server.send_text(who.user_id, text, chat_id=chat, reply_to=target)
            self.sent_texts.append((who.user_id, chat, raw["message_id"]))
            return _described(answer, f"{who.user_id} says {text[:80]!r} in {chat}")
        if kind == "press":
            messages = self.bot_messages(chat)
            message_id = rng.choice(messages).message_id if messages else rng.randint(1, 50)
            if rng.random() < 0.1:
                message_id = rng.randint(1000, 2000)  # a message the client cannot see
            data = self.callback_data()
            query = await server.press_callback(who.user_id, message_id, chat, data)
            return Expect(number, f"{who.user_id} presses {data!r} in {chat}", query=query)
        if kind in ("file", "photo"):
            content, name, mime = self.junk_file()
            briefs = [m for m in self.bot_messages(chat) if texts.BTN_UPLOAD_HERE in m.button_texts]
            target = rng.choice(briefs).message_id if briefs and rng.random() < 0.5 else None
            if kind == "photo":
                size = rng.choice([(1080, 1080), (90, 90), (4000, 3)])
                await server.send_photo(
                    who.user_id, content, width=size[0], height=size[1], chat_id=chat,
                    reply_to=target,
                )  # fmt: skip
            else:
                await server.send_document(
                    who.user_id, content, name, mime, chat_id=chat, reply_to=target,
                    caption=self.junk(100) if rng.random() < 0.3 else None,
                )  # fmt: skip
            return _described(answer, f"{who.user_id} sends {kind} {name} in {chat}")
        if kind == "other":
            send: Callable[[], Any] = rng.choice(
                [
                    lambda: server.send_sticker(who.user_id, chat_id=chat),
                    lambda: server.send_location(who.user_id, -2.7, 114.0, chat_id=chat),
                    lambda: server.send_contact(who.user_id, "+62812", "Sari", chat_id=chat),
                ]
            )
            await send()
            return _described(answer, f"{who.user_id} sends a sticker/location/contact")
        if kind == "edit":
            mine = [(c, m) for u, c, m in self.sent_texts if u == who.user_id]
            if not mine:
                return None
            where, message_id = rng.choice(mine)
            text = self.text()
            await server.edit_user_message(
                who.user_id, message_id, text, chat_id=None if where == who.user_id else where
            )
            edited = None if where == GROUP else Expect(number, "", where, self.floor(where))
            return _described(edited, f"{who.user_id} edits {message_id} into {text[:60]!r}")
        server.push_raw_update(self.raw_update(who))
        return None

    def raw_update(self, who: Person) -> dict[str, Any]:
        """An update of a kind the bot does not handle (or a sender it does not know)."""
        self._raw_ids += 1
        n, now = self._raw_ids, int(time.time())
        user = {"id": who.user_id, "is_bot": False, "first_name": who.name.split()[0]}
        bot = {"id": 123456, "is_bot": True, "first_name": "JDIH Test Bot"}
        private = {"id": who.user_id, "type": "private", "first_name": user["first_name"]}
        group = {"id": GROUP, "type": "supergroup", "title": "Grup Kantor"}
        channel = {"id": CHANNEL, "type": "channel", "title": "Kanal JDIH"}
        anonymous = {"id": 1087968824, "is_bot": True, "first_name": "Group"}
        post = {"message_id": n, "chat": channel, "date": now, "text": self.junk()}
        member = {"status": "member", "user": bot}
        choices: list[dict[str, Any]] = [
            {"channel_post": post},
            {"edited_channel_post": {**post, "edit_date": now}},
            {
                "my_chat_member": {
                    "chat": private, "from": user, "date": now, "old_chat_member": member,
                    "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
                }
            },
            {
                "chat_member": {
                    "chat": group, "from": user, "date": now,
                    "old_chat_member": {"status": "left", "user": user},
                    "new_chat_member": {"status": "member", "user": user},
                }
            },
            {
                "poll": {
                    "id": str(n), "question": "Setuju?", "total_voter_count": 0,
                    "options": [{"persistent_id": "o1", "text": "Ya", "voter_count": 0}],
                    "is_closed": False, "is_anonymous": True, "type": "regular",
                    "allows_multiple_answers": False, "allows_revoting": False,
                    "members_only": False,
                }
            },
            {
                "poll_answer": {
                    "poll_id": str(n), "user": user, "option_ids": [0],
                    "option_persistent_ids": ["o1"],
                }
            },
            {"inline_query": {"id": str(n), "from": user, "query": self.junk(), "offset": ""}},
            {"chosen_inline_result": {"result_id": str(n), "from": user, "query": "x"}},
            {
                "message_reaction": {
                    "chat": private, "message_id": 1, "user": user, "date": now,
                    "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}],
                }
            },
            {
                "chat_join_request": {
                    "chat": group, "from": user, "user_chat_id": who.user_id, "date": now,
                }
            },
            {
                "message": {
                    "message_id": 100_000 + n, "from": anonymous, "sender_chat": group,
                    "chat": group, "date": now, "text": self.junk(),
                }
            },
            {"some_future_update": {"id": n}},
        ]  # fmt: skip
        return self.rng.choice(choices)


def _described(expect: Expect | None, what: str) -> Expect | None:
    if expect is not None:
        expect.what = what
    return expect


def _is_answer(message: BotMessage, chat: int) -> bool:
    return message.chat_id == chat and message.kind == "text" and not _OUTBOX_RE.match(message.body)


async def _check_answered(h: Harness, expect: Expect, seed: int) -> None:
    where = f"(seed {seed}, step {expect.step}: {expect.what})"
    if expect.query is not None:
        try:
            answer = await h.server.wait_for_answer(expect.query)
        except AssertionError as exc:
            raise AssertionError(f"press not answered {where}\n{exc}") from None
        text = answer.get("text") or ""
        assert text != texts.ERROR_GENERIC[:200], f"the press hit an internal error {where}"
        assert not _ENGLISH.search(text), f"answered in English {where}: {text!r}"
        return
    assert expect.chat is not None
    try:
        reply = await h.server.wait_for(
            lambda m: m.message_id > expect.floor and _is_answer(m, expect.chat or 0)
        )
    except AssertionError as exc:
        raise AssertionError(f"no answer {where}\n{exc}") from None
    assert reply.body != texts.ERROR_GENERIC, f"internal error {where}"
    assert not _ENGLISH.search(reply.body), f"answered in English {where}: {reply.body!r}"


async def _setup(h: Harness) -> None:
    """Items at several steps, so old cards and real ids are there to be pressed."""
    h.server.add_group(GROUP, "Grup Kantor KPU")
    checked = await flows.open_item(h, "PKPU Nomor 2 Tahun 2026")
    await flows.give_direction(h, checked)
    await flows.submit_design(h, checked)
    await flows.open_item(h, "Keputusan KPU Nomor 10 Tahun 2026")
    await h.say(KOORDINATOR, "/baru")
    await h.say(KOORDINATOR, "Draf pengumuman JDIH")
    await h.settle()


async def _approve_legal(h: Harness, code: str, version: int) -> str:
    """flows.approve_legal: the card is looked up by the item's code (review_card does)."""
    card = await flows.review_card(h, code, version, HUKUM)
    return await h.press(HUKUM, card, texts.BTN_APPROVE_SOURCES)


async def _normal_item_is_published(h: Harness) -> None:
    # settle between steps: a person replies to a card seconds after it arrives, not in
    # the instant between Telegram accepting it and the bot recording which item it shows
    code = await flows.open_item(h, "Peraturan KPU Nomor 12 Tahun 2026")
    await flows.give_direction(h, code)
    await h.settle()
    role = flows.role_at(h, "periksa")
    submitted = texts.DONE_SUBMIT_DESIGN.format(code=code, version=1, role=role)
    assert await flows.submit_design(h, code) == submitted
    await h.settle()
    assert await flows.approve_check(h, code, 1) == flows.approved(h, code, 1, "setuju")
    await h.settle()
    assert await _approve_legal(h, code, 1) == flows.approved(h, code, 1, "unggah")
    await h.settle()
    await flows.order_upload(h, code)
    await h.settle()
    assert await flows.report_posted(h, code) == texts.DONE_POSTED.format(code=code)
    status = await h.say(KASUBBAG, f"/status {code}", expect="Riwayat")
    assert "Status: dipublikasikan" in status.body


def _bot_errors(records: list[logging.LogRecord]) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in records
        if r.levelno >= logging.ERROR
        and r.name.split(".")[0] in ("bot", "handlers", "storage", "telegram", "apscheduler")
    ]


async def test_the_invariant_checks_catch_a_corrupted_database(harness: Harness) -> None:
    """The checker the fuzz relies on is not blind: each kind of damage is named."""
    h = harness
    code = await flows.open_item(h)
    await flows.give_direction(h, code)
    await flows.submit_design(h, code)
    await h.settle()
    engine, sop, calendar = engine_of(h), h.config.sop, h.config.calendar
    assert await violations(engine, sop, calendar, settled=True) == []
    async with engine.begin() as connection:
        for statement in (
            "UPDATE items SET step_key = 'unggah'",
            "UPDATE events SET at = '2026-01-01 00:00:00' WHERE action = 'submit_design'",
            "UPDATE card_messages SET has_buttons = true WHERE step_key = 'materi'",
            "UPDATE outbox SET delivered_at = NULL, failed_at = created_at, last_error = 'x' "
            "WHERE id = (SELECT min(id) FROM outbox WHERE chat_id = 104)",
            f"INSERT INTO pending_inputs (user_id, kind, asked_at) VALUES "
            f"({SEKRETARIS.user_id}, 'title', '2026-11-23 02:00:00')",
        ):
            await connection.execute(sql(statement))
    found = "\n".join(await violations(engine, sop, calendar, settled=True))
    assert f"item {code}: step_limit '15m', the SOP says '10m'" in found
    assert "history leads to ('active', 'periksa', 1)" in found
    assert "(submit_design) is earlier than the event before it" in found
    assert "(card, materi v0) keeps buttons" in found
    assert "to 104 failed: x" in found
    # a pending title question, unlike the rest, is legal
    assert str(SEKRETARIS.user_id) not in found


async def test_random_updates_leave_a_working_bot_and_a_consistent_database(
    make_harness: HarnessFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with make_harness() as h:
        await _setup(h)
        fuzz = Fuzzer(h, random.Random(SEED))
        for number in range(UPDATES):
            fuzz.learn_buttons()
            expect = await fuzz.step(number)
            if not fuzz.last_who.roles:
                expect = None  # a non-member is answered once per ten minutes: checked below
            if expect is not None:
                await _check_answered(h, expect, SEED)
            if expect is not None and expect.query is not None:
                # a press may still be sending its question or the cards it owes: let them
                # land, so the next step's answer is not mistaken for them
                await h.server.wait_idle(quiet=0.02)
        await h.settle()
        for outsider in (STRANGER, NEWCOMER):  # the clock stood still: one answer at most
            assert len(h.server.messages_in(outsider.user_id)) <= 1, f"seed {SEED}"
        errors = _bot_errors(caplog.records)
        assert errors == [], f"errors logged (seed {SEED}):\n" + "\n".join(errors)
        try:
            await assert_invariants(h)
        except AssertionError as exc:
            raise AssertionError(f"after the fuzz (seed {SEED}): {exc}") from None
        await _normal_item_is_published(h)
        await assert_invariants(h)
        assert _bot_errors(caplog.records) == []
