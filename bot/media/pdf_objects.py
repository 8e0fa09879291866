"""The PDF half of bot/media/containers.py, the part that needs pypdf: a module of its own so
pypdf is imported only when a PDF is checked (containers.pdf_problem imports it then)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

from bot.media.containers import MAX_PDF_OBJECTS, PdfProblem

SCRIPT_KEYS = ("/JS", "/JavaScript", "/XFA")  # an action's script, the Names tree, XFA forms
EMBEDDING_KEYS = ("/EmbeddedFiles", "/EF")  # the Names tree of attachments, a file spec's data


def read_pdf(path: Path) -> PdfProblem | None:
    """containers.pdf_problem's work (see there)."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            return PdfProblem.ENCRYPTED
        objects = sum(len(numbers) for numbers in reader.xref.values())
        if objects + len(reader.xref_objStm) > MAX_PDF_OBJECTS:
            return PdfProblem.TOO_COMPLEX
        if len(reader.pages) == 0:
            return PdfProblem.BROKEN
        for obj in _pdf_objects(reader):
            problem = _active_content(obj)
            if problem is not None:
                return problem
    # pypdf raises many kinds of error on hostile input (PdfReadError, but also ValueError,
    # KeyError, TypeError, RecursionError...): whatever it is, the file did not parse.
    except Exception:
        return PdfProblem.BROKEN
    return None


def _pdf_objects(reader: PdfReader) -> Iterator[PdfObject]:
    for generation, numbers in reader.xref.items():
        for number in numbers:
            if (obj := reader.get_object(IndirectObject(number, generation, reader))) is not None:
                yield obj
    for number in reader.xref_objStm:  # objects compressed inside object streams
        if (obj := reader.get_object(number)) is not None:
            yield obj


def _active_content(obj: PdfObject | None) -> PdfProblem | None:
    """Look through one object and its direct parts; references are visited on their own."""
    stack: list[object] = [obj]
    while stack:  # a loop, not recursion: nesting depth is the sender's choice
        item = stack.pop()
        if isinstance(item, DictionaryObject):  # stream objects too: their dictionary
            problem = _dictionary_problem(item)
            if problem is not None:
                return problem
            stack.extend(dict.values(item))  # raw values: references stay unresolved
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
    return None


def _dictionary_problem(item: DictionaryObject) -> PdfProblem | None:
    if any(key in item for key in SCRIPT_KEYS) or _name(item, "/S") == "/JavaScript":
        return PdfProblem.JAVASCRIPT
    if _name(item, "/S") == "/Launch":
        return PdfProblem.LAUNCH
    if (
        any(key in item for key in EMBEDDING_KEYS)
        or _name(item, "/Type") == "/EmbeddedFile"
        or _name(item, "/Subtype") == "/FileAttachment"
    ):
        return PdfProblem.EMBEDDED_FILE
    return None


def _name(item: DictionaryObject, key: str) -> object:
    # `/S 7 0 R` is odd but legal, so a value given by reference is followed (one step).
    value = dict.get(item, key)
    return value.get_object() if isinstance(value, IndirectObject) else value
