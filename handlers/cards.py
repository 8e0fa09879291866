"""Rendering: an item's card, /tugas, /status and notices, as Telegram HTML from the catalog.
User-written text (titles, notes, material) is escaped; long text is cut to Telegram's limit."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape, unescape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.delivery.rendering import RenderedCard
from bot.domain import workflow
from bot.domain.names import name_with_roles
from bot.domain.sop import Sop, Step, StepKind
from bot.domain.workflow import Action, ItemStatus
from bot.service.decisions import Decided
from bot.service.payloads import Notice, NoticeKind
from bot.service.views import CardData, EventView, FileRef, ItemView, LinkState, PostLinkView
from handlers.actions import ACTION_VIEWS, Button, event_label, event_mark
from handlers.keyboards import Verb, step_keyboard

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_SNIPPET = 1200  # room left for material inside a card


def render_card(data: CardData, sop: Sop, zone: ZoneInfo) -> RenderedCard:
    if data.takedown is not None:
        from handlers.takedown_cards import render_takedown_card  # it draws with this module

        return render_takedown_card(data, data.takedown, data.item.sop, zone)
    step, item = data.step, data.item
    lines = [_header(item, step, sop)]
    if step.kind in (StepKind.REVIEW, StepKind.ORDER, StepKind.POST):
        lines.append(texts.CARD_VERSION.format(version=data.version))
    if step.limit is not None and item.step_key == step.key:
        lines.append(
            texts.CARD_DUE.format(
                limit=texts.fmt_limit(step.limit),
                due=texts.fmt_moment_short(item.step_due_at, zone),
            )
        )
    if data.return_event is not None:
        event = data.return_event
        # a Return's correction notes, or the reason a published item is corrected (ralat)
        notes = texts.CARD_CORRECTION_NOTES if event.action == Action.CORRECT else None
        lines.append(
            (notes or texts.CARD_RETURN_NOTES).format(
                who=escape(_acted_as(event, sop)),
                notes=escape(event.notes or ""),
            )
        )
    files = _card_files(data)
    lines.extend(_body(data, step, sop))
    if files:
        lines.append(texts.CARD_FILES_ABOVE.format(count=len(files)))
    lines.append(f"<i>{_hint(step, sop)}</i>")
    text = fit("\n\n".join(lines), TEXT_LIMIT)
    captions = tuple(
        (file, f"{item.code} · {index}/{len(files)}") for index, file in enumerate(files, 1)
    )
    kit_caption = data.caption if step.kind is StepKind.POST and data.caption else None
    return RenderedCard(captions, text, _keyboard(data), caption=kit_caption)


def _header(item: ItemView, step: Step, sop: Sop) -> str:
    return texts.CARD_HEADER.format(
        code=item.code,
        title=escape(item.title),
        ref=step.ref,
        step=escape(step.title),
        role=escape(sop.role_title(step.role)),
    )


def _hint(step: Step, sop: Sop) -> str:
    """What to do at the step; it names the role the item goes to next."""
    if step.confirm_sources:
        return texts.CARD_HINT_SOURCES
    following = sop.next_step(step.key) or step
    return texts.CARD_HINT[step.kind.value].format(role=escape(sop.role_title(following.role)))


def _direction_role(sop: Sop) -> str:
    """Who writes the direction: the role at the SOP's direct step."""
    direct = next((s for s in sop.steps if s.kind is StepKind.DIRECT), None)
    return sop.role_title(direct.role) if direct else ""


def _body(data: CardData, step: Step, sop: Sop) -> list[str]:
    lines: list[str] = []
    show_material = step.kind in (StepKind.DIRECT, StepKind.DESIGN) or step.confirm_sources
    if show_material:
        material = material_text(data)
        # where the approval confirms the sources, the material is named as what to check
        template = texts.CARD_SOURCES if step.confirm_sources else texts.CARD_MATERIAL
        if material:
            lines.append(template.format(material=fit(material, _SNIPPET)))
    if step.kind in (StepKind.DESIGN, StepKind.POST) and data.item.direction:
        lines.append(
            texts.CARD_DIRECTION.format(
                role=escape(_direction_role(sop)),
                direction=fit(escape(data.item.direction), _SNIPPET),
            )
        )
    if not data.caption:
        if step.kind in (StepKind.REVIEW, StepKind.ORDER, StepKind.POST):
            lines.append(texts.CARD_NO_CAPTION)
    elif step.kind is StepKind.POST:
        lines.append(texts.CARD_CAPTION_ABOVE)  # the posting kit sends it alone
    elif step.kind in (StepKind.REVIEW, StepKind.ORDER):
        lines.append(texts.CARD_CAPTION.format(caption=fit(escape(data.caption), _SNIPPET)))
    if step.kind is StepKind.POST and data.channel is not None:
        lines.append(_channel_line(data))
    return lines


