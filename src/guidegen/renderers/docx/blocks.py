"""The document tree written into a python-docx document, block by block, run by run.

Which Word style each part takes comes from the style sheet (``styles.yaml``): the style
of its role; this module only knows the tree. A block kind it has no writer for is
written through its ``children`` (or its ``inlines``), so a new kind of block still
reaches the DOCX.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from typing import Any

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.shared import Mm, Pt, RGBColor

from ...common.characters import wide
from ...common.language import Language
from ...layout.widths import field_widths
from ...theme.resolve import FieldsLook, SpanLook, Styles
from ...tree import (
    Block,
    Cell,
    Code,
    Contents,
    Emph,
    Fields,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Section,
    Span,
    Strong,
    Table,
    Text,
    plain_text,
)
from ...tree.keys import key_bookmark_name
from . import oxml
from .pages import PageKeeper, keep_with_next
from .properties import add_text
from .spacing import BlockSpacing
from .toc import ContentsWriter

_INLINE_ROLES = {Strong: "strong", Emph: "emph", Code: "code", Link: "link"}


class BlockWriter:
    """Adds tree blocks to a python-docx document, in reading order."""

    def __init__(self, document: Any, styles: Styles, language: Language,
                 variants: dict[float, Styles] | None = None) -> None:
        """Write with ``styles``; a part laid out at a level of its own with its ``variants``."""
        self.document = document
        self.styles = styles
        self.variants = variants or {}
        self.language = language  # the document's: Word draws all its text in its fonts
        self.bookmarks = 0
        self.contents = ContentsWriter(document, styles, list(self.variants.values()))
        self.spacing = BlockSpacing(document, styles, list(self.variants.values()))
        self.pages = PageKeeper(document)  # where each block went: the PDF's page breaks
        self.upright_next = False  # a landscape section ended: turn upright before more
        self.turned: list[int] = []  # the Word sections started to turn the pages
        self.properties: dict[str, str] = {}  # shown as fields (see .properties)
        oxml.remember_style_ids(document)

    def add_blocks(self, blocks: Sequence[Block], level: int = 0) -> None:
        """Add ``blocks``; lists inside lists go ``level`` deep."""
        for block in blocks:
            self.add_block(block, level)

    def add_block(self, block: Block, level: int = 0) -> None:
        """Add one block of any kind."""
        if self.upright_next and not (isinstance(block, Section) and
                                      block.orientation == "landscape"):
            self.upright_next = False
            self._new_section(WD_ORIENT.PORTRAIT)
        start = self.spacing.start()
        slot = self.pages.begin(_tag(block), getattr(block, "source", None))
        self._add_block(block, level)
        written = self.spacing.written(start)
        self.pages.end(slot, written[0] if written else None)

    def _add_block(self, block: Block, level: int) -> None:
        if isinstance(block, Heading):
            paragraph = self.document.add_paragraph(style=self.style(block.style))
            text, last = block.lines
            self._run(paragraph, text, (), None)
            if last:
                self._last_line(paragraph, last, (), None)
            if block.anchor:
                self.bookmarks += 1
                oxml.add_bookmark(paragraph, block.anchor, self.bookmarks)
            self.add_key(paragraph, block.key)
        elif isinstance(block, Paragraph):
            paragraph = self.document.add_paragraph(style=self.style(block.role))
            self.add_inlines(paragraph, block.inlines)
            self.add_key(paragraph, block.key)
        elif isinstance(block, ListBlock):
            self.add_list(block, level)
        elif isinstance(block, Table | Fields):
            start = self.spacing.start()
            if isinstance(block, Table):
                self.add_table(block)
            else:
                self.add_fields(block)
            table = self.styles.tables.get(block.role or "")
            look = table or self.styles.fields.get(block.role or "")
            if look is not None:
                self.spacing.ask(start, look.space_before, look.space_after,
                                 keep_intro=table is not None and table.keep_intro)
        elif isinstance(block, Image):
            picture = self.document.add_paragraph(style=self.style(
                block.role if block.role in self.styles.paragraphs else "logo"))
            shape = picture.add_run().add_picture(io.BytesIO(block.data),
                                                  height=Mm(self.styles.theme.logo_height))
            if block.alt:
                oxml.describe_picture(shape, block.alt)
        elif isinstance(block, Section):
            self.add_section(block, level)
        elif isinstance(block, Contents):
            self.contents.add(block, self._width)
        else:
            self.add_other(block, level)

    def add_key(self, paragraph: Any, key: str) -> None:
        """Keep ``key``, the guide's value ``paragraph`` shows, in a bookmark around it."""
        if key:
            self.bookmarks += 1
            oxml.add_bookmark(paragraph, key, self.bookmarks,
                              key_bookmark_name(key, self.bookmarks))

    def style(self, role: str | None) -> str:
        """Return the Word style of paragraph role ``role`` (body text's if it has none)."""
        return self.styles.paragraph(role or "body").word

    def add_other(self, block: Any, level: int) -> None:
        """Add a block of a kind without a writer: its inlines, then its children."""
        if getattr(block, "inlines", None):
            self.add_inlines(self.document.add_paragraph(), block.inlines)
        self.add_blocks(getattr(block, "children", ()), level)

    # -- sections: page breaks and orientation -----------------------------------------

    def add_section(self, section: Section, level: int) -> None:
        """Add a section's blocks, on a new page or on pages turned as it asks.

        Pages turn upright again only when something follows (no empty last page), and
        landscape sections in a row share their pages, as in the PDF.
        """
        turned = section.orientation == "landscape"
        if turned and not self.upright_next:
            self._new_section(WD_ORIENT.LANDSCAPE)
        self.upright_next = False
        start = self.spacing.start()
        own = self.styles
        self.styles = self.variants.get(section.tightened, own)  # a fitted part: its own
        try:
            self.add_blocks(section.children, level)
        finally:
            self.styles = own
        self.upright_next = turned
        if not turned and section.break_before and start:
            self.spacing.break_before(start)
        look = self.styles.sections.get(section.role or "")
        if look is not None:
            self.spacing.ask(start, look.space_before, look.space_after, look.border_after)
            if look.keep_together:
                self.spacing.keep_together(start)

    def _new_section(self, orientation: Any) -> None:
        """Start a Word section on a new page, turned to ``orientation``."""
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        self.turned.append(len(self.document.sections) - 1)
        section.different_first_page_header_footer = False
        width, height = sorted((section.page_width, section.page_height))
        if orientation == WD_ORIENT.LANDSCAPE:
            width, height = height, width
        section.orientation = orientation
        section.page_width, section.page_height = width, height

    @property
    def _width(self) -> int:
        section = self.document.sections[-1]
        return int(section.page_width - section.left_margin - section.right_margin)

    # -- lists ---------------------------------------------------------------------------

    def add_list(self, block: ListBlock, level: int) -> None:
        """Add a list: each item's first paragraph is the list paragraph."""
        list_level = self.styles.list_level(block.ordered, level)
        style = self.style(list_level.role)
        start = self.spacing.start()
        restart = oxml.restart_numbering(self.document, style, block.start) \
            if block.ordered else None
        for item in block.items:
            lead = item[0] if item and isinstance(item[0], Paragraph) else None
            at = self.spacing.start()
            drawn = getattr(item[0], "source", None) if item else block.source  # as the HTML's li
            slot = self.pages.begin("li", drawn)
            paragraph = self.document.add_paragraph(style=style)
            self.pages.end(slot, oxml.body_element(self.document, at))
            if restart:
                oxml.use_numbering(paragraph, *restart)
            if lead is not None:
                self.add_inlines(paragraph, lead.inlines)
            for child in item[1 if lead is not None else 0:]:
                if isinstance(child, Paragraph):  # a further paragraph of the same item
                    paragraph.add_run().add_break()
                    self.add_inlines(paragraph, child.inlines)
                else:
                    self.add_block(child, level + 1)
            if lead is not None:
                self.add_key(paragraph, lead.key)
        self.spacing.ask(start, list_level.space_before, list_level.space_after,
                         keep_intro=list_level.keep_intro)

    # -- tables ----------------------------------------------------------------------------

    def add_table(self, block: Table) -> None:
        """Add a table with a repeating header row, in the widths the tree gives."""
        table = self.document.add_table(rows=1 + len(block.rows), cols=len(block.head))
        look = self.styles.tables.get(block.role or "") or self.styles.tables["matrix"]
        table.style = self.document.styles[look.word]
        self.pages.table(block.source, table)
        oxml.set_table_look(table, banded_rows=look.stripes is not None)
        oxml.set_column_widths(table, _shares(self._width, block.widths))
        header = table.rows[0]
        oxml.mark_header_row(header)
        oxml.keep_row_together(header)
        cells = look.cells
        for cell, data in zip(header.cells, block.head, strict=True):
            self._cell(cell, data, cells.corner if data.role == "corner" else cells.head,
                       cells.row_note)
        for row, data_row in zip(table.rows[1:], block.rows, strict=True):
            oxml.keep_row_together(row)
            for cell, data in zip(row.cells, data_row, strict=True):
                self._cell(cell, data, cells.row_head if data.header else cells.body,
                           cells.row_note if data.header else cells.cell_note)
        for row in _kept_with_next(table.rows, look.keep_rows):
            keep_with_next(row)

    def _cell(self, cell: Any, data: Cell, role: str, note: str) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.style = self.style(role)
        self.add_inlines(paragraph, data.inlines)
        self.add_key(paragraph, data.key)
        if data.note:
            noted = cell.add_paragraph(style=self.style(note))
            self.add_inlines(noted, data.note)
            self.add_key(noted, data.note_key)

    def add_fields(self, block: Fields) -> None:
        """Add labelled values as a table: labels above, each value in its column.

        Each column is as wide as its label or value needs, as the PDF's flowing row of
        fields (:func:`~guidegen.layout.widths.field_widths`). A role laid out in rows is
        written as rows instead (:meth:`add_field_rows`).
        """
        look = self.styles.fields.get(block.role or "") or self.styles.fields["control"]
        if look.layout == "rows":
            self.add_field_rows(block, look)
            return
        table = self._fields_table(look, 2, len(block.items))
        shares = field_widths(block.items, self.styles, self.language, block.role or "control")
        oxml.set_column_widths(table, _shares(self._width, shares))
        for row in table.rows:
            oxml.keep_row_together(row)
        for column, (label, value) in enumerate(block.items):
            for row, text, role in ((0, label, look.label), (1, value, look.value)):
                paragraph = table.rows[row].cells[column].paragraphs[0]
                paragraph.style = self.style(role)
                add_text(paragraph, text, self.properties if row else {})
            self.add_key(table.rows[1].cells[column].paragraphs[0], _key(block, column))

    def add_field_rows(self, block: Fields, rows: FieldsLook) -> None:
        """Add labelled values as rows: each label beside a line as wide as the page."""
        table = self._fields_table(rows, len(block.items), 2)
        label_width = int(Pt(rows.label_width))
        oxml.set_column_widths(table, [label_width, self._width - label_width])
        for index, (row, (label, value)) in enumerate(zip(table.rows, block.items,
                                                          strict=True)):
            oxml.keep_row_together(row)
            row.height, row.height_rule = Pt(rows.row_height), WD_ROW_HEIGHT_RULE.AT_LEAST
            for cell, text, role in zip(row.cells, (label, value), (rows.label, rows.value),
                                        strict=True):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
                cell.paragraphs[0].style = self.style(role)
                cell.paragraphs[0].add_run(text)
            self.add_key(row.cells[1].paragraphs[0], _key(block, index))

    def _fields_table(self, look: FieldsLook, rows: int, columns: int) -> Any:
        """Return a new table of ``rows`` by ``columns`` in the style of ``look``."""
        table = self.document.add_table(rows=rows, cols=columns)
        table.style = self.document.styles[look.word]
        oxml.set_table_look(table, first_row=False, banded_rows=False)
        return table

    # -- inlines ------------------------------------------------------------------------

    def add_inlines(self, paragraph: Any, inlines: Sequence[Inline],
                    spans: tuple[SpanLook, ...] = (), link: Any = None) -> None:
        """Append ``inlines`` to ``paragraph`` as runs, styled by their nesting."""
        for node in inlines:
            if isinstance(node, Text):
                self._run(paragraph, node.text, spans, link)
            elif isinstance(node, LineBreak):
                self._run(paragraph, "", spans, link).add_break()
            elif isinstance(node, Code):
                self._run(paragraph, node.text, self._styled(spans, "code"), link)
            elif isinstance(node, Link):
                target = link if link is not None else oxml.add_hyperlink(paragraph, node.href)
                if node.shows_address:  # its hyphens are the address's: no line ends there
                    self._run(paragraph, plain_text(node.children), self._styled(spans, "link"),
                              target, address=True)
                else:
                    self.add_inlines(paragraph, node.children, self._styled(spans, "link"),
                                     target)
            elif isinstance(node, Span) and node.role == "last-line":
                self._last_line(paragraph, plain_text(node.children), spans, link)
            elif isinstance(node, Span):
                self.add_inlines(paragraph, node.children, self._styled(spans, node.role), link)
            else:
                self.add_inlines(paragraph, node.children,
                                 self._styled(spans, _INLINE_ROLES[type(node)]), link)

    def _last_line(self, paragraph: Any, text: str, spans: tuple[SpanLook, ...],
                   link: Any) -> None:
        """Add a balanced last line (:mod:`guidegen.layout.balance`): on a line of its own.

        Its words are joined by no-break spaces; Chinese, Japanese or Korean text, which
        LibreOffice breaks anywhere (even at a word joiner), starts after a line break.
        """
        if wide(text):
            self._run(paragraph, "", spans, link).add_break()
            self._run(paragraph, text, spans, link)
        else:
            self._run(paragraph, text.replace(" ", "\u00a0"), spans, link)

    def _styled(self, spans: tuple[SpanLook, ...], role: str) -> tuple[SpanLook, ...]:
        look = self.styles.spans.get(role)
        return (*spans, look) if look is not None else spans

    def _run(self, paragraph: Any, text: str, spans: tuple[SpanLook, ...], link: Any,
             address: bool = False) -> Any:
        """Add a run in the innermost span's character style.

        A run takes one character style; what the spans around it set and it does not
        (a bold mark around a symbol) is written on the run, as CSS would inherit it.
        ``address``: the text is a web or e-mail address (see :func:`oxml.add_text`).
        """
        run = paragraph.add_run(None, spans[-1].word if spans else None)
        oxml.add_text(run, text, address)
        if len(spans) > 1:
            font = run.font
            for name, value in _inherited(spans):
                if name == "color":
                    font.color.rgb = RGBColor.from_string(value[1:].upper())
                else:
                    setattr(font, name, value)
        if link is not None:
            oxml.add_to_link(link, run)
        return run


