"""The [monitoring] and [logging] settings (issue 17): off and plain text unless asked, and a
wrong value named by its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import TOKEN_ENV, ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parent.parent
ENV = {TOKEN_ENV: "123456:health-config-token"}


def parsed(**sections: Any) -> Any:
    return parse_config(sections, base_dir=Path("."), environ=ENV)


def test_the_endpoint_is_off_and_logs_are_text_by_default_as_the_example_documents() -> None:
    bare = parsed()
    example = load_config(ROOT / "config.example.toml", environ=ENV)
    assert bare.monitoring == example.monitoring
    assert bare.logging == example.logging
    assert not bare.monitoring.enabled and bare.monitoring.port is None
    assert bare.monitoring.listen == "127.0.0.1"
    assert (bare.monitoring.outbox_stuck_minutes, bare.monitoring.updates_stale_seconds) == (10, 60)
    assert bare.logging.format == "text"


def test_a_port_turns_the_endpoint_on_and_json_logs_are_chosen_by_name() -> None:
    config = parsed(monitoring={"port": 9464}, logging={"format": "json"})
    assert config.monitoring.enabled and config.monitoring.port == 9464
    assert config.logging.format == "json"


@pytest.mark.parametrize(
    ("sections", "key"),
    [
        ({"monitoring": {"port": "9464"}}, "monitoring.port"),
        ({"monitoring": {"port": 70000}}, "monitoring.port"),
        ({"monitoring": {"listen": "localhost:9464"}}, "monitoring.listen"),
        ({"monitoring": {"outbox_stuck_minutes": 0}}, "monitoring.outbox_stuck_minutes"),
        ({"monitoring": {"updates_stale_seconds": 1.5}}, "monitoring.updates_stale_seconds"),
        ({"monitoring": {"prot": 9464}}, "monitoring.prot"),
        ({"logging": {"format": "xml"}}, "logging.format"),
        ({"logging": {"level": "debug"}}, "logging.level"),
    ],
)
def test_a_wrong_setting_is_named(sections: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parsed(**sections)