def _channel_line(data: CardData) -> str:
    """The bot's own posts to the office's channel (issue 19): their links, or that they are
    under way (added to the item when recorded), or that they were refused."""
    channel = data.channel
    assert channel is not None
    button = texts.BTN_CHANNEL_ONLY
    if channel.links:
        links = escape("\n".join(channel.links))
        return texts.CARD_CHANNEL_LINKS.format(links=links, button=button)
    if channel.failed and not channel.pending:
        return texts.CARD_CHANNEL_FAILED
    return texts.CARD_CHANNEL_PENDING.format(button=button)


def material_text(data: CardData) -> str:
    parts = [escape(m.text) for m in data.materials if m.text]
    parts += [
        f"📎 {escape(texts.file_label(m.file.file_name, m.kind))}" for m in data.materials if m.file
    ]
    return "\n".join(parts)


def _card_files(data: CardData) -> list[FileRef]:
    material_files = [m.file for m in data.materials if m.file is not None]
    kind = data.step.kind
    if kind in (StepKind.DIRECT, StepKind.DESIGN):
        return material_files
    if kind is StepKind.REVIEW and data.step.confirm_sources:
        return [*data.design, *material_files]
    return list(data.design)


def _keyboard(data: CardData) -> InlineKeyboardMarkup | None:
    item, step, version = data.item, data.step, data.version
    if item.step_key != step.key or item.version != version:
        return None  # rendered late, after the step moved on: information only
    moves = workflow.moves_at(step.kind)
    # in the table's order, so Approve comes before Return
    buttons = [
        _card_button(action, view.card_button, step)
        for action, view in ACTION_VIEWS.items()
        if action in moves and view.card_button is not None
    ]
    channel = data.channel
    if step.kind is StepKind.POST and channel and (channel.links or channel.pending):
        buttons.append((Verb.CHANNEL_ONLY, texts.BTN_CHANNEL_ONLY))
    return step_keyboard(buttons, item.id, step.key, version)


def _card_button(action: Action, button: Button, step: Step) -> tuple[Verb, str]:
    """Where the SOP wants the sources confirmed, the approval's one tap says it confirms
    them and carries that confirmation."""
    if action is Action.APPROVE and step.confirm_sources:
        return Verb.APPROVE_SOURCES, texts.BTN_APPROVE_SOURCES
    return button.verb, button.label


def done_text(sop: Sop, outcome: Decided) -> str:
    """The toast that tells the presser what their decision did."""
    transition = outcome.transition
    item = outcome.item
    if item.takedown and transition.action is Action.APPROVE and item.step is not None:
        role = sop.role_title(item.step.role)  # the titles are the office's, in every SOP
        return texts.TAKEDOWN_APPROVED_DONE.format(code=item.code, role=role)
    return done_words(sop, transition.action, item.code, transition.version, transition.to_step)


def done_words(sop: Sop, action: str, code: str, version: int, to_step: str | None) -> str:
    """What a decision did (plain text): `to_step` receives the item, None when it closed."""
    role = sop.role_title(sop.step(to_step).role) if to_step and sop.has_step(to_step) else ""
    template = ACTION_VIEWS[Action(action)].done_text(to_step is not None)
    return template.format(code=code, version=version, role=role)


def decision_line(action: str, name: str, at: datetime, zone: ZoneInfo) -> str:
    return texts.DECISION_LINE.format(
        mark=event_mark(action),
        action=event_label(action),
        name=escape(name),
        at=texts.fmt_moment(at, zone),
    )


