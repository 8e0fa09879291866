"""The report's picture for the chat: one PNG per period, drawn with Pillow, to be read on a
phone. A step is a block of its own, stacked top to bottom (a phone is narrow): its number and
title; a bar of the share of its runs within the time standard, green at or above the
threshold, red below it, with the threshold marked; then the median working time as a bar
beside the standard's bar, on the step's own scale (the standards range from 10 minutes to a
working day, so one scale for all would hide the short ones).

Fonts: DejaVu Sans, shipped with the bot (bot/media/fonts, free licence: a slim server may
have no fonts at all, and Pillow's built-in font has ASCII glyphs only)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

from bot import texts
from bot.domain.monitoring import Report, StepFigures
from bot.report import words

WIDTH = 1080  # px: a phone shows it across its width, so every size below is readable there
MARGIN = 48
VALUE_WIDTH = 250  # the column right of a bar, for its figure
_INK = (33, 33, 33)
_MUTED = (110, 110, 110)
_TRACK = (232, 232, 232)
_GOOD = (46, 125, 50)
_BAD = (198, 40, 40)
_NONE = (170, 170, 170)
_MEDIAN = (21, 101, 192)
_STANDARD = (150, 150, 150)
_BACKGROUND = (255, 255, 255)
Colour = tuple[int, int, int]


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    with resources.as_file(resources.files("bot.media") / "fonts" / name) as path:
        return ImageFont.truetype(str(path), size)


@dataclass(frozen=True, slots=True)
class _Sizes:
    title: int = 44
    text: int = 34
    small: int = 29


S = _Sizes()
STEP_HEIGHT = 250  # a step's block
HEAD_HEIGHT = 222
FOOT_HEIGHT = 300


def chart_png(report: Report) -> bytes:
    """The period's chart as PNG bytes (CPU work: call it off the event loop)."""
    steps = report.figures.steps
    body = STEP_HEIGHT * len(steps) if not report.empty else 140
    image = Image.new("RGB", (WIDTH, HEAD_HEIGHT + body + FOOT_HEIGHT), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    y = _head(draw, report)
    if report.empty:
        _text(draw, (MARGIN, y + 30), texts.CHART_EMPTY, S.text, bold=True)
        y += body
    else:
        for step in steps:
            _step(draw, report, step, y)
            y += STEP_HEIGHT
    _foot(draw, report, y)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _head(draw: ImageDraw.ImageDraw, report: Report) -> int:
    y = MARGIN - 8
    title = texts.CHART_TITLE.format(sop_number=report.sop.number)
    _text(draw, (MARGIN, y), title, S.title, bold=True)
    y += 62
    _text(
        draw,
        (MARGIN, y),
        texts.CHART_PERIOD.format(period=texts.fmt_period(report.period)),
        S.text,
        True,
    )
    y += 50
    if report.office:
        office = texts.CHART_SUBTITLE.format(office=report.office)
        _text(draw, (MARGIN, y), office, S.small, fill=_MUTED)
    y += 50
    draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=_TRACK, width=3)
    return HEAD_HEIGHT


