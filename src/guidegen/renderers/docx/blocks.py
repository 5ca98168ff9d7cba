"""The document tree written into a python-docx document, block by block.

Which Word style each part takes comes from the style sheet (``styles.yaml``): the style
of its role; this module only knows the tree. A block kind it has no writer for is
written through its ``children`` (or its ``inlines``), so a new kind of block still
reaches the DOCX. Tables and fields are written by :mod:`.tables`, runs by :mod:`.inlines`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.shared import Mm

from ...common.language import Language
from ...theme.resolve import Rule, Styles
from ...tree import (
    Block,
    Contents,
    Fields,
    Heading,
    Image,
    ListBlock,
    Paragraph,
    Section,
    Table,
)
from . import oxml
from .pages import PageKeeper
from .spacing import BlockSpacing
from .tables import TableWriter
from .toc import ContentsWriter


class BlockWriter(TableWriter):
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
            role = block.role or ""
            table = self.styles.tables.get(role)
            if table is not None or role in self.styles.fields:
                self.spacing.ask(start, lambda styles: _space(
                    styles.tables.get(role) or styles.fields[role]), self.styles,
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
        role = section.role or ""
        look = self.styles.sections.get(role)
        if look is not None:
            self.spacing.ask(start, lambda styles: _space(
                styles.sections[role], styles.sections[role].border_after), self.styles)
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
        self.spacing.ask(start, lambda styles: _space(styles.list_level(block.ordered, level)),
                         self.styles, keep_intro=list_level.keep_intro)


def _space(look: Any, rule: Rule | None = None) -> tuple[float, float, Rule | None]:
    """Return the space a block's ``look`` asks for before and after it, and its ``rule``."""
    return look.space_before, look.space_after, rule


def _tag(block: Block) -> str:
    """Return the HTML tag the PDF draws ``block`` as, where it may start a page."""
    if isinstance(block, Heading):
        return f"h{block.level}"
    if isinstance(block, ListBlock):
        return "ol" if block.ordered else "ul"
    return {Paragraph: "p", Table: "table", Fields: "dl"}.get(type(block), "")
