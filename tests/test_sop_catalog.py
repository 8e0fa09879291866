"""Several SOPs side by side: which is the default, and the mistakes an office could make
when it lists more than one (each named, so the config can be fixed)."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, parse_config
from bot.domain.sop import SopError, SopPurpose, parse_sop
from bot.domain.sop_catalog import SopCatalog

DEFAULT_SOP = Path(__file__).resolve().parents[1] / "bot" / "domain" / "sop_default.toml"
ENV = {"JDIH_BOT_TOKEN": "123456789:AAH-catalog-test"}


def raw_default() -> dict[str, Any]:
    return tomllib.loads(DEFAULT_SOP.read_text(encoding="utf-8"))


def second_sop(**changes: Any) -> dict[str, Any]:
    """A second publishing SOP: the default with its own prefix and a shorter design step."""
    data = copy.deepcopy(raw_default())
    data.update({"name": "Pengunggahan Berita", "number": "SOP No. 9", "item_prefix": "BRT"})
    data["steps"][1]["limit"] = "2 jam"
    data.update(changes)
    return data


def test_the_key_defaults_to_the_prefix_and_the_first_publishing_sop_is_the_default() -> None:
    jdih = parse_sop(raw_default(), source="jdih.toml")
    berita = parse_sop(second_sop(), source="berita.toml")
    catalog = SopCatalog((jdih, berita))
    assert (jdih.key, berita.key) == ("jdih", "brt")
    assert catalog.default is jdih
    assert catalog.of(None) is jdih and catalog.of("brt") is berita
    assert catalog.takedown is None
    with pytest.raises(KeyError):
        catalog.get("hilang")


def test_two_sops_with_one_prefix_are_refused_naming_both() -> None:
    jdih = parse_sop(raw_default(), source="jdih.toml")
    twin = parse_sop(second_sop(item_prefix="JDIH", key="kembar"), source="kembar.toml")
    with pytest.raises(SopError, match=r"'kembar'.*'jdih'.*item_prefix 'JDIH'"):
        SopCatalog((jdih, twin))


def test_a_role_titled_differently_in_two_sops_is_refused() -> None:
    data = second_sop()
    data["roles"]["kasubbag"]["title"] = "Kepala Subbagian"
    with pytest.raises(SopError, match=r"roles\.kasubbag"):
        SopCatalog((parse_sop(raw_default(), source="a"), parse_sop(data, source="b")))


def test_an_office_needs_a_publishing_sop_and_a_purpose_is_one_of_two() -> None:
    with pytest.raises(SopError, match="purpose: must be one of publish, takedown"):
        parse_sop(second_sop(purpose="hapus"), source="x.toml")
    with pytest.raises(SopError, match="at least one SOP must publish"):
        SopCatalog(())
    assert parse_sop(raw_default(), source="a").purpose is SopPurpose.PUBLISH


def test_config_lists_several_sop_files(tmp_path: Path) -> None:
    (tmp_path / "jdih.toml").write_text(DEFAULT_SOP.read_text(encoding="utf-8"), "utf-8")
    berita = DEFAULT_SOP.read_text(encoding="utf-8").replace(
        'item_prefix = "JDIH"', 'item_prefix = "BRT"'
    )
    (tmp_path / "berita.toml").write_text(berita, "utf-8")
    config = parse_config(
        {"sop": {"files": ["jdih.toml", "berita.toml"]}}, base_dir=tmp_path, environ=ENV
    )
    # with the example takedown SOP, as none of the office's is one
    assert [sop.key for sop in config.sops] == ["jdih", "brt", "penurunan"]
    assert config.sop.key == "jdih"
    with pytest.raises(ConfigError, match=r"either file .* or files"):
        parse_config(
            {"sop": {"file": "jdih.toml", "files": ["berita.toml"]}}, base_dir=tmp_path, environ=ENV
        )
    with pytest.raises(ConfigError, match="two SOPs have the key 'jdih'"):
        parse_config({"sop": {"files": ["jdih.toml", "jdih.toml"]}}, base_dir=tmp_path, environ=ENV)


def test_the_catalog_names_roles_and_who_opens_across_its_sops() -> None:
    jdih = parse_sop(raw_default(), source="jdih.toml")
    berita = parse_sop(second_sop(openers=["kasubbag"], key="berita"), source="b.toml")
    catalog = SopCatalog((jdih, berita))
    assert catalog.role_title("kasubbag") == "Kasubbag Hukum / Ketua Tim Teknis"
    assert catalog.role_title("hilang") == "hilang"
    assert catalog.openers == {"koordinator", "kasubbag"}
    assert catalog.overseers == {"sekretaris"} and catalog.cancellers == {"kasubbag"}
    assert catalog.find("hilang") is jdih and catalog.find("berita") is berita


def test_a_retired_sop_runs_its_items_but_is_offered_for_nothing_new() -> None:
    jdih = parse_sop(raw_default(), source="jdih.toml")
    berita = parse_sop(second_sop(key="berita"), source="b.toml")
    catalog = SopCatalog((jdih,)).with_retired([berita])
    assert catalog.of("berita") is berita and catalog.default is jdih
    assert catalog.publishing == (jdih,)
    assert list(catalog) == [jdih, berita] and len(catalog) == 2


def test_an_sop_is_rebuilt_from_its_stored_content_as_it_was() -> None:
    """What the database keeps of an SOP (its content, canonical JSON, dates as text) gives
    the same SOP back: the same fingerprint, steps and limits."""
    import json

    jdih = parse_sop(raw_default(), source="jdih.toml")
    again = parse_sop(json.loads(jdih.content), source="snapshot")
    assert again == jdih and again.version == jdih.version and again.dated == jdih.dated


def test_one_sop_files_errors_keep_their_wording(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"sop\.file: cannot read"):
        parse_config({"sop": {"file": "hilang.toml"}}, base_dir=tmp_path, environ=ENV)
    with pytest.raises(ConfigError, match=r"sop\.files: must be a list of paths"):
        parse_config({"sop": {"files": "jdih.toml"}}, base_dir=tmp_path, environ=ENV)
    broken = DEFAULT_SOP.read_text(encoding="utf-8").replace('kind = "design"', 'kind = "x"')
    (tmp_path / "rusak.toml").write_text(broken, "utf-8")
    (tmp_path / "jdih.toml").write_text(DEFAULT_SOP.read_text(encoding="utf-8"), "utf-8")
    with pytest.raises(ConfigError, match=r"rusak\.toml: steps\[1\]"):
        parse_config(
            {"sop": {"files": ["jdih.toml", "rusak.toml"]}}, base_dir=tmp_path, environ=ENV
        )
