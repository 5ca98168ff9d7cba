"""What reviewers left in a DOCX besides its text: tracked changes and comments, located.

Each pending tracked change (an insertion, a deletion, a paragraph break made or undone,
a formatting change, a table row added or removed) and each comment is said at its
paragraph of the DOCX (with its page, where Word noted its pages) and with the value of
the guide it is in, by whom and when.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ...errors import Location, Problem
from ..docx.model import Block, Change, Paragraph, Table, WordDocument
from .found import FoundPara

_KINDS = {"insert": "an insertion", "delete": "a deletion", "format": "a formatting change"}
_MARKS = {"insert": "a paragraph break inserted", "delete": "a paragraph break deleted",
          "format": "a paragraph's formatting changed"}
_ROWS = {"insert": "a table row inserted", "delete": "a table row deleted"}
SHORT = 60  # characters of a change's text quoted


@dataclass(frozen=True)
class Note:
    """A tracked change or comment: where, in which value, what, by whom and when."""

    where: Location
    what: str
    author: str = ""
    date: str = ""
    text: str = ""

    def problem(self, key: str, severity: str = "error") -> Problem:
        """Return this note as a message at its paragraph, about the value ``key``."""
        when = f" on {self.date[:10]}" if self.date else ""
        said = f': "{quoted(self.text)}"' if self.text else ""
        return Problem(self.where, f"{self.what} by {self.author or '?'}{when}{said}", key,
                       "error" if severity == "error" else "warning")


def quoted(text: str, size: int = SHORT) -> str:
    """Return ``text`` on one line, cut with an ellipsis after ``size`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1] + "…"


def tracked(document: WordDocument) -> list[Note]:
    """Return every pending tracked change of ``document``, in reading order."""
    found: list[Note] = []
    for block in document.blocks:
        found += _block_changes(block)
    return found


def _block_changes(block: Block) -> Iterator[Note]:
    if isinstance(block, Table):
        for n, row in enumerate(block.rows):
            change = block.row_changes[n] if n < len(block.row_changes) else None
            if change is not None:
                yield _note(block.location, _ROWS[change.kind], change,
                            " | ".join(cell.text for cell in row))
            for cell in row:
                for inner in cell.blocks:
                    yield from _block_changes(inner)
        return
    yield from _paragraph_changes(block)


def _paragraph_changes(paragraph: Paragraph) -> Iterator[Note]:
    """Return the paragraph's changes: each run of text one change made, then its mark's."""
    for changed in ("change", "restyled"):
        group: tuple[Change, str] | None = None
        for run in paragraph.runs:
            change = getattr(run, changed)
            if group is not None and change == group[0]:
                group = (group[0], group[1] + run.text)
                continue
            if group is not None:
                yield _note(paragraph.location, _KINDS[group[0].kind], *group)
            group = (change, run.text) if change is not None else None
        if group is not None:
            yield _note(paragraph.location, _KINDS[group[0].kind], *group)
    for change in (paragraph.change, paragraph.restyled):
        if change is not None:
            yield _note(paragraph.location, _MARKS[change.kind], change, "")


def _note(where: Location, what: str, change: Change, text: str) -> Note:
    return Note(where, what, change.author, change.date, text)


def comments(document: WordDocument) -> list[Note]:
    """Return the comments of ``document``, each at the paragraph it is anchored to."""
    return [Note(comment.location or Location(document.file), "a comment", comment.author,
                 comment.date, comment.text) for comment in document.comments]


def keys_of(paragraphs: Sequence[FoundPara],
            assigned: dict[str, list[FoundPara]]) -> Callable[[Location], str]:
    """Return the function giving the key of the paragraph at a location ("" if none)."""
    by_line: dict[int | None, str] = {}
    for key, found in assigned.items():
        for paragraph in found:
            by_line[paragraph.paragraph.location.line] = key
    for paragraph in paragraphs:
        if paragraph.key:
            by_line.setdefault(paragraph.paragraph.location.line, paragraph.key)
    return lambda where: by_line.get(where.line, "")


__all__ = ["Note", "comments", "keys_of", "quoted", "tracked"]
