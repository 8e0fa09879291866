"""/laporan: the SOP monitoring report of a period in chat (issue 15), for the SOP's overseer
and cancellers (the sekretaris, the kasubbag) and the admins.

"/laporan 2026-11" (a semester, month, quarter, year or two dates) asks for it at once;
"/laporan" alone offers the common periods as buttons ("lp:<period>", e.g. "lp:2026-S2").
Asking writes the report to the outbox (`Reports.request`): the outbox sender makes it and
sends the chart with its summary, the workbook and the CSV to the reader's private chat, so
the answer here is immediate and a large period keeps no one waiting."""

from __future__ import annotations

import re
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import texts
from bot.domain.periods import Period, PeriodNotUnderstood
from bot.service.reports import NotAReportReader
from handlers.common import reply
from handlers.context import BotContext
from handlers.press import PressAnswer

PREFIX = "lp:"
# a named period, as Period.spec writes it ("2026-S2", "2026-Q4", "2026-11", "2026")
_SPEC = re.compile(r"^\d{4}(?:-S[12]|-Q[1-4]|-\d{2})?\Z")


async def report_command(update: Update, context: BotContext) -> None:
    """/laporan [periode]: the report of a period; without one, buttons offer the usual ones."""
    assert update.effective_user is not None
    user_id = update.effective_user.id
    reports = context.services.reports
    try:
        reports.may_read(user_id)
    except NotAReportReader as exc:
        await reply(update, escape(refusal(context, exc)))
        return
    text = " ".join(context.args or []).strip()
    if not text:
        common = reports.common_periods()
        example = escape(common[0][1].spec)
        await reply(update, texts.REPORT_PICK.format(example=example), period_keyboard(common))
        return
    try:
        period = reports.period(text)
    except PeriodNotUnderstood as exc:
        unknown = texts.REPORT_PERIOD_UNKNOWN.format(
            text=exc.text, examples=", ".join(exc.examples)
        )
        await reply(update, escape(unknown))
        return
    await reports.request(user_id, period)
    await reply(update, texts.REPORT_COMING.format(period=escape(texts.fmt_period(period))))


async def on_button(update: Update, context: BotContext) -> None:
    """A period's button under /laporan: that period's report is on its way."""
    query = update.callback_query
    assert query is not None
    async with PressAnswer(query, context.bot) as answer:
        period = _period(context, (query.data or "").removeprefix(PREFIX))
        if period is None:
            await answer.send(texts.BAD_BUTTON, alert=True)
            return
        try:
            await context.services.reports.request(query.from_user.id, period)
        except NotAReportReader as exc:
            await answer.send(refusal(context, exc), alert=True)
            return
        await answer.send(texts.REPORT_COMING_TOAST.format(period=texts.fmt_period(period)))


def period_keyboard(common: list[tuple[str, Period]]) -> InlineKeyboardMarkup:
    """One button a row: a phone shows the whole label."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.REPORT_PERIOD_BUTTONS[key].format(label=texts.fmt_period(period)),
                    callback_data=PREFIX + period.spec,
                )
            ]
            for key, period in common
        ]
    )


def refusal(context: BotContext, exc: NotAReportReader) -> str:
    roles = context.services.config.sops.role_titles(exc.roles)
    return texts.REPORT_NOT_ALLOWED.format(roles=roles)


def _period(context: BotContext, spec: str) -> Period | None:
    """The period a button names; None for data no button of ours carries (forged)."""
    if not _SPEC.match(spec):
        return None
    try:
        return context.services.reports.period(spec)
    except PeriodNotUnderstood:
        return None
