"""Walking an item through the SOP as the members would, one helper per step."""

from __future__ import annotations

from bot import texts
from bot.domain.names import name_with_roles
from localbotapi import BotMessage, LocalBotApi
from localbotapi.html_markup import parse_html
from tests.harness import HUKUM, KASUBBAG, KOORDINATOR, OPERATOR, Harness, Person
from tests.images import png_bytes


def shown(html: str) -> str:
    """A catalog text as Telegram shows it (what `BotMessage.body` holds): tags gone."""
    return parse_html(html)[0]


def role_at(h: Harness, step_key: str) -> str:
    """The title of the role that acts at a step, as the bot's texts name it."""
    sop = h.config.sop
    return sop.role_title(sop.step(step_key).role)


def returned(h: Harness, code: str, version: int = 1) -> str:
    """The kasubbag's answer after returning a design with notes."""
    return texts.DONE_RETURN.format(code=code, version=version, role=role_at(h, "desain"))


def approved(h: Harness, code: str, version: int, next_step: str) -> str:
    """The reviewer's toast after approving a version that goes on to `next_step`."""
    return texts.DONE_APPROVE.format(code=code, version=version, role=role_at(h, next_step))


def already_decided(h: Harness, action: str, by: Person) -> str:
    """The refusal of a press on a step `by` decided (at the clock's present time)."""
    who = name_with_roles(by.name, [h.config.sop.role_title(by.roles[0])])
    at = texts.fmt_moment_short(h.clock.now(), h.config.timezone)
    return texts.ALREADY_DECIDED.format(action=texts.ACTION_LABELS[action], who=who, at=at)


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def open_item(
    h: Harness, title: str = "PKPU Nomor 2 Tahun 2026", who: Person = KOORDINATOR
) -> str:
    """Steps 0-1a: /baru, a title, a link and a PDF, then hand the material in.
    Returns the item's code."""
    await h.say(who, "/baru")
    prompt = await h.say(who, title)
    code = prompt.body.split("Item ")[1].split(" ")[0]
    await h.say(who, "Materi: https://jdih.kpu.go.id/pkpu-2-2026")
    before = h.mark()
    await h.server.send_document(who.user_id, PDF, "pkpu-2-2026.pdf", "application/pdf")
    receipt = await h.server.wait_for_message(who.user_id, after=before)
    await h.press(who, receipt, texts.BTN_MATERIAL_DONE)
    return code


async def give_direction(
    h: Harness,
    code: str,
    direction: str = "Buat infografis 1 halaman.",
    who: Person = KASUBBAG,
    chat: int | None = None,
) -> None:
    """Step 1c: the kasubbag writes the direction (asked privately, even when the card came
    to a group); the operators get the brief."""
    where = chat or who.user_id
    card = await h.server.wait_for(
        lambda m: (
            m.chat_id == where and code in m.body and texts.BTN_WRITE_DIRECTION in m.button_texts
        )
    )
    await h.press(who, card, texts.BTN_WRITE_DIRECTION, chat_id=chat)
    await h.say(who, direction)


async def brief_for(h: Harness, code: str, who: Person = OPERATOR) -> BotMessage:
    return await h.server.wait_for(
        lambda m: (
            m.chat_id == who.user_id and code in m.body and texts.BTN_UPLOAD_HERE in m.button_texts
        )
    )


async def upload_design(
    h: Harness,
    code: str,
    who: Person = OPERATOR,
    caption: str = "Caption postingan",
    pages: int = 1,
) -> BotMessage:
    """Step 2: the operator replies to the brief with the design and submits it.
    Returns the receipt of the last page."""
    brief = await brief_for(h, code, who)
    receipt: BotMessage | None = None
    for page in range(1, pages + 1):
        before = h.mark()
        await h.server.send_document(
            who.user_id,
            png_bytes(1080, 1350),
            f"desain-{page}.png",
            "image/png",
            reply_to=brief.message_id,
            caption=caption if page == 1 else None,
        )
        receipt = await h.server.wait_for_message(who.user_id, after=before)
    assert receipt is not None
    return receipt


async def submit_design(h: Harness, code: str, who: Person = OPERATOR, pages: int = 1) -> str:
    receipt = await upload_design(h, code, who, pages=pages)
    return await h.press(who, receipt, texts.BTN_SUBMIT_DESIGN)


async def review_card(
    h: Harness, code: str, version: int, who: Person, after: int = 0
) -> BotMessage:
    return await h.server.wait_for(
        lambda m: (
            m.chat_id == who.user_id
            and code in m.body
            and f"Versi desain: {version}" in m.body
            and (texts.BTN_APPROVE in m.button_texts or texts.BTN_APPROVE_SOURCES in m.button_texts)
        )
    )


async def approve_check(h: Harness, code: str, version: int, who: Person = KASUBBAG) -> str:
    card = await review_card(h, code, version, who)
    return await h.press(who, card, texts.BTN_APPROVE)


async def approve_legal(h: Harness, code: str, version: int, who: Person = HUKUM) -> str:
    """Step 4 with SOP 4b: one tap on the card, whose button confirms the sources were
    checked."""
    card = await review_card(h, code, version, who)
    return await h.press(who, card, texts.BTN_APPROVE_SOURCES)


async def return_design(h: Harness, code: str, version: int, who: Person, notes: str) -> str:
    card = await review_card(h, code, version, who)
    await h.press(who, card, texts.BTN_RETURN)
    answer = await h.say(who, notes)
    return answer.body


async def order_upload(h: Harness, code: str, who: Person = KASUBBAG) -> str:
    card = await h.server.wait_for(
        lambda m: (
            m.chat_id == who.user_id and code in m.body and texts.BTN_ORDER_UPLOAD in m.button_texts
        )
    )
    return await h.press(who, card, texts.BTN_ORDER_UPLOAD)


async def report_posted(
    h: Harness, code: str, who: Person = OPERATOR, links: str = "https://instagram.com/p/abc123"
) -> str:
    card = await h.server.wait_for(
        lambda m: (
            m.chat_id == who.user_id
            and code in m.body
            and texts.BTN_REPORT_POSTED in m.button_texts
        )
    )
    await h.press(who, card, texts.BTN_REPORT_POSTED)
    answer = await h.say(who, links)
    return answer.body


ADMIN_WITHOUT_ROLE = Person(777, "Admin TI", ())


def admin_without_role(server: LocalBotApi) -> dict[str, object]:
    """The [telegram] settings of an office whose only admin holds no SOP role (the
    ADMIN_WITHOUT_ROLE, who pressed Start)."""
    server.add_user(ADMIN_WITHOUT_ROLE.user_id, "Admin")
    server.mark_started(ADMIN_WITHOUT_ROLE.user_id)
    return {
        "api_base_url": server.base_url,
        "file_base_url": server.base_file_url,
        "admins": [ADMIN_WITHOUT_ROLE.user_id],
    }


async def publish(h: Harness, title: str, links: str) -> str:
    """An item through the whole SOP (version 1) to its reported `links`, its publication
    told to the koordinator; returns its code."""
    code = await open_item(h, title)
    await give_direction(h, code)
    await submit_design(h, code)
    await approve_check(h, code, 1)
    await approve_legal(h, code, 1)
    await order_upload(h, code)
    await report_posted(h, code, links=links)
    await h.server.wait_for(
        lambda m: m.chat_id == KOORDINATOR.user_id and code in m.body and "dipublikasikan" in m.body
    )
    await h.settle()
    return code
