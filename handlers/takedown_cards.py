"""Drawing a takedown (penurunan): its card at each step (the reason, the explanation, the
links to remove, a button per link at the removal step), and its part of /status."""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot import texts
from bot.delivery.rendering import RenderedCard
from bot.domain.sop import Sop, StepKind
from bot.service.views import CardData, TakedownLinkView, TakedownView
from handlers.actions import event_label
from handlers.cards import TEXT_LIMIT, _keyboard, fit, person
from handlers.keyboards import removal_keyboard


def render_takedown_card(
    data: CardData, takedown: TakedownView, sop: Sop, zone: ZoneInfo
) -> RenderedCard:
    step, item = data.step, data.item
    lines = [
        texts.CARD_HEADER.format(
            code=item.code,
            title=escape(item.title),
            ref=step.ref,
            step=escape(step.title),
            role=escape(sop.role_title(step.role)),
        )
    ]
    if step.limit is not None and item.step_key == step.key:
        lines.append(
            texts.CARD_DUE.format(
                limit=texts.fmt_limit(step.limit),
                due=texts.fmt_moment_short(item.step_due_at, zone),
            )
        )
    lines.append(_about(takedown, zone))
    if takedown.links:
        lines.append(texts.CARD_TAKEDOWN_LINKS.format(links=_link_lines(takedown.links, zone)))
    if takedown.decisions:
        lines.append(decisions_text(takedown, sop, zone))
    following = sop.next_step(step.key) or step
    hint = texts.CARD_HINT[step.kind.value].format(role=escape(sop.role_title(following.role)))
    lines.append(f"<i>{hint}</i>")
    text = fit("\n\n".join(lines), TEXT_LIMIT)
    current = item.step_key == step.key and item.version == data.version
    if step.kind is StepKind.REMOVAL:
        left = [(link.position, _label(link.url)) for link in takedown.links_left]
        keyboard = removal_keyboard(item.id, step.key, left) if current else None
    else:
        keyboard = _keyboard(data)
    return RenderedCard((), text, keyboard)


def _about(takedown: TakedownView, zone: ZoneInfo) -> str:
    return texts.CARD_TAKEDOWN.format(
        original=takedown.original_code,
        title=escape(takedown.original_title),
        reason=escape(takedown.reason_title),
        legal=texts.CARD_TAKEDOWN_LEGAL if takedown.legal else "",
        explanation=escape(takedown.explanation),
        who=escape(takedown.asked_by),
        at=texts.fmt_moment_short(takedown.asked_at, zone),
    )


def _link_lines(links: tuple[TakedownLinkView, ...], zone: ZoneInfo) -> str:
    lines = []
    for link in links:
        url = escape(link.url)
        at = texts.fmt_moment_short(link.removed_at, zone)
        if link.removed_at is None:
            lines.append(texts.TAKEDOWN_LINK_LINE_LEFT.format(url=url))
        elif link.how == "gone":
            lines.append(texts.TAKEDOWN_LINK_LINE_GONE.format(url=url, at=at))
        else:
            who = escape(link.removed_by or "bot")
            lines.append(texts.TAKEDOWN_LINK_LINE_DONE.format(url=url, who=who, at=at))
    return "\n".join(lines)


def _label(url: str) -> str:
    """A link as a button names it: its site and the end of its path."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.") or url
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return f"{host}/{tail}" if tail else host


def decisions_text(takedown: TakedownView, sop: Sop, zone: ZoneInfo) -> str:
    """Each step's decision and its time."""
    steps = []
    for event in takedown.decisions:
        step = sop.step(event.step_key) if event.step_key and sop.has_step(event.step_key) else None
        steps.append(
            texts.STATUS_TAKEDOWN_STEP.format(
                ref=step.ref if step else "-",
                step=escape(step.title) if step else "",
                action=event_label(event.action),
                who=escape(person(event.actor_name, event.role, sop)),
                at=texts.fmt_moment_short(event.at, zone),
                notes=f": {escape(event.notes)}" if event.notes else "",
            )
        )
    return texts.STATUS_TAKEDOWN_STEPS.format(steps="\n".join(steps))


def takedown_status(views: tuple[TakedownView, ...], sop: Sop, zone: ZoneInfo) -> str:
    """/status's part about takedowns: of a takedown item, the item it takes down; of a
    published item, each takedown asked for it. Empty when there is none."""
    blocks = []
    for view in views:
        header = texts.STATUS_TAKEN_DOWN_BY.format(
            takedown=view.code,
            status=texts.STATUS_LABELS.get(view.status, view.status),
            reason=escape(view.reason_title),
            explanation=escape(view.explanation),
        )
        links = texts.CARD_TAKEDOWN_LINKS.format(links=_link_lines(view.links, zone))
        parts = [header, _about(view, zone).split("\n")[0], links]
        if view.decisions:
            parts.append(decisions_text(view, sop, zone))
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks)