def _step(draw: ImageDraw.ImageDraw, report: Report, step: StepFigures, top: int) -> None:
    _text(
        draw,
        (MARGIN, top),
        f"{words.ref(report, step)}  {step.title}",
        S.text,
        bold=True,
        smallest=27,
    )
    y = top + 54
    if not step.runs:
        _text(draw, (MARGIN, y + 6), texts.CHART_NO_RUNS, S.small, fill=_MUTED)
        return
    track = WIDTH - 2 * MARGIN - VALUE_WIDTH
    if step.within_pct is not None:
        good = step.within_pct >= report.threshold
        colour = _GOOD if good else _BAD
        _bar(draw, MARGIN, y, track, 46, step.within_pct / 100, colour)
        mark = MARGIN + round(track * report.threshold / 100)
        draw.line((mark, y - 8, mark, y + 54), fill=_INK, width=4)
        value = texts.CHART_WITHIN.format(
            pct=words.percent(step.within_pct), within=step.within, measured=step.runs
        )
        _text(draw, (MARGIN + track + 18, y + 4), value, S.text - 2, True, colour, VALUE_WIDTH)
        y += 64
    # the median in blue beside the standard in grey: a line of words, then the two bars
    median = texts.CHART_MEDIAN.format(value=words.duration(step.median))
    _text(draw, (MARGIN, y), median, S.small, bold=True, fill=_MEDIAN)
    after = MARGIN + draw.textlength(median + "  ·  ", font=_font(S.small, True))
    if step.standard is None:
        standard_words = texts.CHART_NO_STANDARD
    else:
        limit = " / ".join(texts.fmt_limit(x) for x in step.limits) or words.duration(step.standard)
        standard_words = texts.CHART_STANDARD.format(value=limit)
    _text(
        draw, (round(after), y), standard_words, S.small, fill=_MUTED, room=WIDTH - MARGIN - after
    )
    y += 44
    full = WIDTH - 2 * MARGIN
    seconds, allowed = _seconds(step.median), _seconds(step.standard)
    scale = max(seconds, allowed, 1.0)
    _bar(draw, MARGIN, y, full, 22, seconds / scale, _MEDIAN)
    if step.standard is not None:
        _bar(draw, MARGIN, y + 30, full, 22, allowed / scale, _STANDARD)


def _bar(
    draw: ImageDraw.ImageDraw, x: int, y: int, track: int, height: int, share: float, fill: Colour
) -> None:
    draw.rectangle((x, y, x + track, y + height), fill=_TRACK)
    length = round(track * min(max(share, 0.0), 1.0))
    if length > 0:
        draw.rectangle((x, y, x + length, y + height), fill=fill)


def _foot(draw: ImageDraw.ImageDraw, report: Report, top: int) -> None:
    y = top + 20
    draw.line((MARGIN, top, WIDTH - MARGIN, top), fill=_TRACK, width=3)
    threshold = words.percent(report.threshold)
    size = S.small - 4
    for colour, text in (
        (_GOOD, texts.CHART_LEGEND_GOOD.format(threshold=threshold)),
        (_BAD, texts.CHART_LEGEND_BAD.format(threshold=threshold)),
        (_MEDIAN, texts.CHART_LEGEND_MEDIAN),
        (_STANDARD, texts.CHART_LEGEND_STANDARD),
    ):
        draw.rectangle((MARGIN, y + 4, MARGIN + 26, y + 30), fill=colour)
        _text(draw, (MARGIN + 40, y), text, size)
        y += 40
    draw.line((MARGIN + 13, y, MARGIN + 13, y + 32), fill=_INK, width=4)
    _text(draw, (MARGIN + 40, y), texts.CHART_LEGEND_LINE.format(threshold=threshold), size)
    y += 48
    made = texts.CHART_MADE.format(at=texts.fmt_moment_short(report.made_at, report.zone))
    _text(draw, (MARGIN, y), made, S.small - 6, fill=_MUTED)


def _text(
    draw: ImageDraw.ImageDraw,
    at: tuple[int, int],
    text: str,
    size: int,
    bold: bool = False,
    fill: Colour = _INK,
    room: float | None = None,
    smallest: int | None = None,
) -> None:
    """Text that fits its room: a smaller size down to `smallest`, then shortened with "…"
    (a long step title)."""
    room = room if room is not None else WIDTH - MARGIN - at[0]
    while (
        smallest is not None
        and size > smallest
        and draw.textlength(text, font=_font(size, bold)) > room
    ):
        size -= 1
    font = _font(size, bold)
    if draw.textlength(text, font=font) > room:
        while text and draw.textlength(text + "…", font=font) > room:
            text = text[:-1]
        text = text.rstrip() + "…"
    draw.text(at, text, font=font, fill=fill)


def _seconds(value: timedelta | None) -> float:
    return value.total_seconds() if value is not None else 0.0
