"""The takedown (penurunan) SOP as the state machine runs it, alone: the shipped example's
steps (the kasubbag's approval; Divisi Hukum's only for a legal reason; the operator's removal
of each link), a refusal that ends it, and every link confirmed before it ends; and its file
format, validated with errors that name the key."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, ConfigError, parse_config
from bot.domain.sop import (
    Sop,
    SopError,
    SopPurpose,
    StepKind,
    load_default_sop,
    load_example_takedown_sop,
    parse_sop,
)
from bot.domain.sop_catalog import SopCatalog, takedown_sop_line
from bot.domain.workflow import (
    Action,
    Actor,
    Decision,
    InvalidTransition,
    ItemClosed,
    ItemState,
    ItemStatus,
    LinkNotPending,
    LinksRequired,
    NotesRequired,
    NotOpener,
    NotTakedownable,
    NotYourStep,
    StaleDecision,
    Transition,
    changes_after,
    decide,
    may_take_down,
    takedown_start,
)
from bot.domain.worktime import WorkCalendar
from tests import office

KOORDINATOR = office.KOORDINATOR.actor
KASUBBAG = office.KASUBBAG.actor
OPERATOR = office.OPERATOR.actor
HUKUM = office.HUKUM.actor
SEKRETARIS = office.SEKRETARIS.actor
CALENDAR = WorkCalendar.default()
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Pulang Pisau
LINKS = ("https://instagram.com/p/abc", "https://facebook.com/jdih/posts/1")
LEGAL = frozenset({"legal"})
ENV = {"JDIH_BOT_TOKEN": "123456789:AAH-takedown-test"}


@pytest.fixture(scope="module")
def sop() -> Sop:
    return load_example_takedown_sop()


def started(sop: Sop, facts: frozenset[str], asker: Actor = KOORDINATOR) -> ItemState:
    """A takedown just asked for, at the first step its reason visits."""
    transition = takedown_start(sop, facts, asker)
    return ItemState(
        ItemStatus.ACTIVE, transition.to_step, 0, None, asker.user_id, facts=facts, links_left=LINKS
    )


def press(sop: Sop, item: ItemState, actor: Actor, action: Action, **payload: Any) -> ItemState:
    """The press on the item's current card, and the item as stored after it."""
    decision = Decision(action, item.step_key, None, **payload)
    transition = decide(sop, item, actor, decision)
    changes = changes_after(sop, CALENDAR, transition, actor, decision, NOW)
    left = tuple(link for link in item.links_left if link not in decision.links)
    after = item.after(changes)
    return ItemState(
        after.status,
        after.step_key if transition.to_step is not None else None,
        after.version,
        None,
        after.created_by,
        facts=item.facts,
        links_left=left if action is Action.CONFIRM_REMOVED else item.links_left,
    )


def removed(sop: Sop, item: ItemState, link: str) -> ItemState:
    return press(sop, item, OPERATOR, Action.CONFIRM_REMOVED, links=(link,), notes=link)


# --- the example SOP ----------------------------------------------------------------------------


def test_the_example_is_an_office_draft_in_its_name_number_and_file(sop: Sop) -> None:
    assert sop.purpose is SopPurpose.TAKEDOWN and sop.draft
    assert sop.name.startswith("DRAF") and "ganti dengan SOP kantor" in sop.name
    assert sop.number.startswith("DRAF")
    assert sop.item_prefix == "TRN" and sop.key == "penurunan"
    assert [r.key for r in sop.reasons] == ["dicabut", "salah_isi", "perintah", "lainnya"]
    assert [r.key for r in sop.reasons if r.legal] == ["dicabut", "perintah"]
    catalog = SopCatalog((load_default_sop(), sop))
    assert catalog.takedown is sop
    assert "EXAMPLE DRAFT" in takedown_sop_line(catalog)
    assert takedown_sop_line(SopCatalog((load_default_sop(),))).startswith("takedown SOP: none")


def test_only_its_openers_ask_and_only_for_a_published_item(sop: Sop) -> None:
    may_take_down(sop, ItemStatus.PUBLISHED, KOORDINATOR)
    may_take_down(sop, ItemStatus.PUBLISHED, KASUBBAG)
    for other in (OPERATOR, HUKUM, SEKRETARIS):
        with pytest.raises(NotOpener):
            may_take_down(sop, ItemStatus.PUBLISHED, other)
    for status in (
        ItemStatus.ACTIVE,
        ItemStatus.DRAFT,
        ItemStatus.CANCELLED,
        ItemStatus.TAKEN_DOWN,
    ):
        with pytest.raises(NotTakedownable):
            may_take_down(sop, status, KASUBBAG)


# --- the reason decides the steps ---------------------------------------------------------------


def test_a_legal_reason_visits_the_kasubbag_then_divisi_hukum_then_the_operator(sop: Sop) -> None:
    item = started(sop, LEGAL)
    assert item.step_key == "setuju_kasubbag"
    with pytest.raises(NotYourStep):  # Divisi Hukum's turn comes later
        decide(sop, item, HUKUM, Decision(Action.APPROVE, item.step_key, None))
    item = press(sop, item, KASUBBAG, Action.APPROVE)
    assert (item.status, item.step_key) == (ItemStatus.ACTIVE, "setuju_hukum")
    item = press(sop, item, HUKUM, Action.APPROVE)
    assert (item.status, item.step_key) == (ItemStatus.ACTIVE, "hapus")


