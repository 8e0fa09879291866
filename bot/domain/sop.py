"""The SOP as data: roles, steps, time limits and where Return goes, read from TOML.

The Pulang Pisau SOP No. 3/2022 ships as `sop_default.toml`; an office that revises its SOP
points the configuration at its own file. Nothing else in the bot names a step.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from bot.domain.limits import Limit


class StepKind(StrEnum):
    """What happens at a step; the kind decides which actions the workflow allows there."""

    DIRECT = "direct"  # receive the material, write the direction ("arahan"), send it on
    DESIGN = "design"  # make the design and hand it in
    REVIEW = "review"  # check the design: approve, or return it with notes
    ORDER = "order"  # order the upload of the approved content
    POST = "post"  # post it on social media and report the link(s)
    # a takedown SOP's kinds (purpose = "takedown"):
    APPROVAL = "approval"  # approve the takedown, or refuse it with a note (it ends refused)
    REMOVAL = "removal"  # remove the post from each platform and confirm each link


class SopPurpose(StrEnum):
    """What an SOP's items do: publish new content (the JDIH SOP), or take a published item
    down (penurunan). An office runs one or more of each kind side by side."""

    PUBLISH = "publish"
    TAKEDOWN = "takedown"


# The conditions a takedown step may carry (`only_for`): the step is visited only when the
# takedown's chosen reason has it ("legal": the reason is a legal one).
CONDITIONS = frozenset({"legal"})

# The step kinds of each purpose; a kind of the other purpose is refused at load time.
_TAKEDOWN_KINDS = frozenset({StepKind.APPROVAL, StepKind.REMOVAL})


class RoleTitles(Protocol):
    """What names roles as people know them: one SOP, or the office's SOPs together (a
    role has one title in every SOP)."""

    def role_title(self, key: str) -> str: ...

    def role_titles(self, keys: Iterable[str]) -> str: ...


class SopError(ValueError):
    """The SOP file is wrong; the message names the key."""


@dataclass(frozen=True, slots=True)
class Role:
    key: str
    title: str


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    ref: str  # the SOP's own numbering, shown to users ("1", "5"); two steps may share one
    kind: StepKind
    role: str
    title: str
    limit: Limit | None
    return_to: str | None = None
    confirm_sources: bool = False  # SOP 4b: approval counts only once the sources were checked
    notify_on_return: tuple[str, ...] = ()
    # Visited only when the item has this fact (a takedown's "legal" reason); None: always.
    only_for: str | None = None

    def applies(self, facts: frozenset[str]) -> bool:
        """Is the step visited for an item with these facts?"""
        return self.only_for is None or self.only_for in facts


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason a takedown may be asked for (`[[reasons]]` of a takedown SOP)."""

    key: str
    title: str
    legal: bool  # a legal reason: the steps with only_for = "legal" are visited

    @property
    def facts(self) -> frozenset[str]:
        """What the reason makes true of the takedown, for the steps' conditions."""
        return frozenset({"legal"}) if self.legal else frozenset()