def _tag(block: Block) -> str:
    """Return the HTML tag the PDF draws ``block`` as, where it may start a page."""
    if isinstance(block, Heading):
        return f"h{block.level}"
    if isinstance(block, ListBlock):
        return "ol" if block.ordered else "ul"
    return {Paragraph: "p", Table: "table", Fields: "dl"}.get(type(block), "")


@functools.cache
def _inherited(spans: tuple[SpanLook, ...]) -> tuple[tuple[str, Any], ...]:
    """Return what the outer ``spans`` set and the innermost does not.

    As (python-docx font property, value) pairs, each the nearest span's.
    """
    found: dict[str, Any] = {}
    for outer in spans[-2::-1]:
        for ours, words in (("bold", "bold"), ("italic", "italic"), ("caps", "all_caps"),
                            ("underline", "underline"), ("color", "color")):
            value = getattr(outer, ours)
            if value is not None and getattr(spans[-1], ours) is None:
                found.setdefault(words, value)
    return tuple(found.items())


def _key(block: Fields, index: int) -> str:
    """Return the key of ``block``'s value ``index``, if it has one."""
    return block.keys[index] if index < len(block.keys) else ""


def _kept_with_next(rows: Sequence[Any], keep: int) -> list[Any]:
    """Return the rows of a table (header first) that Word keeps on the next row's page.

    The header and the first ``keep`` body rows hold together, and so do the last
    ``keep``: a split leaves at least ``keep`` rows on each side, a shorter table is whole.
    """
    if keep < 2:
        return []
    body = list(rows[1:])
    last = len(body) - 1
    kept = [index for index in range(len(body))
            if index < keep - 1 or last - keep < index < last]
    return [rows[0], *(body[index] for index in kept)]


def _shares(width: int, fractions: Sequence[float]) -> list[int]:
    """Return ``width`` (EMU) split in ``fractions``, the rounding left to the last."""
    widths = [int(width * fraction) for fraction in fractions[:-1]]
    return [*widths, width - sum(widths)]
