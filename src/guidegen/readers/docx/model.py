"""What a Word document says, as the DOCX reader found it: paragraphs, runs, tables.

This is the reader's own vocabulary, close to WordprocessingML and free of any guide's
structure: paragraphs with their style, list place, bookmarks and runs (text with bold,
italic, code and links, and whether a tracked change inserted or deleted it), tables of
cells, comments, and what could not be read as text (a text box, a footnote, a field),
each with the paragraph it was found in. ``guidegen import`` maps it onto a guide;
bringing reviewed edits home maps it onto the YAML it was built from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ...errors import Location

EXCERPT = 30  # characters of a paragraph quoted in a warning's place


@dataclass(frozen=True, order=True)
class ParagraphLocation(Location):
    """A paragraph of a Word document: prints as ``old.docx: paragraph 37 "Text of it…"``.

    ``line`` is the paragraph's number, counted from 1 through the whole document
    (tables and text boxes included), in reading order; ``page`` the page it starts on
    when the file says (Word notes where its pages broke when it saves), else 0.
    """

    excerpt: str = ""
    page: int = 0
    in_text: ClassVar[bool] = False  # a paragraph's number, not a line of text to show

    def __str__(self) -> str:
        quoted = f' "{self.excerpt}"' if self.excerpt else ""
        page = f"page {self.page}, " if self.page else ""
        return f"{self.file}: {page}paragraph {self.line}{quoted}"


def excerpt(text: str) -> str:
    """Return the start of ``text`` as a warning quotes it: one line, cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1].rstrip() + "…"


@dataclass(frozen=True)
class Change:
    """A tracked change: ``insert`` or ``delete``, by whom and when (as Word wrote it)."""

    kind: str
    author: str = ""
    date: str = ""


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph's text with one formatting (a line break is a newline).

    ``link`` is the address of the hyperlink the run is in (``group`` tells two links
    to the same address apart); ``field`` the instruction of the field whose shown text
    it is (``DATE``), empty for ordinary text; ``change`` the tracked change that
    inserted or deleted it, ``restyled`` the one that changed its formatting (``was``
    bold and italic before).
    """

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str = ""
    group: int = 0
    style: str = ""
    change: Change | None = None
    field: str = ""
    restyled: Change | None = None  # a tracked change of its formatting
    was: tuple[bool, bool] = (False, False)  # bold, italic before that change


@dataclass(frozen=True)
class Unmapped:
    """Something in a paragraph that is not text: ``what`` it is, and what it said."""

    what: str
    text: str = ""


@dataclass(frozen=True)
class Picture:
    """A picture in a paragraph: its part in the package, its bytes and its description."""

    part: str
    data: bytes = field(repr=False)
    description: str = ""


@dataclass(frozen=True)
class ListPlace:
    """Where a paragraph sits in a Word list: which list, how deep, its number if ordered."""

    list_id: str
    level: int
    ordered: bool
    number: int = 1


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: its style, heading level, role, place in a list, and runs.

    ``heading`` is 1 for Heading 1 (0: not a heading); ``role`` is ``title``,
    ``subtitle``, ``contents`` (an entry of a table of contents), ``textbox`` (a
    paragraph of a text box) or empty. ``keys`` are the names of the guidegen key
    bookmarks (``_gg…``) open in it: which value of a guide it shows, in a DOCX that
    guidegen built (:func:`guidegen.renderers.docx.oxml.key_bookmark_name`).
    """

    location: ParagraphLocation
    style: str
    runs: tuple[Run, ...]
    heading: int = 0
    role: str = ""
    list: ListPlace | None = None
    bookmarks: tuple[str, ...] = ()
    pictures: tuple[Picture, ...] = ()
    unmapped: tuple[Unmapped, ...] = ()
    comments: tuple[str, ...] = ()
    change: Change | None = None  # of the paragraph mark: the paragraph was split or joined
    keys: tuple[str, ...] = ()
    restyled: Change | None = None  # a tracked change of the paragraph's formatting

    @property
    def text(self) -> str:
        """Return the paragraph's text as shown with its tracked changes accepted."""
        return "".join(run.text for run in self.runs
                       if run.change is None or run.change.kind != "delete")


@dataclass(frozen=True)
class Cell:
    """A table cell: its paragraphs (and tables), and how it merges with its neighbours.

    ``span`` counts the grid columns it covers; ``merged`` is ``restart`` for the first
    cell of cells merged down a column and ``continue`` for those below it.
    """

    blocks: tuple[Block, ...]
    span: int = 1
    merged: str = ""

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """Return the cell's paragraphs (those of tables inside it not included)."""
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    @property
    def text(self) -> str:
        """Return the cell's text, its paragraphs one per line."""
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class Table:
    """A table: rows of cells, its style's name, and its repeating header rows."""

    location: ParagraphLocation
    rows: tuple[tuple[Cell, ...], ...]
    style: str = ""
    header_rows: int = 0
    row_changes: tuple[Change | None, ...] = ()  # a tracked change inserting or deleting each

    @property
    def merged(self) -> bool:
        """Return whether any of its cells spans columns or rows."""
        return any(c.span > 1 or c.merged for row in self.rows for c in row)

    @property
    def nested(self) -> bool:
        """Return whether a cell holds a table."""
        return any(isinstance(b, Table) for row in self.rows for c in row for b in c.blocks)


Block = Paragraph | Table


@dataclass(frozen=True)
class Comment:
    """A reviewer's comment: who, when, what, and the paragraph it is anchored to."""

    id: str
    author: str
    date: str
    text: str
    location: ParagraphLocation | None = None


@dataclass(frozen=True)
class WordDocument:
    """A whole Word document: its properties, its body's blocks and its comments.

    ``properties`` are the core properties by their element's name (``title``,
    ``subject``, ``creator``, ``keywords``, ``description``, ``language``, ``created``,
    ``version``, ``contentStatus``); ``custom`` the custom ones (File ▸ Properties).
    ``language`` is the language the document's text is marked as by default.
    """

    file: str
    properties: dict[str, str]
    custom: dict[str, str]
    blocks: tuple[Block, ...]
    comments: tuple[Comment, ...] = ()
    language: str = ""
    headers: tuple[Paragraph, ...] = ()


__all__ = ["Block", "Cell", "Change", "Comment", "ListPlace", "Paragraph", "ParagraphLocation",
           "Picture", "Run", "Table", "Unmapped", "WordDocument", "excerpt"]
