"""The reviewed DOCX's side: its paragraphs and tables, each with the keys it carries.

A paragraph's key bookmarks (``_gg12_intro``) are read back into the guide's keys by
writing every key the guide has the way the DOCX writer names them
(:func:`guidegen.tree.keys.key_text`) and looking them up; a bookmark of a key the guide
no longer has is not one. Tracked changes are taken as the caller decides: accepted
(insertions kept, deletions gone) or rejected (the text as it was); a paragraph whose
mark a tracked change deleted (accepted) or inserted (rejected) is joined to the next,
as Word joins them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from ...tree.keys import bookmark_key_text, key_text
from ..docx.inlines import Changes, inlines
from ..docx.model import Block, Cell, Paragraph, Table, WordDocument
from .expected import owner_of
from .lines import Line, pieces


@dataclass(frozen=True)
class FoundPara:
    """A paragraph of the reviewed DOCX: itself, the keys it carries, and its line."""

    paragraph: Paragraph
    keys: tuple[str, ...]
    line: Line

    @property
    def key(self) -> str:
        """Return its one key ("" if it has none, or several)."""
        return self.keys[0] if len(self.keys) == 1 else ""

    @property
    def heading(self) -> bool:
        """Return whether it is a heading (or the title)."""
        return bool(self.paragraph.heading) or self.paragraph.role == "title"


@dataclass(frozen=True)
class FoundTable:
    """A table of the reviewed DOCX: its rows of cells of paragraphs, and whose it is."""

    table: Table
    owner: str  # comparisons[i], guide.document(.control, .approvals, ...) or "" (none)
    rows: tuple[tuple[tuple[FoundPara, ...], ...], ...]


@dataclass
class Found:
    """The body of the reviewed DOCX, in reading order."""

    body: list[FoundPara | FoundTable] = field(default_factory=list)

    def paragraphs(self) -> Iterable[FoundPara]:
        """Return every paragraph, those in tables too, in reading order."""
        for item in self.body:
            if isinstance(item, FoundPara):
                yield item
            else:
                for row in item.rows:
                    for cell in row:
                        yield from cell


class Reader:
    """Reads a Word document's body against the keys a guide has."""

    def __init__(self, keys: Iterable[str], changes: Changes) -> None:
        self.lookup = {key_text(key): key for key in keys}
        self.changes = changes

    def read(self, document: WordDocument) -> Found:
        """Return the body of ``document`` as :class:`Found`."""
        found = Found()
        for block in self._joined(document.blocks):
            if isinstance(block, Table):
                found.body.append(self.table(block))
            elif block.role != "contents":
                paragraph = self.paragraph(block)
                if paragraph.keys or paragraph.line.text.strip():
                    found.body.append(paragraph)
        return found

    def paragraph(self, paragraph: Paragraph) -> FoundPara:
        """Return ``paragraph`` with its keys and its line."""
        keys = tuple(dict.fromkeys(key for name in paragraph.keys
                                   if (text := bookmark_key_text(name)) is not None
                                   and (key := self.lookup.get(text)) is not None))
        return FoundPara(paragraph, keys, line_of(paragraph, self.changes))

    def table(self, table: Table) -> FoundTable:
        """Return ``table`` read cell by cell, and whose it is (its cells' keys say)."""
        gone = "delete" if self.changes == "accept" else "insert"
        changes = table.row_changes or (None,) * len(table.rows)
        rows = tuple(tuple(self.cell(cell) for cell in row)
                     for row, change in zip(table.rows, changes, strict=True)
                     if change is None or change.kind != gone)
        keys = [key for row in rows for cell in row for p in cell for key in p.keys]
        owners = [owner_of(key) for key in keys]
        counted = {owner: owners.count(owner) for owner in owners if owner}
        owner = max(counted, key=lambda o: counted[o]) if counted else ""
        return FoundTable(table, owner, rows)

    def cell(self, cell: Cell) -> tuple[FoundPara, ...]:
        """Return the paragraphs of ``cell`` (those of a table inside it left out)."""
        return tuple(self.paragraph(p) for p in self._joined(cell.blocks)
                     if isinstance(p, Paragraph))

    def _joined(self, blocks: Sequence[Block]) -> list[Block]:
        """Return ``blocks`` with each paragraph whose mark goes joined to the next."""
        gone = "delete" if self.changes == "accept" else "insert"
        found: list[Block] = []
        pending: Paragraph | None = None
        for block in blocks:
            if pending is not None and isinstance(block, Paragraph):
                block = replace(pending, runs=pending.runs + block.runs,
                                keys=tuple(dict.fromkeys(pending.keys + block.keys)),
                                comments=pending.comments + block.comments,
                                change=block.change)
                pending = None
            elif pending is not None:
                found.append(pending)
                pending = None
            if isinstance(block, Paragraph) and block.change is not None and \
                    block.change.kind == gone:
                pending = block
            else:
                found.append(block)
        if pending is not None:
            found.append(pending)
        return found


def line_of(paragraph: Paragraph, changes: Changes) -> Line:
    """Return ``paragraph`` as a :class:`~.lines.Line`, its tracked changes as ``changes`` says."""
    place = (paragraph.list.ordered, paragraph.list.level) \
        if paragraph.list is not None and not paragraph.heading else None
    return Line(place, pieces(inlines(paragraph.runs, changes)))


__all__ = ["Found", "FoundPara", "FoundTable", "Reader", "line_of"]