@dataclass(frozen=True, slots=True)
class Sop:
    name: str
    number: str
    item_prefix: str
    roles: Mapping[str, Role]
    steps: tuple[Step, ...]
    openers: frozenset[str]
    cancellers: frozenset[str]
    overseer: str | None
    # A fingerprint of the SOP's content (its keys and values, not its comments or layout):
    # recorded with each step visit, so a report tells which revision a measurement ran under.
    version: str = ""
    # The date the SOP was signed (`date = 2022-04-01`): the month it is reviewed in each year
    # by default ([report] review_month); None when the file does not say.
    dated: date | None = None
    # The SOP's short name in the catalog (`key = "jdih"`; by default its item prefix in
    # lowercase): stored with each item, so an item keeps following its own SOP.
    key: str = ""
    purpose: SopPurpose = SopPurpose.PUBLISH
    # A takedown SOP's reasons to choose from, in the file's order; empty for other SOPs.
    reasons: tuple[Reason, ...] = ()
    # Shipped as an example, not the office's own text: `check` and the start log say so.
    draft: bool = False

    def reason(self, key: str) -> Reason:
        for reason in self.reasons:
            if reason.key == key:
                return reason
        raise KeyError(key)

    # The file's content in canonical JSON (what `version` fingerprints): stored in the
    # database, so an SOP whose file is removed while items follow it can be rebuilt.
    content: str = field(default="", compare=False, repr=False)

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def has_step(self, key: str) -> bool:
        return any(step.key == key for step in self.steps)

    @property
    def first_step(self) -> Step:
        return self.steps[0]

    def next_step(self, key: str, facts: frozenset[str] | None = None) -> Step | None:
        """The step after `key`, or None when `key` is the last one (the item is published).
        With `facts`, a step whose condition (`only_for`) they do not meet is skipped."""
        index = [step.key for step in self.steps].index(key)
        return self._first_from(index + 1, facts)

    def first_step_for(self, facts: frozenset[str]) -> Step:
        """The first step an item with these facts visits (the loader checks there is one)."""
        step = self._first_from(0, facts)
        assert step is not None, "a takedown SOP ends with an unconditional removal step"
        return step

    def _first_from(self, index: int, facts: frozenset[str] | None) -> Step | None:
        for step in self.steps[index:]:
            if facts is None or step.applies(facts):
                return step
        return None

    def role_title(self, key: str) -> str:
        role = self.roles.get(key)
        return role.title if role else key

    def role_titles(self, keys: Iterable[str]) -> str:
        """The roles as people know them, in a stable order: "Kasubbag, Koordinator"."""
        return ", ".join(self.role_title(key) for key in sorted(keys))

    @property
    def design_step(self) -> Step:
        """The one design step (the loader checks there is exactly one)."""
        return next(step for step in self.steps if step.kind is StepKind.DESIGN)

    @property
    def order_roles(self) -> tuple[str, ...]:
        """The roles that order the upload (SOP 5): they hear about a published item and
        about approved files that changed on disk."""
        return tuple(dict.fromkeys(s.role for s in self.steps if s.kind is StepKind.ORDER))

    def accepts_design_at(self, key: str) -> bool:
        """May a new design version be handed in while the item is at step `key`? At the
        design step, and after it (whatever was approved then was approved for other files,
        so review starts again); never before it."""
        keys = [step.key for step in self.steps]
        return key in keys and keys.index(key) >= keys.index(self.design_step.key)


_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,15}$")


def load_default_sop() -> Sop:
    text = resources.files("bot.domain").joinpath("sop_default.toml").read_text(encoding="utf-8")
    return parse_sop(tomllib.loads(text), source="sop_default.toml")


TAKEDOWN_EXAMPLE = "sop_penurunan_draf.toml"


def load_example_takedown_sop() -> Sop:
    """The takedown SOP shipped as an example: an office DRAFT, used until the office names
    its own (`[sop] files`); marked as such (`draft`)."""
    text = resources.files("bot.domain").joinpath(TAKEDOWN_EXAMPLE).read_text(encoding="utf-8")
    return parse_sop(tomllib.loads(text), source=TAKEDOWN_EXAMPLE)


