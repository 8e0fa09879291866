"""The office's SOPs side by side: the publishing SOP(s) an item is opened under, and the
takedown SOP a published item is taken down under. Each item names its SOP by key, and
follows that SOP's steps, roles and limits; the roles are the office's, shared by all."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from bot.domain.sop import TAKEDOWN_EXAMPLE, Role, Sop, SopError, SopPurpose


@dataclass(frozen=True, slots=True)
class SopCatalog:
    sops: tuple[Sop, ...]  # in the configured order; the first publishing SOP is the default
    # SOPs whose file is gone while items still follow them: rebuilt from the snapshot stored
    # in the database, they run those items to the end and are offered for nothing new.
    retired: tuple[Sop, ...] = ()

    def __post_init__(self) -> None:
        _check(self.sops)

    def __iter__(self) -> Iterator[Sop]:
        """Every SOP an item may follow: the configured ones, then the retired ones."""
        return iter((*self.sops, *self.retired))

    def __len__(self) -> int:
        return len(self.sops) + len(self.retired)

    def with_retired(self, retired: Iterable[Sop]) -> SopCatalog:
        return SopCatalog(self.sops, tuple(retired))

    @property
    def default(self) -> Sop:
        """The SOP of /baru when the member is not asked which one, and of the items stored
        before SOPs had keys."""
        return self.publishing[0]

    @property
    def publishing(self) -> tuple[Sop, ...]:
        """The SOPs a new item can be opened under (/baru offers them when more than one)."""
        return tuple(sop for sop in self.sops if sop.purpose is SopPurpose.PUBLISH)

    @property
    def takedown(self) -> Sop | None:
        """The SOP a published item is taken down under; None when the office has none."""
        return next((sop for sop in self.sops if sop.purpose is SopPurpose.TAKEDOWN), None)

    def get(self, key: str) -> Sop:
        for sop in self:
            if sop.key == key:
                return sop
        raise KeyError(key)

    def of(self, key: str | None) -> Sop:
        """The SOP an item follows: its key, or the default for an item without one."""
        return self.default if key is None else self.get(key)

    def find(self, key: str | None) -> Sop:
        """The SOP of that key, or the default one when the key is unknown (a message owed
        under an SOP no longer in the office's files): for naming, never for deciding."""
        try:
            return self.of(key)
        except KeyError:
            return self.default

    def role_title(self, key: str) -> str:
        """A role's title, the same in every SOP (checked at load)."""
        role = self.roles.get(key)
        return role.title if role else key

    def role_titles(self, keys: Iterable[str]) -> str:
        """The roles as people know them, in a stable order: "Kasubbag, Koordinator"."""
        return ", ".join(self.role_title(key) for key in sorted(keys))

    @property
    def openers(self) -> frozenset[str]:
        """The roles that may open an item under at least one SOP."""
        return frozenset().union(*(sop.openers for sop in self.publishing))

    @property
    def cancellers(self) -> frozenset[str]:
        """The roles that may cancel an item of at least one SOP."""
        return frozenset().union(*(sop.cancellers for sop in self))

    @property
    def overseers(self) -> frozenset[str]:
        """The SOPs' overseers (the secretary, in most offices)."""
        return frozenset(sop.overseer for sop in self if sop.overseer is not None)

    @property
    def roles(self) -> Mapping[str, Role]:
        """Every role of every SOP: the office's roles, which members are given."""
        roles: dict[str, Role] = {}
        for sop in self:
            for key, role in sop.roles.items():
                roles.setdefault(key, role)
        return roles


def takedown_sop_line(sops: SopCatalog) -> str:
    """Which SOP takedowns follow; the shipped example is named as the draft it is."""
    sop = sops.takedown
    if sop is None:
        return "takedown SOP: none (published items cannot be taken down)"
    if sop.draft:
        return (
            f"takedown SOP: the EXAMPLE DRAFT shipped with the bot ({TAKEDOWN_EXAMPLE}), "
            "not the office's own: write the office's takedown SOP and list it in [sop] files"
        )
    return f"takedown SOP: {sop.name} ({sop.number})"


def as_catalog(sops: Sop | SopCatalog) -> SopCatalog:
    """One SOP (as most tests and older callers give it) or the office's catalog."""
    return sops if isinstance(sops, SopCatalog) else SopCatalog((sops,))


def _check(sops: tuple[Sop, ...]) -> None:
    if not any(sop.purpose is SopPurpose.PUBLISH for sop in sops):
        raise SopError("sop: at least one SOP must publish (purpose = 'publish')")
    if sum(sop.purpose is SopPurpose.TAKEDOWN for sop in sops) > 1:
        raise SopError("sop: at most one SOP may be the takedown SOP (purpose = 'takedown')")
    seen_keys: dict[str, Sop] = {}
    seen_prefixes: dict[str, Sop] = {}
    titles: dict[str, tuple[str, Sop]] = {}
    for sop in sops:
        if sop.key in seen_keys:
            raise SopError(f"sop: two SOPs have the key {sop.key!r} ({_named(sop)})")
        if sop.item_prefix in seen_prefixes:
            other = seen_prefixes[sop.item_prefix]
            raise SopError(
                f"sop: {_named(sop)} and {_named(other)} both use item_prefix "
                f"{sop.item_prefix!r}; give each SOP its own prefix"
            )
        seen_keys[sop.key] = seen_prefixes[sop.item_prefix] = sop
        for key, role in sop.roles.items():
            first = titles.setdefault(key, (role.title, sop))
            if first[0] != role.title:
                raise SopError(
                    f"sop: roles.{key} is {first[0]!r} in {_named(first[1])} but "
                    f"{role.title!r} in {_named(sop)}; one role has one title in every SOP"
                )


def _named(sop: Sop) -> str:
    return f"{sop.key!r} ({sop.number})"
