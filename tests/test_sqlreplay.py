"""bench.sqlreplay replays a bot's SQL trace (bench --profile) on a fresh database: both ways
reach the state the bot's statements made, even where two connections' transactions were
interleaved in the trace (a writer waited out another's lock)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.sqlreplay import Record, counts, replay_sqlalchemy, replay_sqlite3, serialised, split

SETUP: list[Record] = [
    (1, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)", (), False),
    ("MARK",),
]
# connection 2's write began while connection 1 held the lock: it waited, and went on after
# connection 1's commit, though its BEGIN was recorded first
TIMED: list[Record] = [
    (2, "BEGIN IMMEDIATE", (), False),
    (1, "BEGIN IMMEDIATE", (), False),
    (1, "INSERT INTO notes (text) VALUES (?), (?)", ("a", "b"), True),  # insertmanyvalues
    (1, "COMMIT"),
    (2, "INSERT INTO notes (text) VALUES (?)", [("c",), ("d",)], True),
    (2, "SELECT count(*) FROM notes", (), False),
    (2, "COMMIT"),
    (1, "BEGIN", (), False),
    (1, "SELECT text FROM notes", (), False),
    (1, "ROLLBACK"),
    ("MARK",),
]
TRACE = SETUP + TIMED


def notes(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [text for (text,) in connection.execute("SELECT text FROM notes ORDER BY id")]


def test_the_timed_part_lies_between_the_marks_and_is_counted() -> None:
    before, timed = split(TRACE)
    assert before == SETUP[:1] and timed == TIMED[:-1]
    assert counts(timed) == (7, 3)  # statements with their BEGINs; commits and rollbacks


def test_sqlite3_replays_interleaved_writers_in_the_order_they_committed(tmp_path: Path) -> None:
    path = tmp_path / "replay.db"
    for part in split(TRACE):
        replay_sqlite3(path, serialised(part))
    assert notes(path) == ["a", "b", "c", "d"]


async def test_the_bots_engine_replays_the_same(tmp_path: Path) -> None:
    path = tmp_path / "replay.db"
    for part in split(TRACE):
        await replay_sqlalchemy(path, serialised(part))
    assert notes(path) == ["a", "b", "c", "d"]


def test_replayed_as_recorded_the_second_writer_finds_the_lock_held(tmp_path: Path) -> None:
    path = tmp_path / "replay.db"
    before, timed = split(TRACE)
    replay_sqlite3(path, before)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        replay_sqlite3(path, timed)  # why the replay serialises the transactions
