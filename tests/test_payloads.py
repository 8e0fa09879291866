"""The outbox payloads' JSON: every kind comes back whole, rows written in today's shape still
parse, and a payload that would not parse is refused when it is written, not when it is sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from bot import texts
from bot.service.owed import add_outbox
from bot.service.payloads import (
    ArchiveJob,
    CardJob,
    ChannelJob,
    ChannelOp,
    ClaimAnswer,
    ClaimCard,
    Confirmation,
    Digest,
    DigestRow,
    Notice,
    NoticeKind,
    OutboxKind,
    Payload,
    PayloadError,
    PublishedRow,
    Reminder,
    ReportJob,
    ReportPurpose,
    Retire,
    from_json,
    to_json,
)
from handlers.cards import render_notice

AT = datetime(2026, 11, 23, 2, 15, tzinfo=UTC)
WIB = timezone(timedelta(hours=7))

EXAMPLES: list[Payload] = [
    CardJob("periksa", 2),
    CardJob("desain", 3, return_event_id=41),
    Notice(
        NoticeKind.RETURNED,
        "JDIH-2026-0007",
        "PKPU <Nomor> 2",
        "Ibu Sari",
        version=2,
        role="Kepala Subbagian",
        notes="Logo terlalu kecil",
    ),
    Notice(NoticeKind.PUBLISHED, "JDIH-2026-0007", "PKPU", "Dedi", links="https://a\nhttps://b"),
    Notice(NoticeKind.CANCELLED, "JDIH-2026-0007", "PKPU", "Pak Ketua", reason="Ganda"),
    Retire(12, "approve", "Ibu Sari", AT),
    Retire(12, "return", "Ibu Sari", AT.astimezone(WIB)),
    Reminder("JDIH-2026-0007", "PKPU", "desain", 2, 95, "Sari, Dedi", AT, overseer=True),
    Reminder("JDIH-2026-0007", "PKPU", "desain", 1, 10, "-", None, overseer=False),
    ArchiveJob(),
    Confirmation("return", "JDIH-2026-0007", 2, "desain"),
    Confirmation("report_posted", "JDIH-2026-0007", 1, None),  # published: no step follows
    Digest(
        date(2026, 11, 24),
        date(2026, 11, 23),
        (
            DigestRow("JDIH-2026-0007", "PKPU", "desain", AT, True, "Sari"),
            DigestRow("JDIH-2026-0008", "SK", None, None, False, "-"),
        ),
        (PublishedRow("JDIH-2026-0001", "PKPU Nomor 9"),),
    ),
    Digest(date(2026, 11, 30), date(2026, 11, 27), (), ()),
    Notice(
        NoticeKind.UNCOVERED,
        "JDIH-2026-0007",
        "PKPU",
        "-",
        role="Kasubbag Hukum",
        step="3 Memeriksa desain",
    ),
    ClaimCard(7, "operator", 301, "Wati <Baru>"),
    ClaimAnswer(True, "operator", "Wati <Baru>"),
    ClaimAnswer(False, "kasubbag", "Eko"),
    Notice(NoticeKind.STALE_HOLIDAYS, "-", "-", "-", years="2026 dan 2027", package="0.98"),
    ReportJob(ReportPurpose.ASKED, "month", date(2026, 11, 1), date(2026, 11, 30)),
    ReportJob(ReportPurpose.SEMESTER, "semester", date(2026, 7, 1), date(2026, 12, 31)),
    ReportJob(ReportPurpose.REVIEW, "dates", date(2026, 4, 1), date(2027, 3, 31)),
    ChannelJob(ChannelOp.POST, 2),
    ChannelJob(ChannelOp.REPLACE, post_ids=(4, 5)),
    ChannelJob(ChannelOp.REMOVE),
]


def test_a_channel_job_with_an_unknown_op_or_ids_is_refused() -> None:
    with pytest.raises(PayloadError, match="unknown op"):
        from_json("channel", {"op": "edit"})
    with pytest.raises(PayloadError, match="post_ids"):
        from_json("channel", {"op": "replace", "post_ids": ["4"]})


@pytest.mark.parametrize("payload", EXAMPLES, ids=lambda p: type(p).__name__)
def test_every_kind_comes_back_whole_from_its_json(payload: Payload) -> None:
    assert from_json(payload.kind, to_json(payload)) == payload


# Rows exactly as the writers stored them before the payloads were typed (the keys of
# bot/notices.py, bot/reminders.py and bot/service.py at main), with what they must parse to.
STORED: list[tuple[str, dict[str, Any], Payload]] = [
    ("card", {"step": "periksa", "version": 1}, CardJob("periksa", 1)),
    (
        "card",
        {"step": "desain", "version": 2, "return_event_id": 9},
        CardJob("desain", 2, return_event_id=9),
    ),
    (
        "notice",
        {
            "template": "returned",
            "params": {
                "code": "JDIH-2026-0003",
                "title": "PKPU",
                "name": "Ibu Sari",
                "version": 1,
                "role": "Kepala Subbagian",
                "notes": "Perbaiki",
            },
        },
        Notice(
            NoticeKind.RETURNED,
            "JDIH-2026-0003",
            "PKPU",
            "Ibu Sari",
            version=1,
            role="Kepala Subbagian",
            notes="Perbaiki",
        ),
    ),
    (
        "notice",
        {
            "template": "published",
            "params": {"code": "JDIH-2026-0003", "title": "PKPU", "name": "-", "links": ""},
        },
        Notice(NoticeKind.PUBLISHED, "JDIH-2026-0003", "PKPU", "-", links=""),
    ),
    (
        "notice",
        {
            "template": "cancelled",
            "params": {"code": "JDIH-2026-0003", "title": "PKPU", "name": "Ketua", "reason": "x"},
        },
        Notice(NoticeKind.CANCELLED, "JDIH-2026-0003", "PKPU", "Ketua", reason="x"),
    ),
    (
        "retire",
        {"card_id": 5, "action": "approve", "name": "Ibu Sari", "at": "2026-11-23T02:15:00+00:00"},
        Retire(5, "approve", "Ibu Sari", AT),
    ),
    (
        "reminder",
        {
            "code": "JDIH-2026-0003",
            "title": "PKPU",
            "step": "desain",
            "round": 1,
            "late_minutes": 10,
            "who": "Sari Operator",
            "due_at": "2026-11-23T02:15:00+00:00",
            "overseer": False,
        },
        Reminder("JDIH-2026-0003", "PKPU", "desain", 1, 10, "Sari Operator", AT, overseer=False),
    ),
    ("archive", {}, ArchiveJob()),
    (
        "digest",
        {
            "day": "2026-11-24",
            "previous": "2026-11-23",
            "active": [
                {
                    "code": "JDIH-2026-0003",
                    "title": "PKPU",
                    "step": "desain",
                    "due_at": "2026-11-23T02:15:00+00:00",
                    "overdue": True,
                    "who": "Sari Operator",
                }
            ],
            "published": [{"code": "JDIH-2026-0001", "title": "PKPU Nomor 9"}],
        },
        Digest(
            date(2026, 11, 24),
            date(2026, 11, 23),
            (DigestRow("JDIH-2026-0003", "PKPU", "desain", AT, True, "Sari Operator"),),
            (PublishedRow("JDIH-2026-0001", "PKPU Nomor 9"),),
        ),
    ),
]


@pytest.mark.parametrize(("kind", "stored", "expected"), STORED, ids=lambda v: str(v)[:20])
def test_a_row_in_todays_json_shape_parses_and_is_written_the_same(
    kind: str, stored: dict[str, Any], expected: Payload
) -> None:
    assert from_json(kind, stored) == expected
    assert to_json(expected) == stored  # same keys, same values: no migration needed


def test_the_notice_reads_as_before_with_its_values_escaped() -> None:
    notice = from_json(OutboxKind.NOTICE, STORED[2][1])
    assert isinstance(notice, Notice)
    text = render_notice(notice)
    assert text == texts.NOTICE_RETURNED.format(
        code="JDIH-2026-0003",
        title="PKPU",
        version=1,
        who="Ibu Sari (Kepala Subbagian)",
        notes="Perbaiki",
    )
    assert "&lt;Nomor&gt;" in render_notice(EXAMPLES[2])  # type: ignore[arg-type]


class RecordingRepo:
    """The repository as add_outbox sees it: the rows owed."""

    def __init__(self) -> None:
        self.added: list[object] = []

    def owe(
        self, created_at: datetime, chat_id: int, kind: str, item_id: int | None, payload: object
    ) -> None:
        self.added.append(
            SimpleNamespace(kind=kind, chat_id=chat_id, item_id=item_id, payload=payload)
        )


BAD: list[tuple[Payload, str]] = [
    # a returned notice without the role its text names
    (Notice(NoticeKind.RETURNED, "JDIH-1", "PKPU", "Sari", version=1, notes="x"), "'role'"),
    # the mismatch mypy found once: a number where the text wants text
    (Notice(NoticeKind.CANCELLED, "JDIH-1", "PKPU", "Sari", reason=3), "'reason'"),  # type: ignore[arg-type]
    (CardJob("periksa", "2"), "'version'"),  # type: ignore[arg-type]
    (CardJob("periksa", True), "'version'"),  # a bool is not a version
    (Retire(5, "approve", "Sari", datetime(2026, 11, 23, 9, 15)), "'at'"),  # no zone
    (Reminder("JDIH-1", "PKPU", "desain", 1, 10, "-", AT, overseer=None), "'overseer'"),  # type: ignore[arg-type]
    (Digest(date(2026, 11, 24), "2026-11-23", (), ()), "'previous'"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("payload", "key"), BAD, ids=lambda v: str(v)[:30])
def test_a_bad_payload_is_refused_when_written_naming_its_key(payload: Payload, key: str) -> None:
    repo = RecordingRepo()
    with pytest.raises(PayloadError, match=key):
        add_outbox(repo, AT, 100, 1, payload)  # type: ignore[arg-type]
    assert repo.added == []  # nothing is owed that the sender could not read


def test_a_good_payload_is_added_with_its_kind_and_json() -> None:
    repo = RecordingRepo()
    add_outbox(repo, AT, 100, 1, CardJob("periksa", 2))  # type: ignore[arg-type]
    [row] = repo.added
    assert (row.kind, row.chat_id, row.item_id, row.payload) == (  # type: ignore[attr-defined]
        "card",
        100,
        1,
        {"step": "periksa", "version": 2},
    )


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("letter", {}, "unknown outbox kind 'letter'"),
        ("card", ["periksa", 1], "card payload must be a JSON object"),
        ("card", {"version": 1}, "card payload lacks 'step'"),
        ("card", {"step": "periksa", "version": "1"}, "'version' must be a whole number"),
        ("notice", {"template": "praised", "params": {}}, "unknown template 'praised'"),
        (
            "notice",
            {"template": "published", "params": {"code": "J", "title": "T", "name": "N"}},
            "notice params payload lacks 'links'",
        ),
        ("retire", {"card_id": 1, "action": "a", "name": "n", "at": "kemarin"}, "'at' must be"),
        ("digest", {"day": "2026-11-24", "previous": "2026-11-23", "active": {}}, "'active'"),
        (
            "report",
            {"purpose": "praise", "period_kind": "month", "first": "2026-11-01", "last": "x"},
            "report: unknown purpose 'praise'",
        ),
        (
            "report",
            {"purpose": "asked", "period_kind": "month", "first": "2026-11-01", "last": "x"},
            "'last' must be an ISO date",
        ),
    ],
)
def test_an_unreadable_payload_is_refused_with_what_is_wrong(
    kind: str, data: object, message: str
) -> None:
    with pytest.raises(PayloadError, match=message):
        from_json(kind, data)
