"""Names with HTML's special characters, end to end: an office whose configured names (office,
SOP, role and step titles, members) and whose typed texts contain `<` and `&` runs an item
through the whole SOP, and Telegram (the local Bot API server parses HTML as Telegram does)
accepts every message, each showing the names exactly as they were typed."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import bot.domain
from bot import texts
from tests import flows
from tests.conftest import HarnessFactory
from tests.harness import (
    HUKUM,
    KASUBBAG,
    KOORDINATOR,
    MEMBERS,
    OPERATOR,
    SEKRETARIS,
    Harness,
    Person,
)

# Looks like markup, an entity and a bare "<": each must be shown as typed, never parsed.
ODD = " <i>&amp; & <"
OFFICE_NAME = "KPU <Pulang Pisau> & Co" + ODD
TITLE = "PKPU <Nomor 2> & Tahun 2026" + ODD


def odd_sop(folder: Path) -> Path:
    """The default SOP with ODD added to its name, number and every role and step title."""
    text = (Path(bot.domain.__file__).parent / "sop_default.toml").read_text(encoding="utf-8")
    odd = re.sub(
        r'^(name|number|title) = "(.*)"$',
        lambda m: f'{m[1]} = "{m[2]}{ODD}"',
        text,
        flags=re.MULTILINE,
    )
    path = folder / "sop_odd.toml"
    path.write_text(odd, encoding="utf-8")
    return path


def odd_name(person: Person) -> str:
    return f"{person.name}{ODD}"


async def test_names_with_markup_characters_are_shown_as_typed_in_every_message(
    make_harness: HarnessFactory, tmp_path: Path
) -> None:
    members = [{"id": p.user_id, "name": odd_name(p), "roles": list(p.roles)} for p in MEMBERS]
    async with make_harness(
        sop={"file": str(odd_sop(tmp_path))},
        office={"name": OFFICE_NAME, "timezone": "Asia/Pontianak"},
        members=members,
    ) as h:
        await _walk_the_sop(h)


async def _walk_the_sop(h: Harness) -> None:
    sop = h.config.sop
    kasubbag_title = sop.role_title("kasubbag")
    assert kasubbag_title.endswith(ODD)

    help_message = await h.say(KASUBBAG, "/bantuan", expect="Perintah")
    for shown in (OFFICE_NAME, sop.number, kasubbag_title, sop.steps[0].title):
        assert shown in help_message.body
    # an operator may not open items: the refusal names the roles that may
    refusal = await h.say(OPERATOR, "/baru")
    assert kasubbag_title in refusal.body

    code = await flows.open_item(h, TITLE)
    await flows.give_direction(h, code, "Arahan <penting> & segera" + ODD)
    # the confirmation of a decision typed as text names the next role
    done = h.server.last_in(KASUBBAG.user_id)
    assert done.body == texts.DONE_DIRECT.format(code=code, role=sop.role_title("operator"))
    brief = await flows.brief_for(h, code)
    assert TITLE in brief.body and sop.step("desain").title in brief.body

    # step 2 runs late: the operators and the sekretaris are reminded
    before = h.mark()
    h.clock.advance(timedelta(minutes=40))
    overseer = await h.server.wait_for_message(
        SEKRETARIS.user_id, contains="Pengingat", after=before
    )
    assert odd_name(OPERATOR) in overseer.body and sop.role_title("operator") in overseer.body
    # the operator's own reminder too, before the upload: else it may arrive where the
    # upload's receipt is awaited
    await h.server.wait_for_message(OPERATOR.user_id, contains="Pengingat", after=before)

    await flows.submit_design(h, code)
    answer = await flows.return_design(h, code, 1, KASUBBAG, "Perbaiki <judul> & logo" + ODD)
    assert answer.startswith(code)
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 2)
    await flows.return_design(h, code, 2, HUKUM, "Sumber <pasal 3> & 4" + ODD)
    notice = await h.server.wait_for_message(
        KASUBBAG.user_id, contains="dikembalikan untuk diperbaiki"
    )
    assert TITLE in notice.body and odd_name(HUKUM) in notice.body
    # "Ibu Divisi Hukum" already says her role: its title is not repeated (issue 13)
    assert f"oleh {odd_name(HUKUM)}.\n" in notice.body
    await flows.submit_design(h, code)
    await flows.approve_check(h, code, 3)
    await flows.approve_legal(h, code, 3)
    await flows.order_upload(h, code)
    await flows.report_posted(h, code, links="https://instagram.com/p/a?x=1&y=<2>")
    await h.server.wait_for(
        lambda m: m.chat_id == KOORDINATOR.user_id and "sudah dipublikasikan" in m.body
    )

    found = await h.say(KASUBBAG, "/arsip PKPU", expect="Arsip digital")
    assert TITLE in found.body
    status = await h.say(HUKUM, f"/status {code}", expect="Riwayat")
    for shown in (TITLE, odd_name(KASUBBAG), odd_name(HUKUM), kasubbag_title):
        assert shown in status.body
    await _cancel_one(h)
    await _tuesday_digest(h)
    await h.settle()

    # every retired card shows who decided, as configured
    retired = [m for m in h.server.messages_in(KASUBBAG.user_id) if m.edits]
    assert retired and all(odd_name(KASUBBAG) in m.body for m in retired[:1])
    assert h.server.errors == []
    assert not [m for m in h.server.sent if texts.ERROR_GENERIC in m.body]
    # nothing was escaped twice: "&lt;" or "&amp;amp;" would show where "<" or "&amp;" was typed
    shown = [m.body for m in h.server.sent]
    shown += [str(a.get("text") or "") for a in h.server.callback_answers.values()]
    assert not [text for text in shown if "&lt;" in text or "&amp;amp;" in text]
    _check_summary(h, code)


async def _cancel_one(h: Harness) -> None:
    """A second item: its card, its tasks line, then the kasubbag cancels it."""
    code = await flows.open_item(h, "Kedua " + TITLE)
    tasks = await h.say(KASUBBAG, "/tugas", expect="Tugas Anda")
    assert "Kedua " + TITLE in tasks.body and h.config.sop.steps[0].title in tasks.body
    prompt = await h.say(KASUBBAG, f"/batal {code}", expect="alasan pembatalan")
    assert "Kedua " + TITLE in prompt.body
    await h.say(KASUBBAG, "Salah <input> & ganda" + ODD)
    notice = await h.server.wait_for_message(KOORDINATOR.user_id, contains="dibatalkan oleh")
    assert odd_name(KASUBBAG) in notice.body and "Salah <input> & ganda" + ODD in notice.body


async def _tuesday_digest(h: Harness) -> None:
    """A third item waits too long: the digest lists it, its step and who must act."""
    await flows.open_item(h, "Ketiga " + TITLE)
    h.clock.advance(timedelta(hours=47))  # Wednesday 08:00: a working day late
    digest = await h.server.wait_for(
        lambda m: m.chat_id == SEKRETARIS.user_id and "Terlambat" in m.body
    )
    assert "Ketiga " + TITLE in digest.body
    assert h.config.sop.steps[0].title in digest.body and odd_name(KASUBBAG) in digest.body


def _check_summary(h: Harness, code: str) -> None:
    """ringkasan.html is well-formed HTML whose text shows every name as typed."""
    summary = h.config.archive_dir / "2026" / "11" / code / "ringkasan.html"
    parser = _TextOf()
    parser.feed(summary.read_text(encoding="utf-8"))
    shown = "".join(parser.text)
    for name in (TITLE, OFFICE_NAME, h.config.sop.number, odd_name(HUKUM)):
        assert name in shown
    assert h.config.sop.role_title("divisi_hukum") in shown


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)
