"""The guide's side: what its DOCX shows, block by block, as the DOCX writer lays it out.

The guide is laid out as a build lays it out (its document tree, :mod:`guidegen.layout`);
each block that shows a value of the guide carries its key. Walked in the order the
DOCX writer writes the blocks, the tree gives the body's paragraphs (a list item's
further paragraphs joined to its first by line breaks, as the writer joins them) and
its tables, each paragraph a :class:`~.lines.Line` with its key, so that a reviewed DOCX
can be compared with it paragraph by paragraph.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ...tree import (
    Block,
    Cell,
    Document,
    Fields,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    Paragraph,
    Section,
    Span,
    Table,
    Text,
)
from .lines import Line, pieces, text_of

CAPTIONS = ("label", "who")  # spans that caption a value in its paragraph ("For:", "QA:")
# the document-control block's own fields and tables: owned apart from the title block's
CONTROL_FIELDS = ("status", "supersedes", "review_due")
CONTROL_RECORDS = ("approvals", "history")


@dataclass(frozen=True)
class Para:
    """A paragraph of the DOCX's body as the guide makes it.

    ``key`` is the guide's value it shows (empty: one the layout makes, a matrix's key);
    ``caption`` the text before that value in the paragraph; ``heading`` whether it is a
    heading.
    """

    key: str
    line: Line
    caption: str = ""
    heading: bool = False


@dataclass(frozen=True)
class CellSlot:
    """A table cell as the guide makes it: its text's key and line, its note's key and line."""

    key: str
    line: Line
    note_key: str = ""
    note: Line | None = None
    role: str = ""


@dataclass
class TableSlot:
    """A table of the guide: a matrix (``comparisons[0]``), the control block (``guide.document``).

    ``rows`` holds the cells row by row, the header row first; for the control block,
    one row of its values. ``records``: the approvals or revision history a controlled
    document prints (``guide.document.approvals``), shown, not read back.
    """

    owner: str
    rows: list[list[CellSlot]] = field(default_factory=list)
    fields: bool = False
    records: bool = False


@dataclass
class Expected:
    """The body of the guide's DOCX: paragraphs and tables (as their owners), in order."""

    body: list[Para | TableSlot] = field(default_factory=list)

    def tables(self) -> list[TableSlot]:
        """Return the tables, in order."""
        return [item for item in self.body if isinstance(item, TableSlot)]

    def all_keys(self) -> set[str]:
        """Return every key the document shows."""
        found = {item.key for item in self.body if isinstance(item, Para) and item.key}
        for table in self.tables():
            for row in table.rows:
                for cell in row:
                    found |= {cell.key, cell.note_key} - {""}
        return found


def expected(document: Document) -> Expected:
    """Return what the DOCX of ``document`` shows, as :mod:`guidegen.renderers.docx` writes it."""
    found = Expected()
    for block in document.blocks:
        found.body += _blocks(block, 0)
    return found


def lines_of(blocks: Sequence[Block]) -> list[Line]:
    """Return the Word paragraphs of ``blocks`` (Markdown's), as the DOCX writer makes them."""
    return [item.line for block in blocks for item in _blocks(block, 0)
            if isinstance(item, Para)]


def _blocks(block: Block, depth: int) -> Iterator[Para | TableSlot]:
    if isinstance(block, Section):
        for child in block.children:
            yield from _blocks(child, depth)
    elif isinstance(block, Heading):
        yield Para(block.key, Line(None, ((block.text, frozenset()),)), heading=True)
    elif isinstance(block, Paragraph):
        yield _para(block.key, block.inlines, None)
    elif isinstance(block, ListBlock):
        for item in block.items:
            lead = item[0] if item and isinstance(item[0], Paragraph) else None
            joined: list[Inline] = list(lead.inlines) if lead else []
            rest = item[1 if lead is not None else 0:]
            for child in rest:
                if isinstance(child, Paragraph):
                    joined += [LineBreak(), *child.inlines]
            yield _para(lead.key if lead else "", tuple(joined), (block.ordered, depth))
            for child in rest:
                if not isinstance(child, Paragraph):
                    yield from _blocks(child, depth + 1)
    elif isinstance(block, Table):
        yield _table(block)
    elif isinstance(block, Fields) and block.keys:
        owner = owner_of(next(key for key in block.keys if key))
        yield TableSlot(owner, [[CellSlot(key, Line(None, ((value, frozenset()),)))
                                 for key, (_, value) in zip(block.keys, block.items,
                                                            strict=True)]], fields=True)
    elif isinstance(block, Fields):
        yield TableSlot("", fields=True)
    # pictures (a paragraph without text) and contents (read as such) have no paragraph here


def _para(key: str, inlines: tuple[Inline, ...], place: tuple[bool, int] | None) -> Para:
    """Return a paragraph of ``inlines``: a caption span first is not part of its value."""
    caption = ""
    if inlines and isinstance(inlines[0], Span) and inlines[0].role in CAPTIONS and key:
        count = 1 + (len(inlines) > 1 and isinstance(inlines[1], Text)
                     and not inlines[1].text.strip())
        caption, inlines = text_of(inlines[:count]), inlines[count:]
    return Para(key, Line(place, pieces(inlines)), caption)


def _table(table: Table) -> TableSlot:
    rows = [[_cell(cell) for cell in table.head], *([_cell(cell) for cell in row]
                                                    for row in table.rows)]
    owner = next((found for row in rows for cell in row
                  if cell.key and (found := owner_of(cell.key))), "")
    return TableSlot(owner, rows, records=owner.endswith(CONTROL_RECORDS))


def owner_of(key: str) -> str:
    """Return whose table a cell's key says it is in.

    A matrix's (``comparisons[0]``), the title block's (``guide.document``), or the
    document-control block's: its fields (``guide.document.control``), its approvals or
    revision history (``guide.document.approvals``); "" for none of these.
    """
    if key.startswith("comparisons["):
        return key.split(".", 1)[0]
    if not key.startswith("guide.document."):
        return ""
    name = key.removeprefix("guide.document.").split("[", 1)[0].split(".", 1)[0]
    if name in CONTROL_RECORDS:
        return f"guide.document.{name}"
    return "guide.document.control" if name in CONTROL_FIELDS else "guide.document"


def _cell(cell: Cell) -> CellSlot:
    note = Line(None, pieces(cell.note)) if cell.note else None
    return CellSlot(cell.key, Line(None, pieces(cell.inlines)), cell.note_key, note,
                    cell.role or ("header" if cell.header else ""))


__all__ = ["CAPTIONS", "CellSlot", "Expected", "Para", "TableSlot", "expected", "lines_of",
           "owner_of"]
