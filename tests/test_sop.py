"""The SOP as data: the shipped SOP No. 3/2022, time limits, and checks on a revised SOP."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.domain.limits import Limit, LimitUnit
from bot.domain.sop import Sop, SopError, StepKind, load_default_sop, load_sop, parse_sop


@pytest.fixture(scope="module")
def sop() -> Sop:
    return load_default_sop()


# --- the default SOP ---------------------------------------------------------------------------


def test_default_sop_has_the_six_steps_in_order_with_their_roles_and_kinds(sop: Sop) -> None:
    assert [(s.key, s.ref, s.kind, s.role) for s in sop.steps] == [
        ("materi", "1", StepKind.DIRECT, "kasubbag"),
        ("desain", "2", StepKind.DESIGN, "operator"),
        ("periksa", "3", StepKind.REVIEW, "kasubbag"),
        ("setuju", "4", StepKind.REVIEW, "divisi_hukum"),
        ("unggah", "5", StepKind.ORDER, "kasubbag"),
        ("posting", "5", StepKind.POST, "operator"),  # SOP 5's output: one step 5
    ]
    assert sop.first_step.key == "materi"


def test_default_sop_time_limits_follow_the_mutu_baku(sop: Sop) -> None:
    assert [s.limit for s in sop.steps] == [
        Limit(1, LimitUnit.WORKING_DAYS),
        Limit(30, LimitUnit.MINUTES),
        Limit(15, LimitUnit.MINUTES),
        Limit(15, LimitUnit.MINUTES),
        Limit(10, LimitUnit.MINUTES),
        Limit(10, LimitUnit.MINUTES),  # the posting: step 5's standard, to the content posted
    ]


def test_default_sop_legal_approval_needs_sources_and_its_return_tells_kasubbag(sop: Sop) -> None:
    setuju = sop.step("setuju")
    periksa = sop.step("periksa")

    assert (setuju.confirm_sources, setuju.notify_on_return, setuju.return_to) == (
        True,
        ("kasubbag",),
        "desain",
    )
    assert (periksa.confirm_sources, periksa.notify_on_return, periksa.return_to) == (
        False,
        (),
        "desain",
    )


def test_default_sop_people_who_open_cancel_and_oversee(sop: Sop) -> None:
    assert (sop.item_prefix, sop.number) == ("JDIH", "SOP No. 3 Tahun 2022")
    assert sop.openers == frozenset({"koordinator", "kasubbag"})
    assert sop.cancellers == frozenset({"kasubbag"})
    assert sop.overseer == "sekretaris"
    assert sop.role_title("divisi_hukum") == "Divisi Hukum / Tim Pengarah"


def test_next_step_follows_the_sop_order_and_ends_after_posting(sop: Sop) -> None:
    keys = [s.key for s in sop.steps]

    following = [sop.next_step(key) for key in keys]

    assert [s.key if s else None for s in following] == [*keys[1:], None]


def test_unknown_step_key_is_not_a_step(sop: Sop) -> None:
    assert not sop.has_step("hapus")
    with pytest.raises(KeyError):
        sop.step("hapus")


# --- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30 menit", Limit(30, LimitUnit.MINUTES)),
        ("30m", Limit(30, LimitUnit.MINUTES)),
        ("2 jam", Limit(2, LimitUnit.HOURS)),
        ("1 hari kerja", Limit(1, LimitUnit.WORKING_DAYS)),
        ("1wd", Limit(1, LimitUnit.WORKING_DAYS)),
        (" 15 Menit ", Limit(15, LimitUnit.MINUTES)),
    ],
)
def test_limit_reads_indonesian_and_short_forms(text: str, expected: Limit) -> None:
    assert Limit.parse(text) == expected


@pytest.mark.parametrize("text", ["0 menit", "abc", "5 days?", "", "30", "-5 menit", "1.5 jam"])
def test_limit_refuses_text_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match="unknown time limit"):
        Limit.parse(text)


@pytest.mark.parametrize(
    ("limit", "wording", "short"),
    [
        (Limit(30, LimitUnit.MINUTES), "30 menit kerja", "30m"),
        (Limit(2, LimitUnit.HOURS), "2 jam kerja", "2h"),
        (Limit(1, LimitUnit.WORKING_DAYS), "1 hari kerja", "1wd"),
    ],
)
def test_limit_is_described_in_indonesian_and_stored_short(
    limit: Limit, wording: str, short: str
) -> None:
    assert (texts.fmt_limit(limit), limit.as_text()) == (wording, short)
    assert Limit.parse(limit.as_text()) == limit


# --- a revised SOP and its mistakes ------------------------------------------------------------

VALID: dict[str, Any] = {
    "name": "SOP Revisi",
    "number": "SOP No. 1 Tahun 2025",
    "item_prefix": "MEDSOS",
    "openers": ["kepala"],
    "cancellers": ["kepala"],
    "overseer": "kepala",
    "roles": {"kepala": {"title": "Kepala"}, "staf": {"title": "Staf"}},
    "steps": [
        {"key": "arah", "kind": "direct", "role": "kepala", "title": "Arahan", "limit": "2 jam"},
        {"key": "buat", "kind": "design", "role": "staf", "title": "Desain", "limit": "45m"},
        {"key": "cek", "kind": "review", "role": "kepala", "title": "Cek", "return_to": "buat"},
        {"key": "unggah", "kind": "post", "role": "staf", "title": "Unggah", "limit": "1wd"},
    ],
}


def revised(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    data.update(changes)
    return data


def with_step(index: int, **changes: Any) -> dict[str, Any]:
    data = revised()
    data["steps"][index].update(changes)
    return data


def test_revised_sop_with_its_own_steps_and_limits_is_read() -> None:
    sop = parse_sop(revised(), source="revisi.toml")

    assert [(s.key, s.limit) for s in sop.steps] == [
        ("arah", Limit(2, LimitUnit.HOURS)),
        ("buat", Limit(45, LimitUnit.MINUTES)),
        ("cek", None),
        ("unggah", Limit(1, LimitUnit.WORKING_DAYS)),
    ]
    assert sop.step("arah").ref == "arah"  # without a `ref`, users see the key


def test_revised_limit_changes_only_that_step() -> None:
    sop = parse_sop(with_step(1, limit="1 jam"), source="revisi.toml")

    assert sop.step("buat").limit == Limit(1, LimitUnit.HOURS)
    assert sop.step("arah").limit == Limit(2, LimitUnit.HOURS)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (with_step(0, role="bupati"), r"steps\[0\]\.role: unknown role 'bupati'"),
        (with_step(1, kind="draw"), r"steps\[1\]\.kind: must be one of"),
        (with_step(2, return_to=None), r"steps\[2\]\.return_to: a review step must say where"),
        (with_step(2, return_to="arah"), r"steps\[2\]\.return_to: must name the design step"),
        (with_step(2, return_to="unggah"), r"steps\[2\]\.return_to: must name an earlier step"),
        (with_step(3, return_to="buat"), r"steps\[3\]\.return_to: only review steps return"),
        (with_step(3, key="cek"), r"steps: step keys must be unique"),
        (with_step(1, kind="direct"), r"steps: exactly one step must have kind = 'design'"),
        (with_step(0, kind="design"), r"steps: exactly one step must have kind = 'design'"),
        (with_step(0, limit="besok"), r"steps\[0\]\.limit: unknown time limit"),
        (with_step(2, notify_on_return=["humas"]), r"steps\[2\]\.notify_on_return: unknown role"),
        (with_step(0, kind="post"), r"steps\[0\]: kind 'post' must come after the design step"),
        (with_step(1, key="Buat Desain"), r"steps\[1\]\.key: use lowercase"),
        (with_step(1, title=" "), r"steps\[1\]: title: a non-empty text is needed"),
        (revised(openers=["kepala", "humas"]), r"openers: unknown role 'humas'"),
        (revised(cancellers=["humas"]), r"cancellers: unknown role 'humas'"),
        (revised(openers="kepala"), r"openers: a list is needed"),
        (revised(overseer="humas"), r"overseer: unknown role 'humas'"),
        (revised(item_prefix="jdih"), r"item_prefix: use 1-10 capital letters"),
        (revised(item_prefix="JDIH-KPU"), r"item_prefix: use 1-10 capital letters"),
        (revised(steps=[]), r"steps: at least one step is needed"),
        (revised(roles={}), r"roles: at least one role is needed"),
        (revised(roles={"Kepala": {"title": "K"}}), r"roles\.Kepala: use lowercase"),
        (revised(name=""), r"name: a non-empty text is needed"),
        (revised(date="1 April 2022"), r"date: write the SOP's date as 2022-04-01"),
        (revised(date=20220401), r"date: write the SOP's date as 2022-04-01"),
    ],
)
def test_mistake_in_a_revised_sop_is_refused_naming_the_key(
    data: dict[str, Any], message: str
) -> None:
    with pytest.raises(SopError, match=rf"^revisi\.toml: .*{message}"):
        parse_sop(data, source="revisi.toml")


def test_limit_written_as_a_bare_number_is_refused_naming_the_key() -> None:
    with pytest.raises(SopError, match=r"steps\[1\]\.limit"):
        parse_sop(with_step(1, limit=30), source="revisi.toml")


def test_sop_file_that_is_not_toml_is_refused_naming_sop_file(tmp_path: Path) -> None:
    path = tmp_path / "sop.toml"
    path.write_text('name = "SOP Revisi\nsteps = [\n', encoding="utf-8")

    with pytest.raises(SopError, match=r"^sop\.file: .*sop\.toml is not valid TOML"):
        load_sop(path)


def test_missing_sop_file_is_refused_naming_sop_file(tmp_path: Path) -> None:
    with pytest.raises(SopError, match=r"^sop\.file: cannot read"):
        load_sop(tmp_path / "tidak-ada.toml")


def test_sop_file_on_disk_is_read_and_checked(tmp_path: Path) -> None:
    default = Path(__file__).parent.parent / "bot" / "domain" / "sop_default.toml"
    path = tmp_path / "sop_kantor.toml"
    path.write_text(
        default.read_text(encoding="utf-8").replace('limit = "30 menit"', 'limit = "45 menit"'),
        encoding="utf-8",
    )

    sop = load_sop(path)

    assert sop.step("desain").limit == Limit(45, LimitUnit.MINUTES)
    assert sop.step("periksa").limit == Limit(15, LimitUnit.MINUTES)


def test_mistake_in_a_sop_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sop_kantor.toml"
    path.write_text('name = "x"\nnumber = "1"\nitem_prefix = "X"\n[roles.a]\ntitle = "A"\n')

    with pytest.raises(SopError, match=rf"^{re.escape(str(path))}: steps: a list is needed"):
        load_sop(path)


def test_the_sops_date_is_read_from_a_toml_date_or_its_text() -> None:
    """The month it is reviewed in by default ([report] review_month)."""
    assert load_default_sop().dated == date(2022, 4, 1)  # SOP No. 3 Tahun 2022, 1 April 2022
    assert parse_sop(revised(date="2025-07-14"), source="r.toml").dated == date(2025, 7, 14)
    assert parse_sop(revised(), source="r.toml").dated is None
