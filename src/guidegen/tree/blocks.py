"""The blocks of a document: headings, paragraphs, lists, fields, pictures, tables, parts.

:mod:`guidegen.layout` builds one tree per document; every renderer (HTML, and through it
the PDF; DOCX) walks the same tree, so all formats carry the same words in the same
order by construction. The tree says *what* (a heading of level 2, a table with a header
row, a paragraph whose role is ``legend``); how each thing looks is the style sheet's
business: a role (:mod:`.roles`) becomes a CSS class in HTML and a Word style in the
DOCX.

Every node is a frozen dataclass, so a tree is hashable, comparable and picklable. A
block's ``source`` is where in the content it came from (for a warning about it at
``file:line:col``); it is not part of what the block says, so it is left out of
comparisons. A block's ``key`` is the value of the guide it shows, as its path in the
guide file (``subjects[0].summary``, ``comparisons[1].rows[2].values.qa``): the DOCX
keeps it with the block (invisible in print), so that ``guidegen import --update`` can
bring a reviewer's edits home to that value. Blocks the layout makes up (a matrix's key,
a table of contents) have none.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from ..errors import Location
from .inlines import Inline
from .roles import (
    CellRole,
    ContentsRole,
    FieldsRole,
    HeadingRole,
    ImageRole,
    ListRole,
    ParagraphRole,
    SectionRole,
    TableRole,
)


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 is the document's title, 2 a part, 3 a dimension or group.

    ``role``: a heading that is not its level's usual one (a packet's cover title).
    ``last_line``: how many characters at the end of ``text`` start a line of their own
    and stay on it (its balanced last line, :mod:`guidegen.layout.balance`); 0: none.
    """

    level: int
    text: str
    anchor: str = ""
    role: HeadingRole | None = None
    key: str = ""
    last_line: int = 0

    source: Location | None = field(default=None, compare=False, repr=False)

    @property
    def style(self) -> str:
        """Return the paragraph role the heading is set in: its own, else its level's."""
        return self.role or HEADING_ROLES[min(self.level, len(HEADING_ROLES)) - 1]

    @property
    def lines(self) -> tuple[str, str]:
        """Return the text before its kept last line, and that line ("" if none is kept)."""
        cut = len(self.text) - self.last_line
        return (self.text[:cut], self.text[cut:]) if self.last_line else (self.text, "")


HEADING_ROLES = ("title", "heading", "subheading")  # of heading levels 1, 2, 3 (and deeper)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline content; ``role`` names what it is (``subtitle``, ``legend``)."""

    inlines: tuple[Inline, ...]
    role: ParagraphRole | None = None
    key: str = ""

    source: Location | None = field(default=None, compare=False, repr=False)

@dataclass(frozen=True)
class ListBlock:
    """A bullet or numbered list; each item is a sequence of blocks."""

    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False
    start: int = 1
    role: ListRole | None = None

    source: Location | None = field(default=None, compare=False, repr=False)

@dataclass(frozen=True)
class Fields:
    """Labelled values, such as the document-control block: each label with its value.

    ``keys``: the key of each value (see the module), or none.
    """

    items: tuple[tuple[str, str], ...]
    role: FieldsRole | None = None
    keys: tuple[str, ...] = ()

    source: Location | None = field(default=None, compare=False, repr=False)

@dataclass(frozen=True)
class Image:
    """A picture embedded in the document: the theme's logo, as tall as the theme says.

    ``alt`` is the text that stands for it where it is not seen (a screen reader).
    """

    data: bytes = field(repr=False)
    mime: str
    alt: str = ""
    role: ImageRole = "logo"


@dataclass(frozen=True)
class Cell:
    """A table cell. ``header`` cells head a column (first row) or a row (first column).

    ``key`` is the key of its text, ``note_key`` the key its note has (or would have).
    """

    inlines: tuple[Inline, ...]
    note: tuple[Inline, ...] = ()
    header: bool = False
    role: CellRole | None = None
    key: str = ""
    note_key: str = ""

    source: Location | None = field(default=None, compare=False, repr=False)

@dataclass(frozen=True)
class Table:
    """A table with one header row that repeats on every page it runs onto.

    ``widths`` are the columns' shares of the text width, summing to 1; both renderers
    use them, so the PDF and the DOCX break lines in the same columns.
    """

    head: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]
    role: TableRole | None = None

    source: Location | None = field(default=None, compare=False, repr=False)

Orientation = Literal["portrait", "landscape"]


@dataclass(frozen=True)
class ContentsEntry:
    """One line of a table of contents: a heading's level (1 the top), text and anchor.

    ``note``: what the entry says besides (a packet's guide: its status and effective
    date), set apart from its text.
    """

    level: int
    text: str
    anchor: str
    note: str = ""


@dataclass(frozen=True)
class Contents:
    """A table of contents: each entry links to its heading and shows its page number.

    The page numbers are the renderers' business: the PDF asks its layout (CSS
    ``target-counter``), the DOCX caches the PDF's numbers in a real TOC field.
    """

    entries: tuple[ContentsEntry, ...]
    role: ContentsRole = "contents"

    source: Location | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Section:
    """A part of the document holding blocks, with page hints for print.

    ``break_before`` starts it on a new page (``"right"``: on a right-hand page, a blank
    page before it if need be); ``orientation`` asks for pages turned that way (None: as
    the surrounding pages). A section with ``running`` is a part with its own running
    header and footer and its own page numbering (a guide in a packet); it needs an
    ``anchor``. A part's ``tightened`` is the level its content is laid out at, fitted
    to its pages (:meth:`~guidegen.theme.theme.Theme.tightened`; 0: as the theme is).
    """

    children: tuple[Block, ...]
    role: SectionRole | None = None
    anchor: str = ""
    break_before: bool | Literal["right"] = False
    orientation: Orientation | None = None
    running: Running | None = None
    tightened: float = 0.0

    source: Location | None = field(default=None, compare=False, repr=False)

Block = Heading | Paragraph | ListBlock | Fields | Image | Table | Section | Contents


@dataclass(frozen=True)
class Running:
    """What the running header and footer print on every page but the first.

    ``page`` is the page label as parts: ``("text", "Page ")``, ``("page", "")``,
    ``("text", " of ")``, ``("pages", "")``. ``blank`` is what a page left blank (before
    a part that starts on a right-hand page) says. A document of parts (a packet) labels
    its own page numbers, through all its parts ("Packet page 5 of 9"): every footer prints
    the document's ``page``, never a part's.
    ``watermark`` is printed diagonally across every page (a document not in force:
    "DRAFT — NOT FOR TRAINING USE"); empty: none.
    """

    title: str
    control: str = ""
    page: tuple[tuple[str, str], ...] = ()
    blank: str = ""
    watermark: str = ""


def walk(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """Return ``blocks`` and every block inside them, in reading order."""
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from walk(block.children)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from walk(item)
