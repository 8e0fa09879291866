"""What counts as a visible title (bot/domain/names.py)."""

from __future__ import annotations

import pytest

from bot.domain.names import clean_title, name_with_roles, names_beside_title, visible_length


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


# --- a person with their role titles, each said once (issue 13) ----------------------------

KASUBBAG_TITLE = "Kasubbag Hukum / Ketua Tim Teknis"
OPERATOR_TITLE = "Admin/Operator Media Sosial"


@pytest.mark.parametrize(
    ("name", "titles", "shown"),
    [
        ("Budi", [KASUBBAG_TITLE], "Budi (Kasubbag Hukum / Ketua Tim Teknis)"),
        # the configured name already says the role: the title is not added again
        ("Sari (Kasubbag Hukum)", [KASUBBAG_TITLE], "Sari (Kasubbag Hukum)"),
        ("Sari, Ketua Tim Teknis", [KASUBBAG_TITLE], "Sari, Ketua Tim Teknis"),
        ("Sari (kasubbag hukum)", [KASUBBAG_TITLE], "Sari (kasubbag hukum)"),  # any case
        ("Budi (Operator)", [OPERATOR_TITLE], "Budi (Operator)"),  # the remark is in the title
        ("Pak Sekretaris", ["Sekretaris"], "Pak Sekretaris"),
        # whole words only: "Admin" is not in "Administrasi", "Ketua" alone is no title
        ("Rina Administrasi", ["Admin"], "Rina Administrasi (Admin)"),
        ("Ketua Budi", [KASUBBAG_TITLE], "Ketua Budi (Kasubbag Hukum / Ketua Tim Teknis)"),
        # several roles: only the ones the name does not carry, each once
        (
            "Sari (Kasubbag Hukum)",
            [KASUBBAG_TITLE, "Koordinator", KASUBBAG_TITLE],
            "Sari (Kasubbag Hukum) (Koordinator)",
        ),
        ("Admin TI", [], "Admin TI"),  # no role: the name alone
        ("Budi (Pak)", [KASUBBAG_TITLE], "Budi (Pak) (Kasubbag Hukum / Ketua Tim Teknis)"),
    ],
)
def test_a_name_shows_the_role_titles_it_does_not_already_carry(
    name: str, titles: list[str], shown: str
) -> None:
    assert name_with_roles(name, titles) == shown


@pytest.mark.parametrize(
    ("names", "title", "shown"),
    [
        # the title is said first, so the name's own remark would say it twice
        (["Sari (Kasubbag Hukum)"], "Kasubbag Hukum / Ketua Tim Teknis", "Sari"),
        (["Sari (Kasubbag Hukum)", "Budi Santoso"], "Kasubbag Hukum", "Sari, Budi Santoso"),
        # a remark the title does not say stays: it tells the two apart
        (["Sari (Kecamatan Kahayan)"], "Kasubbag Hukum", "Sari (Kecamatan Kahayan)"),
        ([], "Kasubbag Hukum", "-"),
    ],
)
def test_names_after_their_role_title_say_the_title_once(
    names: list[str], title: str, shown: str
) -> None:
    assert names_beside_title(names, title) == shown
