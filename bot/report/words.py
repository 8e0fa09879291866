"""The report's figures in words (Bahasa Indonesia, from bot/texts.py): the title, a step's
assessment and its "Catatan hasil penilaian", the compliance verdicts. The workbook and the
chat's summary both use these."""

from __future__ import annotations

from datetime import timedelta

from bot import texts
from bot.domain.holdings import Holding
from bot.domain.monitoring import Check, Report, StepFigures


def title(report: Report) -> str:
    """ "Laporan Monitoring Pelaksanaan SOP No. 3 Tahun 2022, Periode Juli–Desember 2026"."""
    return texts.REPORT_TITLE.format(
        sop_number=report.sop.number, period=texts.fmt_period(report.period)
    )


def minutes(value: timedelta | None) -> float | None:
    """Working time as a number of minutes (one decimal), for a cell or a chart."""
    return None if value is None else round(value.total_seconds() / 60, 1)


def duration(value: timedelta | None, *, working: bool = True) -> str:
    """Working time in words: "45 menit kerja", "2 jam 10 menit kerja" (without "kerja" after
    the words "waktu kerja")."""
    if value is None:
        return "-"
    return texts.fmt_duration(round(value.total_seconds() / 60), working=working)


def limits(step: StepFigures) -> str:
    """The standards a step's runs were measured against: "15 menit kerja / 30 menit kerja"."""
    return " / ".join(texts.fmt_limit(limit) for limit in step.limits)


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%".replace(".", ",")


def assessment(step: StepFigures) -> str:
    return texts.ASSESSMENTS[step.assessment.value]


def reasons(step: StepFigures) -> str:
    return ", ".join(
        texts.NOTE_REASON.format(text=text, count=count) for text, count in step.reasons
    )


def step_note(step: StepFigures, threshold: float) -> str:
    """The Tabel 7 note: runs, % within the standard, median / p90 / maximum against it,
    returns and their most common reasons, reminders, what was still open at the end."""
    if not step.runs:
        parts = [texts.NOTE_NONE]
    else:
        parts = [texts.NOTE_RUNS.format(runs=step.runs)]
        if step.within_pct is None:
            parts.append(texts.NOTE_NO_LIMIT)
        else:
            parts.append(
                texts.NOTE_WITHIN.format(
                    within=step.within,
                    pct=percent(step.within_pct),
                    limits=limits(step),
                    threshold=percent(threshold),
                )
            )
        parts.append(
            texts.NOTE_TIMES.format(
                median=duration(step.median, working=False),
                p90=duration(step.p90, working=False),
                longest=duration(step.longest, working=False),
            )
        )
    if step.returns:
        returned = texts.NOTE_RETURNS.format(count=step.returns)
        if step.reasons:
            returned += f" ({texts.NOTE_REASONS.format(reasons=reasons(step))})"
        parts.append(returned)
    if step.reminders:
        parts.append(texts.NOTE_REMINDERS.format(count=step.reminders))
    if step.open_at_end:
        parts.append(texts.NOTE_OPEN.format(count=step.open_at_end, late=step.late_at_end))
    if step.unrecorded:
        parts.append(texts.NOTE_UNRECORDED.format(count=step.unrecorded))
    return "; ".join(parts) + "."


def verdict(check: Check) -> str:
    return texts.VERDICTS[check.verdict.value]


def role(report: Report, key: str | None) -> str:
    """A role's title; an absence is from all the member's roles."""
    return texts.HOLDER_ALL_ROLES if key is None else report.sop.role_title(key)


def capacity(holding: Holding) -> str:
    return texts.CAPACITIES[holding.kind.value]


def status(value: str) -> str:
    return texts.STATUSES.get(value, value)


def ref(report: Report, step: StepFigures) -> str:
    """A step's number; with its SOP's item prefix when the report covers several SOPs
    ("BRT 2"), so two SOPs' steps are never taken for one."""
    return f"{report.sop_of(step.sop_key).item_prefix} {step.ref}" if report.several else step.ref
