"""Building plain text plus entities, shared by the parse_mode parsers."""

from __future__ import annotations

from typing import Any, NoReturn

from .errors import bad_request

Entities = list[dict[str, Any]]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Bot API entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def fail(reason: str) -> NoReturn:
    raise bad_request(f"can't parse entities: {reason}")


def byte_offset(src: str, index: int) -> int:
    # tdlib reports positions as UTF-8 byte offsets into the original text
    return len(src[:index].encode())


class Builder:
    """Collects plain text and entities while a parser walks the markup."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: Entities = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += utf16_len(text)

    def entity(self, type_: str, start: int, **extra: Any) -> None:
        if self.pos > start:  # Telegram drops empty entities
            self.entities.append(
                {"type": type_, "offset": start, "length": self.pos - start, **extra}
            )

    def result(self) -> tuple[str, Entities]:
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