NOTICE_TEXTS: dict[NoticeKind, str] = {
    NoticeKind.RETURNED: texts.NOTICE_RETURNED,
    NoticeKind.PUBLISHED: texts.NOTICE_PUBLISHED,
    NoticeKind.CANCELLED: texts.NOTICE_CANCELLED,
    NoticeKind.UNCOVERED: texts.NOTICE_UNCOVERED,
    NoticeKind.BACKUP_FAILED: texts.NOTICE_BACKUP_FAILED,
    NoticeKind.STALE_HOLIDAYS: texts.NOTICE_STALE_HOLIDAYS,
    NoticeKind.DATABASE_AWAY: texts.NOTICE_DATABASE_AWAY,
    NoticeKind.CORRECTED: texts.NOTICE_CORRECTED,
    NoticeKind.TAKEN_DOWN: texts.NOTICE_TAKEN_DOWN,
    NoticeKind.TAKEDOWN_REFUSED: texts.NOTICE_TAKEDOWN_REFUSED,
    NoticeKind.SOP_RETIRED: texts.NOTICE_SOP_RETIRED,
}


def person(name: str, role: str | None, sop: Sop) -> str:
    """A person with the titles of the role(s) they acted in (an event may record several
    keys, comma-joined), each said once."""
    keys = [key for key in (role or "").split(",") if key]
    return name_with_roles(name, [sop.role_title(key) for key in keys])


def render_notice(notice: Notice) -> str:
    params = notice.params()
    if notice.role is not None:
        params["who"] = name_with_roles(notice.name, [notice.role])
    safe = {key: escape(str(value)) for key, value in params.items()}
    return fit(NOTICE_TEXTS[notice.template].format(**safe), TEXT_LIMIT)


def sop_named(sop: Sop) -> str:
    """An SOP as people know it: its name and number ("... Media Sosial JDIH (SOP No. 3 ...)")."""
    return texts.SOP_NAMED.format(name=sop.name, number=sop.number)


def render_tasks(
    waiting: list[ItemView], drafts: list[ItemView], zone: ZoneInfo, *, several: bool = False
) -> str:
    """`several`: the office runs more than one SOP, and each line says which it follows."""
    if not waiting and not drafts:
        return texts.TASKS_NONE
    lines = [texts.TASKS_HEADER.format(count=len(waiting) + len(drafts))]
    for item in waiting:
        assert item.step is not None
        due = (
            texts.TASKS_DUE.format(due=texts.fmt_moment_short(item.step_due_at, zone))
            if item.step_due_at
            else ""
        )
        lines.append(
            texts.TASKS_LINE.format(
                code=item.code,
                title=escape(item.title),
                ref=item.step.ref,
                step=escape(item.step.title),
                due=due,
            )
        )
        if several:
            lines.append(texts.TASKS_SOP.format(sop=escape(sop_named(item.sop))))
    for item in drafts:
        lines.append(texts.TASKS_DRAFT_LINE.format(code=item.code, title=escape(item.title)))
        if several:
            lines.append(texts.TASKS_SOP.format(sop=escape(sop_named(item.sop))))
    if waiting:
        lines.append(f"\n<i>{texts.TASKS_CARDS}</i>")
    return fit("\n".join(lines), TEXT_LIMIT)


def render_status(
    item: ItemView, events: list[EventView], sop: Sop, zone: ZoneInfo, who: str
) -> str:
    position = ""
    if item.step is not None and item.status == ItemStatus.ACTIVE:
        due = (
            "\n"
            + texts.CARD_DUE.format(
                limit=texts.fmt_limit(item.step.limit),
                due=texts.fmt_moment_short(item.step_due_at, zone),
            )
            if item.step.limit
            else ""
        )
        template = texts.STATUS_POSITION_TAKEDOWN if item.takedown else texts.STATUS_POSITION
        position = template.format(
            ref=item.step.ref,
            step=escape(item.step.title),
            who=escape(who),
            version=item.version,
            due=due,
        )
    history = "\n".join(_history_line(event, sop, zone) for event in events)
    text = texts.STATUS_TEXT.format(
        code=item.code,
        title=escape(item.title),
        status=texts.STATUS_LABELS.get(item.status, item.status),
        position="\n" + "\n".join(filter(None, [_sop_line(item), position])),
        history=history,
    )
    links = _links_text(item, zone)
    if links:
        text += "\n\n" + links
    return fit(text, TEXT_LIMIT)


