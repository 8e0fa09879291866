"""deploy/: the systemd units pass `systemd-analyze verify` with no warning (skipped only
where the tool is not installed; CI installs it), run the bot hardened as its own user with
the data directory as the one writable place, and the server and container configurations
put everything the bot writes there. The container itself cannot be built here (no registry
to pull a base image from): its recipe is checked for what the issue asks."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config
from bot.instance import EXIT_ANOTHER_INSTANCE

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
UNITS = ["jdih-bot.service", "jdih-bot-backup.service", "jdih-bot-backup.timer"]
VENV_PYTHON = "/opt/jdih-bot/.venv/bin/python"


def verify(folder: Path, names: list[str]) -> tuple[int, str]:
    done = subprocess.run(
        ["systemd-analyze", "verify", *(str(folder / name) for name in names)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stderr + done.stdout


@pytest.fixture
def units(tmp_path: Path) -> Path:
    """The units as installed, with the interpreter that exists here (verify checks that
    ExecStart names an executable)."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8").replace(VENV_PYTHON, sys.executable)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_units_pass_systemd_analyze_verify_without_a_warning(units: Path) -> None:
    code, said = verify(units, UNITS)
    assert code == 0 and said.strip() == "", said


def test_verify_as_used_here_catches_a_misspelt_setting(units: Path) -> None:
    unit = units / "jdih-bot.service"
    unit.write_text(unit.read_text().replace("ProtectSystem=strict", "ProtectSytem=strict"))
    _code, said = verify(units, ["jdih-bot.service"])
    assert "ProtectSytem" in said  # reported (as a warning, exit code 0): the test reads it


def service(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser["Service"]


def test_the_bot_runs_as_its_own_user_hardened_and_is_not_restarted_into_a_refusal() -> None:
    bot = service("jdih-bot.service")
    assert bot["User"] == "jdih-bot" and bot["Restart"] == "on-failure"
    assert bot["EnvironmentFile"] == "/etc/jdih-bot/env"
    assert {"2", str(EXIT_ANOTHER_INSTANCE)} <= set(bot["RestartPreventExitStatus"].split())
    for name in ("jdih-bot.service", "jdih-bot-backup.service"):
        unit = service(name)
        assert unit["ProtectSystem"] == "strict"
        assert unit["PrivateTmp"] == unit["NoNewPrivileges"] == unit["ProtectHome"] == "yes"
        assert unit["ReadWritePaths"] == "/var/lib/jdih-bot"
        assert unit["CapabilityBoundingSet"] == ""
        assert "backup" in unit["ExecStart"] or unit["ExecStart"].endswith(" run")


@pytest.mark.parametrize(
    ("config", "writable"),
    [("config.server.toml", "/var/lib/jdih-bot"), ("config.docker.toml", "/data")],
)
def test_everything_the_bot_writes_lies_in_the_one_writable_place(
    config: str, writable: str
) -> None:
    loaded = load_config(DEPLOY / config, environ={"JDIH_BOT_TOKEN": "1:x"})
    places = [loaded.files_dir, loaded.archive_dir, loaded.backup.dir]
    if loaded.database_url.startswith("sqlite"):
        places.append(Path(loaded.database_url.split(":///", 1)[1]))
    for place in places:
        assert place.is_relative_to(writable), place


def test_the_container_installs_the_lock_and_runs_without_root() -> None:
    recipe = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in recipe
    assert "pip install --require-hashes -r requirements.lock" in recipe
    assert "\nUSER jdih\n" in recipe and 'VOLUME ["/data"]' in recipe
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert "image: postgres:15" in compose and "condition: service_healthy" in compose
