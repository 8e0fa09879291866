"""The evaluation of the SOP's application (PermenPANRB No. 35 Tahun 2012): the guideline's
questions, each beside the figures of the period that help the assessor answer Ya or Tidak."""

from __future__ import annotations

from collections import Counter

from bot import texts
from bot.domain.monitoring import Assessment, Report
from bot.domain.sop import Sop, StepKind
from bot.report import words


def evaluation_rows(report: Report) -> list[tuple[str, str]]:
    """(question, figures) in the guideline's order."""
    figures = report.figures
    o = figures.overview
    reasons: Counter[str] = Counter()
    for step in figures.steps:
        for text, count in step.reasons:
            reasons[text] += count
    top = ", ".join(
        texts.NOTE_REASON.format(text=text, count=count) for text, count in reasons.most_common(3)
    )
    below = [words.ref(report, s) for s in figures.steps if s.assessment is Assessment.NOT_GOOD]
    later = [s for s in figures.steps if s.key in _later_reviews(report.sop_of(s.sop_key))]
    answers = (
        texts.EVAL_PERFORMANCE.format(
            within=o.within,
            measured=o.measured,
            pct=words.percent(o.within_pct),
            lead=words.duration(o.lead_time_median),
        ),
        texts.EVAL_UNDERSTOOD.format(
            returns=o.returns,
            items=o.items,
            top=texts.NOTE_REASONS.format(reasons=top) if top else texts.EVAL_NONE,
        ),
        texts.EVAL_CARRIED_OUT.format(
            threshold=words.percent(report.threshold),
            steps=", ".join(below) if below else texts.EVAL_NONE,
        ),
        texts.EVAL_ROLES.format(
            decisions=o.decisions,
            acting=o.acting_decisions,
            late=o.late_runs,
            reminders=o.reminders,
        ),
        texts.EVAL_PROBLEMS.format(
            items=o.items, published=o.published, cancelled=o.cancelled, open=o.open_at_end
        ),
        texts.EVAL_NEEDS.format(opened=o.opened, published=o.published),
        texts.EVAL_SYNERGY.format(
            returns=sum(s.returns for s in later),
            refs=", ".join(words.ref(report, s) for s in later) or texts.EVAL_NONE,
        ),
    )
    return list(zip(texts.EVALUATION_QUESTIONS, answers, strict=True))


def _later_reviews(sop: Sop) -> list[str]:
    """The SOP's review steps after the first (where a return shows the steps disagree)."""
    return [s.key for s in sop.steps if s.kind is StepKind.REVIEW][1:]