def _links_text(item: ItemView, zone: ZoneInfo) -> str:
    """The post links: the current ones; once a correction replaced a version's, every
    version's, the earlier ones marked replaced (when, by which version)."""
    versions = list(dict.fromkeys(link.version for link in item.link_history))
    if len(versions) < 2:
        links = escape("\n".join(item.post_links))
        # a post taken down: its links are named as removed
        taken_down = item.status == ItemStatus.TAKEN_DOWN
        template = texts.CARD_LINKS_TAKEN_DOWN if taken_down else texts.CARD_LINKS
        return template.format(links=links) if item.post_links else ""
    blocks = []
    for version in versions:
        lines = [_link_line(link, zone) for link in item.link_history if link.version == version]
        blocks.append(texts.STATUS_LINKS_OF_VERSION.format(version=version, links="\n".join(lines)))
    return "\n\n".join(blocks)


def _link_line(link: PostLinkView, zone: ZoneInfo) -> str:
    url = escape(link.url)
    if link.state == LinkState.REPLACED:
        at = texts.fmt_moment_short(link.replaced_at, zone)
        by = link.replaced_by_version or "-"
        return texts.STATUS_LINK_REPLACED.format(url=url, at=at, by=by)
    if link.state == LinkState.TAKEN_DOWN:
        return texts.STATUS_LINK_TAKEN_DOWN.format(url=url)
    return url


def _sop_line(item: ItemView) -> str:
    return texts.STATUS_SOP.format(sop=escape(sop_named(item.sop)))


def _acted_as(event: EventView, sop: Sop) -> str:
    """Who decided, and as what: an acting official's capacity and basis (issue 14)."""
    if event.capacity:
        basis = texts.CAPACITY_BASIS.format(capacity=event.capacity, basis=event.basis or "-")
        return f"{event.actor_name} ({basis})"
    return person(event.actor_name, event.role, sop)


def _history_line(event: EventView, sop: Sop, zone: ZoneInfo) -> str:
    step = sop.step(event.step_key).ref if event.step_key and sop.has_step(event.step_key) else "-"
    return texts.STATUS_HISTORY_LINE.format(
        at=texts.fmt_moment_short(event.at, zone),
        action=event_label(event.action),
        who=escape(_acted_as(event, sop)),
        step=step,
        version=event.version,
        notes=f": {escape(_short(event.notes, 300))}" if event.notes else "",
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# What Telegram's HTML parser treats as one unit: a tag (counts nothing) or an entity such
# as &lt; (counts one character). Our own markup never holds a bare "<".
_MARKUP = re.compile(r"<[^>]*>|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")


def rendered_length(html: str) -> int:
    """The length Telegram checks against its limits: the text after the HTML is parsed
    (https://core.telegram.org/bots/api#sendmessage, "after entities parsing")."""
    length, at = 0, 0
    for match in _MARKUP.finditer(html):
        length += match.start() - at + (1 if match[0].startswith("&") else 0)
        at = match.end()
    return length + len(html) - at


def plain(html: str) -> str:
    """The text a reader sees of our HTML, for places without markup (a press's toast)."""
    return unescape(re.sub(r"<[^>]*>", "", html))


def fit(text: str, limit: int, tail: str = "") -> str:
    """Cut HTML text so that, with `tail` (e.g. a decision line) kept whole after it, it fits
    Telegram's limit as Telegram counts it; never cuts a tag or an entity in half."""
    room = limit - rendered_length(tail)
    if rendered_length(text) <= room:
        return text + tail
    budget = room - 1  # the "…" that says something was cut
    kept: list[str] = []
    open_tags: list[str] = []
    used, at = 0, 0
    for match in [*_MARKUP.finditer(text), None]:
        run = text[at : match.start() if match else len(text)]
        if used + len(run) >= budget:
            kept.append(run[: budget - used])
            break
        kept.append(run)
        used += len(run)
        if match is None:
            break
        token, at = match[0], match.end()
        if token.startswith("&"):
            used += 1
        elif token.startswith("</"):
            if open_tags:
                open_tags.pop()
        elif not token.endswith("/>"):
            open_tags.append(token[1:-1].split()[0])
        kept.append(token)
    closers = "".join(f"</{name}>" for name in reversed(open_tags))
    return "".join(kept) + "…" + closers + tail