def test_any_other_reason_skips_divisi_hukum(sop: Sop) -> None:
    item = press(sop, started(sop, frozenset()), KASUBBAG, Action.APPROVE)
    assert (item.status, item.step_key) == (ItemStatus.ACTIVE, "hapus")


def test_a_first_step_with_a_condition_is_skipped_at_the_start_too() -> None:
    data = _example()
    data["steps"][0]["only_for"] = "legal"
    sop = parse_sop(data, source="t.toml")
    # both approvals are for legal reasons now: any other goes straight to the removal
    assert takedown_start(sop, frozenset(), KASUBBAG).to_step == "hapus"
    assert takedown_start(sop, LEGAL, KASUBBAG).to_step == "setuju_kasubbag"


# --- refusal ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("at", "who"), [(0, KASUBBAG), (1, HUKUM)])
def test_a_refusal_at_any_approval_ends_the_takedown_refused(sop: Sop, at: int, who: Actor) -> None:
    item = started(sop, LEGAL)
    if at == 1:
        item = press(sop, item, KASUBBAG, Action.APPROVE)
    with pytest.raises(NotesRequired):
        decide(sop, item, who, Decision(Action.REFUSE, item.step_key, None, notes="  "))
    transition = decide(sop, item, who, Decision(Action.REFUSE, item.step_key, None, notes="Tidak"))
    assert transition == Transition(
        Action.REFUSE, who_role(who), item.step_key, None, ItemStatus.REFUSED, 0
    )
    closed = press(sop, item, who, Action.REFUSE, notes="Tidak")
    with pytest.raises(ItemClosed):
        decide(sop, closed, KASUBBAG, Decision(Action.APPROVE, None, None))


def who_role(actor: Actor) -> str:
    return "kasubbag" if actor is KASUBBAG else "divisi_hukum"


def test_the_operator_cannot_refuse_and_approvals_do_not_remove(sop: Sop) -> None:
    item = started(sop, frozenset())
    with pytest.raises(NotYourStep):
        decide(sop, item, OPERATOR, Decision(Action.REFUSE, item.step_key, None, notes="x"))
    with pytest.raises(InvalidTransition):
        decide(sop, item, KASUBBAG, Decision(Action.CONFIRM_REMOVED, item.step_key, None))


# --- removal: every link --------------------------------------------------------------------------


def test_the_removal_step_ends_only_when_every_link_is_confirmed(sop: Sop) -> None:
    item = press(sop, started(sop, frozenset()), KASUBBAG, Action.APPROVE)
    with pytest.raises(NotYourStep):
        decide(
            sop, item, KASUBBAG, Decision(Action.CONFIRM_REMOVED, "hapus", None, links=LINKS[:1])
        )
    with pytest.raises(LinksRequired):  # one link a press
        decide(sop, item, OPERATOR, Decision(Action.CONFIRM_REMOVED, "hapus", None, links=LINKS))
    with pytest.raises(LinkNotPending):
        decide(sop, item, OPERATOR, Decision(Action.CONFIRM_REMOVED, "hapus", None, links=("x",)))
    item = removed(sop, item, LINKS[1])
    assert (item.status, item.step_key, item.links_left) == (
        ItemStatus.ACTIVE,
        "hapus",
        LINKS[:1],
    )
    with pytest.raises(LinkNotPending):  # the same link twice: its second press is stale
        removed(sop, item, LINKS[1])
    item = removed(sop, item, LINKS[0])
    assert (item.status, item.step_key, item.links_left) == (ItemStatus.TAKEN_DOWN, None, ())


def test_a_confirmation_that_leaves_links_keeps_the_steps_time_running(sop: Sop) -> None:
    item = press(sop, started(sop, frozenset()), KASUBBAG, Action.APPROVE)
    decision = Decision(Action.CONFIRM_REMOVED, "hapus", None, links=LINKS[:1])
    transition = decide(sop, item, OPERATOR, decision)
    assert not transition.step_changed  # no new visit: the step's limit and reminders go on
    assert changes_after(sop, CALENDAR, transition, OPERATOR, decision, NOW).visit is None


def test_a_press_from_an_earlier_step_is_stale(sop: Sop) -> None:
    item = press(sop, started(sop, frozenset()), KASUBBAG, Action.APPROVE)
    with pytest.raises(StaleDecision):
        decide(sop, item, KASUBBAG, Decision(Action.APPROVE, "setuju_kasubbag", None))


def test_each_step_has_a_limit_so_reminders_follow_it(sop: Sop) -> None:
    assert all(step.limit is not None for step in sop.steps)
    start = takedown_start(sop, LEGAL, KASUBBAG)
    assert start.to_step == "setuju_kasubbag" and start.status is ItemStatus.ACTIVE


# --- the file format --------------------------------------------------------------------------