def load_sop(path: Path) -> Sop:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SopError(f"sop.file: cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise SopError(f"sop.file: {path} is not UTF-8 text (save it as UTF-8)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SopError(f"sop.file: {path} is not valid TOML: {exc}") from exc
    return parse_sop(data, source=str(path))


def parse_sop(data: Mapping[str, Any], *, source: str) -> Sop:
    """Build and validate an SOP; every error names the offending key."""
    roles = _parse_roles(data.get("roles"), source)
    purpose = _purpose(data, source)
    steps = tuple(
        _parse_step(raw, f"{source}: steps[{index}]", roles)
        for index, raw in enumerate(_list(data, "steps", source))
    )
    _check_steps(steps, source, purpose)
    prefix = _text(data, "item_prefix", source)
    if not re.fullmatch(r"[A-Z][A-Z0-9]{0,9}", prefix):
        raise SopError(f"{source}: item_prefix: use 1-10 capital letters or digits, e.g. 'JDIH'")
    key = data.get("key", prefix.lower())
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise SopError(f"{source}: key: use lowercase letters, digits and _ (at most 16)")
    reasons = _parse_reasons(data.get("reasons"), source, purpose)
    sop = Sop(
        name=_text(data, "name", source),
        number=_text(data, "number", source),
        item_prefix=prefix,
        roles=roles,
        steps=steps,
        openers=_role_set(data, "openers", roles, source),
        cancellers=_role_set(data, "cancellers", roles, source),
        overseer=data.get("overseer"),
        version=sop_fingerprint(data),
        dated=_date(data, "date", source),
        key=key,
        purpose=purpose,
        reasons=reasons,
        draft=_flag(data, "draft", source),
        content=sop_content(data),
    )
    if sop.overseer is not None and sop.overseer not in roles:
        raise SopError(f"{source}: overseer: unknown role {sop.overseer!r}")
    return sop


def sop_fingerprint(data: Mapping[str, Any]) -> str:
    """12 hex digits of the SHA-256 of the SOP's content in a canonical form: the same for
    the same steps, roles and limits however the file is laid out or commented."""
    return hashlib.sha256(sop_content(data).encode("utf-8")).hexdigest()[:12]


def sop_content(data: Mapping[str, Any]) -> str:
    """The SOP's content in a canonical form (JSON, keys sorted, dates as text): parsed back
    by `parse_sop(json.loads(...))` it is the same SOP with the same fingerprint."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def _parse_roles(raw: Any, source: str) -> dict[str, Role]:
    if not isinstance(raw, Mapping) or not raw:
        raise SopError(f"{source}: roles: at least one role is needed")
    roles: dict[str, Role] = {}
    for key, value in raw.items():
        if not _KEY_RE.match(key):
            raise SopError(f"{source}: roles.{key}: use lowercase letters, digits and _")
        if not isinstance(value, Mapping):
            raise SopError(f"{source}: roles.{key}: must be a table with a title")
        roles[key] = Role(key, _text(value, "title", f"{source}: roles.{key}"))
    return roles


def _parse_step(raw: Any, where: str, roles: Mapping[str, Role]) -> Step:
    if not isinstance(raw, Mapping):
        raise SopError(f"{where}: must be a table")
    key = _text(raw, "key", where)
    if not _KEY_RE.match(key):
        raise SopError(f"{where}.key: use lowercase letters, digits and _ (at most 16)")
    try:
        kind = StepKind(_text(raw, "kind", where))
    except ValueError as exc:
        kinds = ", ".join(kind.value for kind in StepKind)
        raise SopError(f"{where}.kind: must be one of {kinds}") from exc
    role = _text(raw, "role", where)
    if role not in roles:
        raise SopError(f"{where}.role: unknown role {role!r}")
    raw_limit = raw.get("limit")
    if raw_limit is not None and not isinstance(raw_limit, str):
        raise SopError(f"{where}.limit: write it as text, e.g. '30 menit'")
    try:
        limit = Limit.parse(raw_limit) if raw_limit is not None else None
    except ValueError as exc:
        raise SopError(f"{where}.limit: {exc}") from exc
    notify_raw = raw.get("notify_on_return", [])
    if not isinstance(notify_raw, list):
        raise SopError(f"{where}.notify_on_return: must be a list of roles")
    notify = tuple(notify_raw)
    confirm = raw.get("confirm_sources", False)
    if not isinstance(confirm, bool):
        raise SopError(f"{where}.confirm_sources: must be true or false")
    for name in notify:
        if name not in roles:
            raise SopError(f"{where}.notify_on_return: unknown role {name!r}")
    only_for = raw.get("only_for")
    if only_for is not None and only_for not in CONDITIONS:
        names = ", ".join(sorted(CONDITIONS))
        raise SopError(f"{where}.only_for: must be one of {names} (or left out: always)")
    return Step(
        key=key,
        ref=str(raw.get("ref", "")) or key,
        kind=kind,
        role=role,
        title=_text(raw, "title", where),
        limit=limit,
        return_to=raw.get("return_to"),
        confirm_sources=confirm,
        notify_on_return=notify,
        only_for=only_for,
    )


def _parse_reasons(raw: Any, source: str, purpose: SopPurpose) -> tuple[Reason, ...]:
    """A takedown SOP's `[[reasons]]`: each a key, a title and whether it is legal."""
    if purpose is not SopPurpose.TAKEDOWN:
        if raw is not None:
            raise SopError(f"{source}: reasons: only a takedown SOP (purpose = 'takedown') has")
        return ()
    if not isinstance(raw, list) or not raw:
        raise SopError(
            f"{source}: reasons: a takedown SOP lists the reasons to choose from "
            "([[reasons]] with key, title and legal)"
        )
    reasons: list[Reason] = []
    for index, entry in enumerate(raw):
        where = f"{source}: reasons[{index}]"
        if not isinstance(entry, Mapping):
            raise SopError(f"{where}: must be a table with key, title and legal")
        key = _text(entry, "key", where)
        if not _KEY_RE.match(key):
            raise SopError(f"{where}.key: use lowercase letters, digits and _ (at most 16)")
        if any(reason.key == key for reason in reasons):
            raise SopError(f"{where}.key: {key!r} is listed twice; each reason has its own key")
        legal = entry.get("legal")
        if not isinstance(legal, bool):
            raise SopError(f"{where}.legal: must be true or false (is the reason a legal one?)")
        title = _text(entry, "title", where)
        if len(title) > 40:
            raise SopError(f"{where}.title: at most 40 characters (it is a button)")
        reasons.append(Reason(key, title, legal))
    return tuple(reasons)


def _flag(data: Mapping[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise SopError(f"{where}: {key}: must be true or false")
    return value


def _purpose(data: Mapping[str, Any], source: str) -> SopPurpose:
    try:
        return SopPurpose(data.get("purpose", SopPurpose.PUBLISH.value))
    except ValueError as exc:
        purposes = ", ".join(purpose.value for purpose in SopPurpose)
        raise SopError(f"{source}: purpose: must be one of {purposes}") from exc


def _check_steps(steps: tuple[Step, ...], source: str, purpose: SopPurpose) -> None:
    """The workflow's assumptions about the step order, checked once at load time."""
    if not steps:
        raise SopError(f"{source}: steps: at least one step is needed")
    keys = [step.key for step in steps]
    if len(set(keys)) != len(keys):
        raise SopError(f"{source}: steps: step keys must be unique")
    design_indexes = [i for i, step in enumerate(steps) if step.kind is StepKind.DESIGN]
    if purpose is not SopPurpose.PUBLISH:
        if design_indexes:
            raise SopError(f"{source}: steps: only an SOP that publishes has a design step")
        _check_takedown_steps(steps, source)
        return
    for index, step in enumerate(steps):
        if step.kind in _TAKEDOWN_KINDS or step.only_for is not None:
            what = "only_for" if step.kind not in _TAKEDOWN_KINDS else f"kind {step.kind.value!r}"
            raise SopError(
                f"{source}: steps[{index}]: {what} belongs to a takedown SOP (purpose = 'takedown')"
            )
    if len(design_indexes) != 1:
        raise SopError(f"{source}: steps: exactly one step must have kind = 'design'")
    for index, step in enumerate(steps):
        where = f"{source}: steps[{index}]"
        if step.kind is StepKind.REVIEW:
            if step.return_to is None:
                raise SopError(f"{where}.return_to: a review step must say where Return goes")
            if step.return_to not in keys[:index]:
                raise SopError(f"{where}.return_to: must name an earlier step")
            if steps[keys.index(step.return_to)].kind is not StepKind.DESIGN:
                raise SopError(f"{where}.return_to: must name the design step")
        elif step.return_to is not None:
            raise SopError(f"{where}.return_to: only review steps return")
        if step.kind in (StepKind.ORDER, StepKind.POST) and index < design_indexes[0]:
            raise SopError(f"{where}: kind {step.kind.value!r} must come after the design step")


def _check_takedown_steps(steps: tuple[Step, ...], source: str) -> None:
    """A takedown: approvals (some only for some reasons), then the removal of the post."""
    kinds = ", ".join(sorted(kind.value for kind in _TAKEDOWN_KINDS))
    for index, step in enumerate(steps):
        where = f"{source}: steps[{index}]"
        if step.kind not in _TAKEDOWN_KINDS:
            raise SopError(f"{where}.kind: a takedown SOP's steps are of kind {kinds}")
        if step.return_to is not None or step.confirm_sources or step.notify_on_return:
            raise SopError(
                f"{where}: return_to, confirm_sources and notify_on_return belong to a "
                "publishing SOP's review steps"
            )
    removals = [index for index, step in enumerate(steps) if step.kind is StepKind.REMOVAL]
    if removals != [len(steps) - 1]:
        raise SopError(
            f"{source}: steps: a takedown SOP ends with exactly one step of kind 'removal' "
            "(the operator removes the post and confirms each link)"
        )
    if steps[-1].only_for is not None:
        raise SopError(f"{source}: steps[{len(steps) - 1}].only_for: the removal is always done")


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SopError(f"{where}: {key}: a non-empty text is needed")
    return value.strip()


def _date(data: Mapping[str, Any], key: str, where: str) -> date | None:
    value = data.get(key)
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise SopError(f"{where}: {key}: write the SOP's date as 2022-04-01")


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise SopError(f"{where}: {key}: a list is needed")
    return value


def _role_set(
    data: Mapping[str, Any], key: str, roles: Mapping[str, Role], where: str
) -> frozenset[str]:
    names = _list(data, key, where)
    for name in names:
        if name not in roles:
            raise SopError(f"{where}: {key}: unknown role {name!r}")
    return frozenset(names)
