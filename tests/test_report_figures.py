"""The monitoring figures from an item's record alone (no database): visits measured in office
working time across weekends and holidays, what counts as a run, the assessment against the
threshold, the return reasons, the compliance checks, and who held each role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import count

from bot.domain.figures import Monitoring
from bot.domain.holdings import (
    AbsenceFact,
    HoldingKind,
    MemberFact,
    RosterEntry,
    held_on,
    holdings,
)
from bot.domain.limits import Limit
from bot.domain.monitoring import Assessment, Verdict, percentile, reason_key
from bot.domain.periods import parse_report_period
from bot.domain.roster import Acting, ActingKind
from bot.domain.sop import load_default_sop
from bot.domain.visits import EventFact, ItemFacts, VisitFact, visits_of
from bot.domain.worktime import WorkCalendar
from tests.office import OFFICE

SOP = load_default_sop()
CALENDAR = WorkCalendar(timezone=OFFICE.key)
KASUBBAG, OPERATOR, HUKUM, KOORDINATOR = 102, 103, 105, 101
NAMES = {KASUBBAG: "Budi", OPERATOR: "Sari", HUKUM: "Ibu Hukum", KOORDINATOR: "Rina"}
ROLES = {KASUBBAG: "kasubbag", OPERATOR: "operator", HUKUM: "divisi_hukum"}
_ids = count(1)


def at(*when: int) -> datetime:
    return datetime(*when, tzinfo=OFFICE)


def event(
    when: datetime,
    action: str,
    who: int,
    step: str | None,
    version: int = 0,
    **extra: object,
) -> EventFact:
    role = str(extra.pop("role", ROLES.get(who, "koordinator")))
    return EventFact(
        next(_ids), 1, "JDIH-2026-0001", when, action, who, NAMES[who], role, step, version,
        **extra,  # type: ignore[arg-type]
    )  # fmt: skip


def item(events: Sequence[EventFact], **extra: object) -> ItemFacts:
    last = events[-1]
    closed = last.action in ("report_posted", "cancel")
    values: dict[str, object] = {
        "id": 1,
        "code": "JDIH-2026-0001",
        "title": "PKPU",
        "source": "jdih.kpu.go.id",
        "created_at": events[0].at,
        "created_by": "Rina",
        "status": ("published" if last.action == "report_posted" else "cancelled")
        if closed
        else "active",
        "closed_at": last.at if closed else None,
        "step_key": None,
        "events": tuple(events),
    }
    values.update(extra)
    return ItemFacts(**values)  # type: ignore[arg-type]


def opened(when: datetime) -> list[EventFact]:
    return [
        event(when, "created", KOORDINATOR, None),
        event(when, "submit_material", KOORDINATOR, None),
    ]


def monitor(*items: ItemFacts, period: str = "2026-S2", **options: object) -> Monitoring:
    start, end = parse_report_period(period, date(2026, 11, 23)).bounds(OFFICE)
    monitoring = Monitoring(SOP, CALENDAR, start, end, **options)  # type: ignore[arg-type]
    for one in items:
        monitoring.add(one)
    return monitoring


def test_a_visit_over_christmas_and_the_weekend_counts_only_working_time() -> None:
    # Wednesday 23 December 15:00 + 1 working day: Thursday is cuti bersama, Friday Christmas,
    # then the weekend: due Monday 28 at 15:00
    events = [
        *opened(at(2026, 12, 23, 15, 0)),
        event(at(2026, 12, 28, 14, 0), "direct", KASUBBAG, "materi"),
    ]
    (visit,) = visits_of(item(events), SOP, CALENDAR)
    assert not visit.recorded  # rebuilt from the history: the current SOP's limit
    assert visit.due_at == at(2026, 12, 28, 15, 0)
    # Wednesday 15:00-16:00, Monday 07:30-12:00 and 13:00-14:00 (the lunch break left out)
    assert visit.working == timedelta(minutes=60 + 270 + 60)
    assert visit.allowed == timedelta(minutes=60 + 270 + 120)
    assert visit.within and visit.run


def test_a_recorded_visit_keeps_the_limit_it_began_with() -> None:
    events = [
        *opened(at(2026, 11, 23, 9, 0)),
        event(at(2026, 11, 23, 9, 30), "direct", KASUBBAG, "materi"),
    ]
    recorded = VisitFact(
        "materi", at(2026, 11, 23, 9, 0), at(2026, 11, 23, 9, 30), Limit.parse("15 menit"),
        at(2026, 11, 23, 9, 15), events[-1].id, "abc",
    )  # fmt: skip
    (visit,) = visits_of(item(events, visits=(recorded,)), SOP, CALENDAR)
    assert visit.recorded and visit.limit == Limit.parse("15m")
    assert visit.late == timedelta(minutes=15)


def test_late_over_a_weekend_is_counted_in_working_minutes() -> None:
    # the design step starts Friday 16:25 (30 minutes: due Monday 07:55), handed in Monday 08:00
    events = [
        *opened(at(2026, 11, 27, 7, 30)),
        event(at(2026, 11, 27, 16, 25), "direct", KASUBBAG, "materi"),
        event(at(2026, 11, 30, 8, 0), "submit_design", OPERATOR, "desain", 1),
    ]
    design = visits_of(item(events), SOP, CALENDAR)[1]
    assert design.due_at == at(2026, 11, 30, 7, 55)
    assert (design.working, design.late) == (timedelta(minutes=35), timedelta(minutes=5))


def _walk(start: datetime, design_minutes: int) -> list[EventFact]:
    """Material to posting, every step 5 minutes except the design."""
    t = start
    events = opened(t)
    for minutes, action, who, step, version in (
        (5, "direct", KASUBBAG, "materi", 0),
        (design_minutes, "submit_design", OPERATOR, "desain", 1),
        (5, "approve", KASUBBAG, "periksa", 1),
        (5, "approve", HUKUM, "setuju", 1),
        (5, "order_upload", KASUBBAG, "unggah", 1),
        (5, "report_posted", OPERATOR, "posting", 1),
    ):
        t += timedelta(minutes=minutes)
        events.append(event(t, action, who, step, version))
    return events


def test_the_threshold_decides_the_proposed_assessment() -> None:
    # 4 of 5 designs within 30 minutes: 80%
    items = [item(_walk(at(2026, 11, 23, 8, 0) + timedelta(days=d), m)) for d, m in
             enumerate((10, 20, 25, 30, 31))]  # fmt: skip
    design = monitor(*items).figures().steps[1]
    assert (design.runs, design.within, design.within_pct) == (5, 4, 80.0)
    assert design.assessment is Assessment.GOOD
    assert monitor(*items, threshold=81.0).figures().steps[1].assessment is Assessment.NOT_GOOD
    assert (design.median, design.p90, design.longest) == (
        timedelta(minutes=25), timedelta(minutes=31), timedelta(minutes=31)
    )  # fmt: skip
    posting = monitor(*items).figures().steps[5]  # 5 of step 5's 10 minutes each time
    assert (posting.assessment, posting.within_pct) == (Assessment.GOOD, 100.0)
    untimed = replace(SOP, steps=(*SOP.steps[:5], replace(SOP.steps[5], limit=None)))
    start, end = parse_report_period("2026-S2", date(2026, 11, 23)).bounds(OFFICE)
    without_standard = Monitoring(untimed, CALENDAR, start, end)
    for one in items:
        without_standard.add(one)
    posting = without_standard.figures().steps[5]
    assert posting.assessment is Assessment.NO_STANDARD and posting.within_pct is None


def test_a_run_ends_in_the_period_it_counts_in() -> None:
    november = item(_walk(at(2026, 11, 30, 15, 0), 10))  # steps end on 30 November
    assert monitor(november, period="2026-11").figures().steps[1].runs == 1
    figures = monitor(november, period="2026-12").figures()
    assert [step.runs for step in figures.steps] == [0] * 6
    assert figures.steps[0].assessment is Assessment.NO_RUNS


def test_a_cancellation_or_a_newer_version_ends_a_visit_without_a_run() -> None:
    t = at(2026, 11, 23, 8, 0)
    events = [
        *opened(t),
        event(t + timedelta(minutes=5), "direct", KASUBBAG, "materi"),
        event(t + timedelta(minutes=10), "submit_design", OPERATOR, "desain", 1),
        # a second version while the first waited for its check: periksa was not carried out
        event(t + timedelta(minutes=20), "submit_design", OPERATOR, "periksa", 2),
        event(t + timedelta(minutes=60), "cancel", KASUBBAG, "periksa", 2, notes="Batal"),
    ]
    figures = monitor(item(events)).figures()
    assert [step.runs for step in figures.steps] == [1, 1, 0, 0, 0, 0]
    (cancelled,) = figures.cancellations
    assert (cancelled.step_key, cancelled.notes, cancelled.actor) == ("periksa", "Batal", "Budi")
    assert figures.late == ()  # the periksa visit waited 40 minutes, but was cancelled


def test_returns_are_grouped_by_their_reason() -> None:
    t = at(2026, 11, 23, 8, 0)
    events = [*opened(t), event(t + timedelta(minutes=5), "direct", KASUBBAG, "materi")]
    for n, notes in enumerate(("Logo terlalu kecil", "logo  terlalu kecil.", "Sumber?"), 1):
        events.append(event(t + timedelta(minutes=10 * n), "submit_design", OPERATOR, "desain", n))
        events.append(
            event(t + timedelta(minutes=10 * n + 5), "return", KASUBBAG, "periksa", n, notes=notes)
        )
    periksa = monitor(item(events)).figures().steps[2]
    assert periksa.returns == 3 and periksa.runs == 3
    assert periksa.reasons == (("Logo terlalu kecil", 2), ("Sumber?", 1))
    assert reason_key(" Logo Terlalu  KECIL! ") == "logo terlalu kecil"


def test_percentile_is_the_nearest_rank() -> None:
    assert percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90) == 90
    assert percentile([5, 1, 3], 90) == 5
    assert percentile([7], 90) == 7


def test_compliance_flags_an_own_approval_unconfirmed_sources_and_changed_files() -> None:
    events = _walk(at(2026, 11, 23, 8, 0), 10)
    approvals = [e for e in events if e.action == "approve"]
    confirmed = [
        _with(e, file_hashes=("aa",), sources_checked=True) if e.action == "approve" else e
        for e in events
    ]
    good = item(confirmed, makers={1: frozenset({OPERATOR})}, page_hashes={1: ("aa",)})
    (checked,) = monitor(good).figures().compliance
    assert [c.verdict for c in (checked.approver_not_maker, checked.sources_confirmed,
            checked.posted_as_approved)] == [Verdict.YES] * 3  # fmt: skip
    bad = item(
        [
            _with(e, file_hashes=("aa",), sources_checked=False) if e is approvals[1] else
            _with(e, file_hashes=("aa",)) if e.action == "approve" else e
            for e in events
        ],
        makers={1: frozenset({OPERATOR, KASUBBAG})},  # the kasubbag uploaded a page too
        page_hashes={1: ("bb",)},  # and the recorded page is not what was approved
    )  # fmt: skip
    (flagged,) = monitor(bad).figures().compliance
    assert flagged.approver_not_maker.verdict is Verdict.NO
    assert flagged.approver_not_maker.facts == ("3 v1: Budi",)
    assert flagged.sources_confirmed.facts == ("4 v1: Ibu Hukum",)
    assert flagged.posted_as_approved.facts == ("3 v1: ≠", "4 v1: ≠")
    legacy = item(events, makers={1: frozenset({OPERATOR})})  # nothing recorded before 0011
    (old,) = monitor(legacy).figures().compliance
    assert old.sources_confirmed.verdict is Verdict.BY_RULE
    assert old.posted_as_approved.verdict is Verdict.BY_RULE


def _with(e: EventFact, **changes: object) -> EventFact:
    from dataclasses import replace

    return replace(e, **changes)  # type: ignore[arg-type]


def test_who_held_each_role_from_the_roster_record() -> None:
    members = [
        MemberFact(KASUBBAG, "Budi", date(2026, 1, 5), frozenset({"kasubbag"}), True),
        MemberFact(KOORDINATOR, "Rina", date(2026, 1, 5), frozenset({"koordinator"}), True),
        MemberFact(OPERATOR, "Sari", date(2026, 1, 5), frozenset(), False),
    ]
    log = [
        RosterEntry(date(2026, 1, 5), OPERATOR, "appointed", "operator"),
        RosterEntry(date(2026, 8, 31), OPERATOR, "deactivated", None),
    ]
    plh = Acting("kasubbag", KOORDINATOR, ActingKind.PLH, "SP 7/2026")
    away = [
        AbsenceFact(KASUBBAG, date(2026, 9, 7), date(2026, 9, 11), None, (plh,)),
        AbsenceFact(KASUBBAG, date(2026, 10, 5), date(2026, 10, 9), date(2026, 10, 5), (plh,)),
    ]
    found = holdings(members, log, away, date(2026, 7, 1), date(2026, 12, 31))
    rows = {(h.role, h.name, h.kind, h.first, h.last) for h in found}
    assert rows == {
        ("kasubbag", "Budi", HoldingKind.OWN, date(2026, 7, 1), date(2026, 12, 31)),
        ("kasubbag", "Rina", HoldingKind.PLH, date(2026, 9, 7), date(2026, 9, 11)),
        ("koordinator", "Rina", HoldingKind.OWN, date(2026, 7, 1), date(2026, 12, 31)),
        ("operator", "Sari", HoldingKind.OWN, date(2026, 7, 1), date(2026, 8, 31)),
        (None, "Budi", HoldingKind.AWAY, date(2026, 9, 7), date(2026, 9, 11)),
    }  # the October leave was cancelled on its first day: it never counted
    assert held_on(found, KOORDINATOR, "kasubbag", date(2026, 9, 8))
    assert not held_on(found, KASUBBAG, "kasubbag", date(2026, 9, 8))  # away
    assert held_on(found, KASUBBAG, "kasubbag", date(2026, 10, 6))
    assert not held_on(found, OPERATOR, "operator", date(2026, 9, 1))  # deactivated


def test_two_sops_figures_keep_each_sops_steps_apart() -> None:
    """An office with two SOPs: each item is measured against its own SOP's limits, and a
    step's figures are that SOP's alone (the two design steps are never added together)."""
    from bot.domain.sop_catalog import SopCatalog

    berita = replace(
        SOP,
        name="Publikasi Berita Kegiatan",
        item_prefix="BRT",
        key="berita",
        steps=tuple(
            replace(s, limit=Limit.parse("2 jam")) if s.key == "desain" else s for s in SOP.steps
        ),
    )
    catalog = SopCatalog((SOP, berita))
    start, end = parse_report_period("2026-S2", date(2026, 11, 23)).bounds(OFFICE)
    monitoring = Monitoring(catalog, CALENDAR, start, end)
    monitoring.add(item(_walk(at(2026, 11, 23, 8, 0), 45)))  # JDIH: 45 of 30 minutes, late
    news = [replace(e, item_id=2, code="BRT-2026-0001") for e in _walk(at(2026, 11, 24, 8, 0), 45)]
    monitoring.add(item(news, id=2, code="BRT-2026-0001", sop_key="berita"))  # 45 of 2 hours
    figures = monitoring.figures()
    assert [(s.sop_key, s.key) for s in figures.steps][:7] == [
        ("jdih", "materi"), ("jdih", "desain"), ("jdih", "periksa"), ("jdih", "setuju"),
        ("jdih", "unggah"), ("jdih", "posting"), ("berita", "materi"),
    ]  # fmt: skip
    designs = [s for s in figures.steps if s.key == "desain"]
    assert [(s.sop_key, s.runs, s.within) for s in designs] == [("jdih", 1, 0), ("berita", 1, 1)]
    assert [late.code for late in figures.late] == ["JDIH-2026-0001"]
    assert [row.sop_key for row in figures.items] == ["jdih", "berita"]
    assert figures.overview.runs == 12 and figures.overview.late_runs == 1

    # the workbook and the CSV name each step's and each item's SOP
    import csv
    import io

    import openpyxl

    from bot.domain.monitoring import Report
    from bot.report.eventlog import events_csv
    from bot.report.workbook import workbook_bytes

    period = parse_report_period("2026-S2", date(2026, 11, 23))
    report = Report(
        SOP, "KPU", period, at(2027, 1, 4, 8, 0), OFFICE, 80.0, figures, (), False,
        sops=(SOP, berita),
    )  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(report)))
    steps = [tuple(row) for row in book["Ringkasan per langkah"].iter_rows(values_only=True)]
    assert steps[0][-1] == "SOP"
    assert (steps[2][0], steps[2][-1]) == ("JDIH 2", f"{SOP.name} ({SOP.number})")
    assert (steps[8][0], steps[8][-1]) == ("BRT 2", f"Publikasi Berita Kegiatan ({SOP.number})")
    items = [tuple(row) for row in book["Item"].iter_rows(values_only=True)]
    sop_column = items[0].index("SOP")
    assert [row[sop_column] for row in items[1:]] == [
        f"{SOP.name} ({SOP.number})",
        f"Publikasi Berita Kegiatan ({SOP.number})",
    ]
    rows = list(csv.reader(io.StringIO(events_csv(report).decode("utf-8-sig"))))
    assert rows[0][-1] == "sop" and {row[-1] for row in rows[1:]} == {"jdih", "berita"}
