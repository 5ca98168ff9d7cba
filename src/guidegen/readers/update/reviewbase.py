"""What a review's parts share: the guide, what its DOCX says, and the edits found so far.

:class:`ReviewBase` is the part of a review (:class:`~.review.Review`) its tables
(:class:`~.tables.Table`) take: they add edits (a value set or deleted, a matrix cell's
mark, text and note) and warn about what is not applied, through it. So the review
imports its tables, and they import only this.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ...content.model import Guide
from ...errors import Location, warn
from ..docx.inlines import Changes
from ..docx.model import Paragraph, Run
from ..yamltext import Path_, Plain, Prose, Quoted
from .body import Matched, parse_key
from .edits import Edit
from .expected import CellSlot, Expected
from .found import line_of
from .lines import Line
from .values import NotAppliedError, Values

# optional values: deleting all their text removes them from the guide
OPTIONAL = ("subtitle", "audience", "status", "approver", "intro", "comparisons_intro", "note")


class ReviewBase:
    """The edits a reviewed DOCX makes to one guide, as they are found (:mod:`.review`)."""

    def __init__(self, guide: Guide, data: dict[str, Any], expected: Expected,
                 matched: Matched, values: Values, heading: str, changes: Changes) -> None:
        self.guide = guide
        self.data = data  # the guide file's values, as written
        self.expected = expected
        self.matched = matched
        self.values = values
        self.heading = heading  # a subject's heading: "{name} ({short})" in its language
        self.changes = changes
        self.edits: list[Edit] = []

    def delete(self, key: str, where: Location | None) -> None:
        """Delete the value ``key`` if the guide can do without it; else warn."""
        path = parse_key(key)
        if isinstance(path[-1], int) or path[-1] in OPTIONAL:
            self.edits.append(Edit("delete", path, where=where))
        else:
            self.unapplied(where, key, "all its text was deleted, but the guide needs it")

    def cell_edit(self, path: Path_, slot: CellSlot, value: list[Paragraph],
                  note: list[Paragraph], where: Location) -> None:
        """Add the edit of a matrix cell: its mark or text, and its note."""
        value_line = line_of(value[0], self.changes) if value else Line(None, ())
        note_lines = [line_of(p, self.changes) for p in note]
        same_value = value_line.same_text(slot.line) if slot.role in ("mark", "header") \
            else value_line == slot.line
        same_note = note_lines == ([slot.note] if slot.note else [])
        if same_value and same_note:
            return
        if slot.role == "header":  # the criterion: plain text, and the row's note
            if not same_value:
                self.set(path, self.values.plain(value[0]) if value else "", where)
            if not same_note:
                self.note((*path[:-1], "note"), note, where)
            return
        old = self._old(path)
        written = old.get("value") if isinstance(old, dict) else old
        mark, said = (self.values.cell(path, value[0]) if value and not same_value
                      else (_as_written(written), ""))
        if said and note:
            raise NotAppliedError("a note on the mark's line and in a paragraph of its own")
        text = said or (self.values.inline((*path, "note"), _joined(note)) if note else "")
        self.set(path, {"value": mark, "note": text} if text else mark, where)

    def note(self, path: Path_, note: list[Paragraph], where: Location) -> None:
        """Set (or delete, if gone) a row's note."""
        if note:
            self.set(path, self.values.inline(path, _joined(note)), where)
        else:
            self.edits.append(Edit("delete", path, where=where))

    def set(self, path: Path_, value: Any, where: Location | None) -> None:
        """Add an edit setting ``path`` to ``value`` (if it says something new)."""
        if _written_as(value) != _written_as(self._old(path)):
            self.edits.append(Edit("set", path, value, where=where))

    def _old(self, path: Path_) -> Any:
        data: Any = self.data
        for part in path:
            try:
                data = data[part]
            except (KeyError, IndexError, TypeError):
                return None
        return data

    def unapplied(self, where: Location | None, key: str, why: str) -> None:
        """Warn that what the DOCX says of ``key`` is not applied, and why."""
        warn(where or Location(self.values.draft.file), f"{why}; not applied", key)


def _joined(paragraphs: Sequence[Paragraph]) -> Paragraph:
    """Return ``paragraphs`` as one (a note written over several lines)."""
    first = paragraphs[0]
    runs: list[Run] = []
    for paragraph in paragraphs:
        if runs:
            runs.append(Run(" "))
        runs += paragraph.runs
    return replace(first, runs=tuple(runs))


def _as_written(value: Any) -> Any:
    """Return a cell's value from the file as it goes into a new mapping: a mark plain."""
    text = str(value)
    if text.strip().lower() in ("yes", "no", "partial", "true", "false"):
        return Plain(text)
    return Quoted(text) if re.fullmatch(r"[^\W\d_]+", text) else text


def _written_as(value: Any) -> Any:
    """Return ``value`` as compared with the file's: text, marks in lower case."""
    if isinstance(value, dict):
        return {key: _written_as(item) for key, item in value.items()}
    if isinstance(value, Prose):
        return value.strip()
    if isinstance(value, str):
        text = value.strip()
        return _MARKS.get(text.lower(), text)
    return value


_MARKS = {"yes": "yes", "true": "yes", "no": "no", "false": "no", "partial": "partial"}


__all__ = ["OPTIONAL", "ReviewBase"]