def _example() -> dict[str, Any]:
    text = resources.files("bot.domain").joinpath("sop_penurunan_draf.toml").read_text("utf-8")
    return tomllib.loads(text)


def _broken(change: Any) -> str:
    data = _example()
    change(data)
    with pytest.raises(SopError) as raised:
        parse_sop(data, source="penurunan.toml")
    return str(raised.value)


def _set(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DROP:
            del target[last]
        else:
            target[last] = value

    return change


_DROP = object()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("reasons", _DROP), "reasons: a takedown SOP lists the reasons"),
        (_set("reasons", []), "reasons: a takedown SOP lists the reasons"),
        (_set("reasons.0.legal", "ya"), "reasons[0].legal: must be true or false"),
        (_set("reasons.1.key", "dicabut"), "reasons[1].key: 'dicabut' is listed twice"),
        (_set("reasons.0.title", ""), "reasons[0]: title: a non-empty text is needed"),
        (_set("reasons.0.title", "x" * 41), "reasons[0].title: at most 40 characters"),
        (_set("steps.1.only_for", "urgent"), "steps[1].only_for: must be one of legal"),
        (_set("steps.2.only_for", "legal"), "steps[2].only_for: the removal is always done"),
        (_set("steps.0.kind", "review"), "steps[0].kind: a takedown SOP's steps are of kind"),
        (_set("steps.2.kind", "approval"), "ends with exactly one step of kind 'removal'"),
        (_set("steps.0.kind", "removal"), "ends with exactly one step of kind 'removal'"),
        (_set("steps.0.return_to", "hapus"), "steps[0]: return_to, confirm_sources"),
        (_set("draft", "ya"), "draft: must be true or false"),
    ],
)
def test_a_wrong_takedown_sop_is_refused_naming_the_key(change: Any, message: str) -> None:
    assert message in _broken(change)


def test_a_publishing_sop_may_not_use_takedown_kinds_reasons_or_conditions() -> None:
    text = resources.files("bot.domain").joinpath("sop_default.toml").read_text("utf-8")
    for change, message in [
        (_set("reasons", [{"key": "a", "title": "A", "legal": True}]), "reasons: only a takedown"),
        (_set("steps.2.kind", "approval"), "kind 'approval' belongs to a takedown SOP"),
        (_set("steps.2.only_for", "legal"), "only_for belongs to a takedown SOP"),
    ]:
        data = tomllib.loads(text)
        change(data)
        with pytest.raises(SopError, match=message):
            parse_sop(data, source="sop.toml")


def test_the_takedown_step_kinds_are_named_in_the_error() -> None:
    message = _broken(_set("steps.0.kind", "design"))
    assert "only an SOP that publishes has a design step" in message
    assert {StepKind.APPROVAL.value, StepKind.REMOVAL.value} <= {k.value for k in StepKind}


# --- in config.toml ---------------------------------------------------------------------------


def _config(tmp_path: Path, files: list[str]) -> Config:
    return parse_config({"sop": {"files": files}}, base_dir=tmp_path, environ=ENV)


def test_the_offices_own_takedown_sop_replaces_the_example(tmp_path: Path) -> None:
    default = resources.files("bot.domain").joinpath("sop_default.toml").read_text("utf-8")
    example = resources.files("bot.domain").joinpath("sop_penurunan_draf.toml").read_text("utf-8")
    (tmp_path / "jdih.toml").write_text(default, "utf-8")
    own = example.replace("draft = true", "").replace('name = "DRAF', 'name = "SOP')
    (tmp_path / "penurunan.toml").write_text(own, "utf-8")
    config = _config(tmp_path, ["jdih.toml", "penurunan.toml"])
    takedown = config.sops.takedown
    assert takedown is not None and not takedown.draft
    assert takedown_sop_line(config.sops).startswith("takedown SOP: SOP Penurunan")
    # none listed: the example draft, named as such
    example_config = _config(tmp_path, ["jdih.toml"])
    assert example_config.sops.takedown is not None and example_config.sops.takedown.draft
    # a mistake in the office's file is refused at start, naming the file and the key
    (tmp_path / "penurunan.toml").write_text(own.replace("legal = true", 'legal = "ya"'), "utf-8")
    with pytest.raises(ConfigError, match=r"penurunan.toml: reasons\[0\].legal: must be true"):
        _config(tmp_path, ["jdih.toml", "penurunan.toml"])


def test_an_office_sop_without_the_examples_roles_runs_no_takedown(tmp_path: Path) -> None:
    default = resources.files("bot.domain").joinpath("sop_default.toml").read_text("utf-8")
    # a revised SOP whose legal approval is the kasubbag's: no Divisi Hukum role
    text = default.replace('[roles.divisi_hukum]\ntitle = "Divisi Hukum / Tim Pengarah"\n', "")
    text = text.replace('role = "divisi_hukum"', 'role = "kasubbag"')
    (tmp_path / "jdih.toml").write_text(text, "utf-8")
    config = _config(tmp_path, ["jdih.toml"])
    assert config.sops.takedown is None
    assert takedown_sop_line(config.sops) == (
        "takedown SOP: none (published items cannot be taken down)"
    )
