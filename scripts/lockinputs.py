"""The fingerprint of what a lock file was compiled from: pyproject.toml's dependencies (and,
for the dev lock, the test extra). scripts/lock writes it into each lock's header;
`scripts/lock --check` and scripts/setup compare it, so a dependency added to pyproject.toml
without running scripts/lock fails at once with a message that says so.

    python scripts/lockinputs.py print runtime|dev     the fingerprint of pyproject.toml now
    python scripts/lockinputs.py check                 exit 1 (with a message) on a stale lock
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = {"runtime": "requirements.lock", "dev": "requirements-dev.lock"}
EXTRAS = {"runtime": [], "dev": ["test"]}
HEADER = "# pyproject-inputs-sha256: "


def fingerprint(kind: str, pyproject: Path = ROOT / "pyproject.toml") -> str:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    inputs = {
        "requires-python": project.get("requires-python", ""),
        "dependencies": sorted(project.get("dependencies", [])),
        "extras": {
            name: sorted(project.get("optional-dependencies", {}).get(name, []))
            for name in EXTRAS[kind]
        },
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recorded(lock: Path) -> str | None:
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(HEADER):
            return line[len(HEADER) :].strip()
    return None


def stale(kinds: list[str]) -> list[str]:
    """The lock files that do not match pyproject.toml, each with the reason."""
    problems = []
    for kind in kinds:
        lock = ROOT / LOCKS[kind]
        found = recorded(lock)
        if found is None:
            problems.append(f"{lock.name}: missing, or has no '{HEADER.strip()}' line")
        elif found != fingerprint(kind):
            problems.append(f"{lock.name}: pyproject.toml's dependencies changed since it was made")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "print" and argv[1] in LOCKS:
        print(fingerprint(argv[1]))
        return 0
    if argv and argv[0] == "check":
        problems = stale(argv[1:] or list(LOCKS))
        for problem in problems:
            print(f"lock out of date: {problem}", file=sys.stderr)
        if problems:
            print("run scripts/lock and commit the lock files", file=sys.stderr)
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
