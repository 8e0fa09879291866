"""What counts as a visible title (bot/domain/names.py)."""

from __future__ import annotations

import pytest

from bot.domain.names import clean_title, visible_length


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        ("PKPU 2", 5),  # the space shows nothing
        ("\u200b\u200c\u200d\ufeff\u2060\u00ad", 0),  # zero-width, joiners, BOM, soft hyphen
        ("\u202a\u202b\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f", 0),  # bidi controls
        (" \t\u3000\u00a0\u2028", 0),  # whitespace of every kind
        ("\u0301\u034f", 0),  # combining marks alone
        ("\u3164\u2800", 0),  # a Hangul filler, a blank Braille pattern
        ("Perpu 👍🏽", 7),  # an emoji with its skin tone is visible
        ("Kepala Bagian \u200dHukum", 17),
    ],
)
def test_visible_length_counts_what_a_reader_sees(text: str, visible: int) -> None:
    assert visible_length(text) == visible


def test_clean_title_drops_bidi_controls_and_extra_spaces() -> None:
    assert clean_title("  PKPU \u202egnp.exe\u202c\n\n Nomor\u200f 2 ") == "PKPU gnp.exe Nomor 2"


def test_clean_title_keeps_joiners_that_build_emoji() -> None:
    family = "👨\u200d👩\u200d👧"
    assert clean_title(f"Hari Keluarga {family}") == f"Hari Keluarga {family}"
