"""Driving the bots as their users would, and timing every decision.

A decision's latency runs from the member's press (or, where the SOP asks for text, the
message with the text) being queued at the server, to the server receiving the message the
decision owes the next role: its card, with the card's buttons (for the last step, the
notice that the item was published). The bot's work in between: fetching the update,
checking and committing the transition with its outbox rows, answering the press, then the
outbox sender rendering and sending the card with its files and preview.
"""

from __future__ import annotations

import asyncio
import io
import re
from bisect import bisect_left
from dataclasses import dataclass
from time import perf_counter

from PIL import Image, ImageDraw

from bot import texts

from .office import GROUPS, Member, Office
from .server import Arrival, BenchServer, Predicate, Sent, anything, has

CODE_RE = re.compile(r"JDIH-\d{4}-\d+")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DECISIONS_PER_ITEM = 9  # one return at the kasubbag's check, so two design versions


@dataclass(frozen=True, slots=True)
class Decision:
    name: str
    trigger: str  # "press" or "text"
    queued: float  # the press or text reached the server
    handed: float  # getUpdates gave it to the bot
    done: float  # the server received the next role's card

    @property
    def latency(self) -> float:
        return self.done - self.queued

    @property
    def waiting(self) -> float:
        """Of the latency, the time the update sat in the queue before the bot fetched it."""
        return self.handed - self.queued


def design_png(version: int) -> bytes:
    """A 1080x1350 design (Instagram feed 4:5) with a gradient and lettering: Pillow has to
    decode real pixels when it checks the file and draws the reviewers' preview."""
    image = Image.linear_gradient("L").resize((1080, 1350))
    colour = Image.merge("RGB", (image, image.rotate(90), image.transpose(Image.FLIP_TOP_BOTTOM)))
    draw = ImageDraw.Draw(colour)
    for row in range(0, 1350, 90):
        draw.text(
            (60, row), f"PKPU 2/2026 versi {version} — baris {row // 90}", fill=(255, 255, 255)
        )
    buffer = io.BytesIO()
    colour.save(buffer, format="PNG")
    return buffer.getvalue()


