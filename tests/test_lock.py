"""The lock files (scripts/lock, scripts/lockinputs.py): the runtime lock holds no test tool,
the dev lock pins the runtime part to the same versions, and a dependency added to
pyproject.toml without running scripts/lock stops setup and CI with a message."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)", re.MULTILINE)


def pins(name: str) -> dict[str, str]:
    text = (REPO / name).read_text(encoding="utf-8")
    return {package.lower().replace("_", "-"): version for package, version in PIN.findall(text)}


def test_the_runtime_lock_has_no_test_tools_and_the_dev_lock_the_same_runtime_pins() -> None:
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert "python-telegram-bot" in runtime and "sqlalchemy" in runtime
    assert not {"pytest", "playwright", "ruff", "mypy"} & set(runtime)
    assert {"pytest", "playwright", "uv"} <= set(dev)
    assert {name: dev.get(name) for name in runtime} == runtime
    assert "--hash=sha256:" in (REPO / "requirements.lock").read_text(encoding="utf-8")


def check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(folder / "scripts" / "lockinputs.py"), "check"],
        capture_output=True,
        text=True,
    )


def test_a_dependency_added_without_running_scripts_lock_is_refused(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "lockinputs.py", tmp_path / "scripts")
    for name in ("pyproject.toml", "requirements.lock", "requirements-dev.lock"):
        shutil.copy(REPO / name, tmp_path)
    assert check(tmp_path).returncode == 0, check(tmp_path).stderr

    pyproject = tmp_path / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace("dependencies = [\n", 'dependencies = [\n    "hijridate>=2.5",\n', 1),
        encoding="utf-8",
    )
    refused = check(tmp_path)
    assert refused.returncode == 1
    assert "requirements.lock: pyproject.toml's dependencies changed" in refused.stderr
    assert "run scripts/lock" in refused.stderr