class ItemWalk:
    """Walks one item through the whole SOP, with one return, as the members would."""

    def __init__(
        self, server: BenchServer, office: Office, number: int, designs: list[bytes], wait: float
    ) -> None:
        self.server = server
        self.number = number
        self.koordinator = office.member("koordinator", number)
        self.kasubbag = office.member("kasubbag", number)
        self.operator = office.member("operator", number)
        self.hukum = office.member("divisi_hukum", number)
        self.designs = designs
        self.wait = wait
        self.code = ""
        self.decisions: list[Decision] = []

    async def run(self) -> list[Decision]:
        card = await self.open()
        brief = await self.direct(card)
        card = await self.submit(brief, 1)
        brief = await self.give_back(card)
        card = await self.submit(brief, 2)
        card = await self.approve(card)
        card = await self.approve_legal(card)
        card = await self.order(card)
        await self.report(card)
        return self.decisions

    # --- the steps: each returns the card the next role gets ------------------------------

    async def open(self) -> Arrival:
        """/baru, a title, a link and a PDF, then "Selesai": the kasubbag gets the card."""
        k = self.koordinator
        async with k.busy:
            await self._say(k, "/baru")
            prompt = await self._say(k, f"Infografis PKPU Nomor {self.number} Tahun 2026")
            found = CODE_RE.search(prompt.message.body)
            assert found, prompt.message.describe()
            self.code = found.group(0)
            await self._say(k, f"Materi: https://jdih.kpu.go.id/pkpu-{self.number}-2026")
            mark = self.server.mark(k.user_id)
            await self.server.document(k.user_id, PDF, "pkpu.pdf", "application/pdf")
            receipt = await self._next(k.user_id, has(button=texts.BTN_MATERIAL_DONE), mark)
            sent = await self._press(k, receipt, texts.BTN_MATERIAL_DONE)
        return await self._decided("material", "press", sent, "kasubbag", texts.BTN_WRITE_DIRECTION)

    async def direct(self, card: Arrival) -> Arrival:
        s = self.kasubbag
        async with s.busy:
            await self._ask(s, card, texts.BTN_WRITE_DIRECTION)
            sent = await self.server.text(s.user_id, "Buat infografis satu halaman.")
            await self._reply_to(s, sent)
        return await self._decided("direction", "text", sent, "operator", texts.BTN_UPLOAD_HERE)

    async def submit(self, brief: Arrival, version: int) -> Arrival:
        """The operator presses "upload for this item" on the brief, sends the design to the
        bot privately, then presses Kirim.

        (Replying to the brief in the group also works for a person, but not for a driver
        that replies within a millisecond: the bot records which item a card belongs to just
        after sending it, and a reply faster than that finds no item.)"""
        o = self.operator
        async with o.busy:
            await self._press(o, brief, texts.BTN_UPLOAD_HERE)
            mark = self.server.mark(o.user_id)
            await self.server.document(
                o.user_id,
                self.designs[version - 1],
                f"desain-{self.number}-v{version}.png",
                "image/png",
                caption=f"Caption {self.code} versi {version}",
            )
            check = has(self.code, button=texts.BTN_SUBMIT_DESIGN)
            receipt = await self._next(o.user_id, check, mark)
            sent = await self._press(o, receipt, texts.BTN_SUBMIT_DESIGN)
        version_line = texts.CARD_VERSION.format(version=version)
        return await self._decided(
            f"design_v{version}", "press", sent, "kasubbag", texts.BTN_APPROVE, version_line
        )

    async def give_back(self, card: Arrival) -> Arrival:
        """The kasubbag returns version 1 with notes; the operator gets the brief again."""
        s = self.kasubbag
        async with s.busy:
            await self._ask(s, card, texts.BTN_RETURN)
            sent = await self.server.text(s.user_id, "Perbesar logo KPU dan perbaiki warna.")
            await self._reply_to(s, sent)
        return await self._decided("return", "text", sent, "operator", texts.BTN_UPLOAD_HERE)

    async def approve(self, card: Arrival) -> Arrival:
        s = self.kasubbag
        async with s.busy:
            sent = await self._press(s, card, texts.BTN_APPROVE)
        return await self._decided(
            "approve", "press", sent, "divisi_hukum", texts.BTN_APPROVE_SOURCES
        )

    async def approve_legal(self, card: Arrival) -> Arrival:
        """SOP 4b: one press on the card, whose button confirms the sources were checked."""
        h = self.hukum
        async with h.busy:
            sent = await self._press(h, card, texts.BTN_APPROVE_SOURCES)
        return await self._decided("legal", "press", sent, "kasubbag", texts.BTN_ORDER_UPLOAD)

    async def order(self, card: Arrival) -> Arrival:
        s = self.kasubbag
        async with s.busy:
            sent = await self._press(s, card, texts.BTN_ORDER_UPLOAD)
        return await self._decided("order", "press", sent, "operator", texts.BTN_REPORT_POSTED)

    async def report(self, card: Arrival) -> None:
        """The operator reports the link: published, and the koordinator is told."""
        o = self.operator
        async with o.busy:
            await self._ask(o, card, texts.BTN_REPORT_POSTED)
            sent = await self.server.text(o.user_id, f"https://instagram.com/p/{self.code}")
            await self._reply_to(o, sent)
        chat = self.koordinator.user_id
        done = await self._next(chat, has(self.code, "dipublikasikan"), self._mark_at(chat, sent))
        self._record("posted", "text", sent, done)

    # --- helpers -----------------------------------------------------------------------

    async def _say(self, who: Member, text: str) -> Arrival:
        mark = self.server.mark(who.user_id)
        await self.server.text(who.user_id, text)
        return await self._next(who.user_id, anything, mark)

    async def _press(self, who: Member, card: Arrival, button: str) -> Sent:
        sent = await self.server.press(who.user_id, card.message, button)
        assert sent.query_id is not None
        answer = await self.server.answer(sent.query_id, self.wait)
        if answer.get("show_alert"):
            raise AssertionError(f"{self.code}: {button!r} refused: {answer.get('text')}")
        return sent

    async def _ask(self, who: Member, card: Arrival, button: str) -> None:
        """Press a button that asks for text; the question comes privately."""
        mark = self.server.mark(who.user_id)
        await self._press(who, card, button)
        await self._next(who.user_id, has(self.code), mark)

    async def _reply_to(self, who: Member, sent: Sent) -> None:
        """The bot's answer to the member's text: the member waits for it before going on."""
        await self._next(who.user_id, anything, self._mark_at(who.user_id, sent))

    def _mark_at(self, chat_id: int, sent: Sent) -> int:
        """Index of the chat's first bot message stored after the member's action."""
        return bisect_left(self.server.arrivals[chat_id], sent.at, key=lambda a: a.at)

    async def _next(self, chat_id: int, predicate: Predicate, mark: int) -> Arrival:
        return await self.server.arrival(chat_id, predicate, after=mark, timeout=self.wait)

    async def _decided(
        self,
        name: str,
        trigger: str,
        sent: Sent,
        role: str,
        button: str,
        needle: str | None = None,
    ) -> Arrival:
        """Wait for the next role's card after the decision; record the decision."""
        group = GROUPS[role]
        check = has(self.code, *([needle] if needle else []), button=button)
        card = await self._next(group, check, self._mark_at(group, sent))
        self._record(name, trigger, sent, card)
        return card

    def _record(self, name: str, trigger: str, sent: Sent, arrival: Arrival) -> None:
        handed = self.server.handed_at.get(sent.update_id, sent.at)
        self.decisions.append(Decision(name, trigger, sent.at, handed, arrival.at))


async def drive_items(
    server: BenchServer, office: Office, count: int, *, first: int, wait: float, at_once: bool
) -> tuple[list[Decision], float]:
    """Walk ``count`` items (numbered from ``first``), all at once or one after another.
    Returns the decisions and the wall time from the first action to the last card."""
    designs = [design_png(1), design_png(2)]
    walks = [ItemWalk(server, office, first + n, designs, wait) for n in range(count)]
    start = perf_counter()
    if at_once:
        results = await asyncio.gather(*(walk.run() for walk in walks))
    else:
        results = [await walk.run() for walk in walks]
    decisions = [d for batch in results for d in batch]
    end = max(d.done for d in decisions)
    return decisions, end - start


async def drive_bare(
    server: BenchServer, users: list[int], presses: int, *, wait: float, at_once: bool
) -> tuple[list[Decision], float]:
    """Each user presses ``presses`` times, each time on the message the last press got."""

    async def walk(user: int) -> list[Decision]:
        found: list[Decision] = []
        message_id = 0  # the first press comes from a message the bot cannot see
        for n in range(presses):
            mark = server.mark(user)
            sent = await server.press_data(user, user, message_id, f"b:{user}:{n}")
            reply = await server.arrival(user, anything, after=mark, timeout=wait)
            handed = server.handed_at.get(sent.update_id, sent.at)
            found.append(Decision("press", "press", sent.at, handed, reply.at))
            message_id = reply.message.message_id
        return found

    start = perf_counter()
    if at_once:
        results = await asyncio.gather(*(walk(user) for user in users))
    else:
        results = [await walk(user) for user in users]
    decisions = [d for batch in results for d in batch]
    return decisions, max(d.done for d in decisions) - start
