"""Parts of a document (the guides of a packet) as Word sections with their own furniture.

Each part starts a Word section on a new page with its own header (the part's title;
none on its first page, where its title block is) and footer (its control line, and
"Page X of Y"). The pages are numbered through the whole document, as the contents
list them (the page numbers of the PDF's layout), in the document's language: "Page 5
of 9" is the document's fifth page, in Word and LibreOffice alike. (The PDF prints each
guide's own page count too; Word numbers a page one way only.) The cover has no header
or footer;
what follows the last part (the acknowledgement sheet) gets the document's own header
and footer again, numbered. Where the PDF left a page blank before a part, for a
right-hand start, the part's Word section begins with that page, marked as the PDF's
is, and counted: its footer has the page number alone, as the PDF's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
from docx.shared import Emu, Mm

from ...layout.widths import watermark_width
from ...theme.resolve import Styles
from ...tree import Block, Running, Section
from .. import PageMap
from . import oxml
from .properties import add_text, control_fields


@dataclasses.dataclass
class _Part:
    section: Section
    index: int  # of its Word section (python-docx's Section objects move as sections are added)
    first: Any  # the part's first body element


class PartWriter:
    """Starts a Word section per part, and finishes their headers and footers."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        self.document = writer.document
        self.parts: list[_Part] = []
        self.front: list[_Part] = []  # Word sections after a part, with the document's own

    def add_blocks(self, blocks: Sequence[Block]) -> None:
        """Add the top-level ``blocks``, each part in a Word section of its own."""
        after_part = False
        for block in blocks:
            if isinstance(block, Section) and (block.running is not None or after_part):
                sheets = [n for n, child in enumerate(block.children)
                          if isinstance(child, Section) and child.role == "acknowledgement"]
                own = block.children[:sheets[0]] if sheets and block.running else ()
                if own:  # a guide's own sheet: a Word section of its own, the packet's
                    self._section(dataclasses.replace(block, children=own), self.parts)
                    for sheet in block.children[len(own):]:
                        if isinstance(sheet, Section):
                            self._section(sheet, self.front)
                        else:
                            self.writer.add_block(sheet)
                else:
                    self._section(block, self.parts if block.running is not None
                                  else self.front)
                after_part = block.running is not None
            else:
                self.writer.add_block(block)

    def _section(self, block: Section, parts: list[_Part]) -> None:
        """Add ``block`` in a Word section of its own, starting a page; note it in ``parts``."""
        self.document.add_section(WD_SECTION.NEW_PAGE)
        index = len(self.document.sections) - 1
        start = oxml.body_end(self.document)
        self.writer.add_block(dataclasses.replace(block, break_before=False))
        parts.append(_Part(block, index, oxml.body_element(self.document, start)))

    def finish(self, running: Running, page_map: PageMap | None) -> None:
        """Give every part its header and footer; the sections after it, the document's.

        With parts, the first page (the cover) has neither, as in the PDF.
        """
        if not self.parts:
            return
        styles, sections = self.writer.styles, self.document.sections
        pages = page_map.pages if page_map else None
        furniture(sections[0], running, styles, pages, bare_first=True)
        for part in self.parts:
            blank = _blank_before(part, page_map)
            if blank:
                self._blank_page(part, running.blank or _running(part, running).blank)
            furniture(sections[part.index], _running(part, running), styles, pages,
                      blank_first=blank)
        for front in self.front:  # a sheet on a right-hand page may have a blank before it
            blank = _blank_before(front, page_map)
            if blank:
                self._blank_page(front, running.blank)
            furniture(sections[front.index], running, styles, pages,
                      blank_first=blank, title_page=blank)

    def furnish_turned(self, turned: Sequence[int], running: Running,
                       page_map: PageMap | None) -> None:
        """Give the Word sections in ``turned`` the furniture of what they are in.

        They are the sections a landscape matrix starts, and the upright ones after it:
        they repeat the header and footer of the document or part they belong to (its
        title, control line and "Page X of Y", at their own right margin), on every page.
        """
        sections, owners = self.document.sections, self.owners(running)
        pages = page_map.pages if page_map else None
        for index in turned:
            furniture(sections[index], owners[index], self.writer.styles, pages,
                      title_page=False, properties=self.writer.properties)

    def starts(self, page_map: PageMap) -> dict[int, Any]:
        """Return the body element each part, and each sheet after them, starts a page with.

        By the page the PDF starts it on (a page left blank before it, the blank page's).
        """
        found = {}
        for part in (*self.parts, *self.front):
            page = page_map.page_of(part.section.anchor) if part.section.anchor else None
            if page is not None and part.first is not None:
                found[page - 1 if _blank_before(part, page_map) else page] = part.first
        return found

    def owners(self, running: Running) -> list[Running]:
        """Return the furniture of each Word section: its part's, or the document's."""
        owners = [(0, running)]
        owners += [(part.index, _running(part, running)) for part in self.parts]
        owners += [(front.index, running) for front in self.front]
        owners.sort(key=lambda owner: owner[0])
        return [[own for index, own in owners if index <= n][-1]
                for n in range(len(self.document.sections))]

    def _blank_page(self, part: _Part, text: str) -> None:
        """Add a page that says it was left blank, its words where the PDF's are.

        The PDF prints them at the head of the page's lower half (the footer's gap below
        its middle); Word's paragraph goes there by its space before.
        """
        paragraph = self.document.add_paragraph(text, self.writer.style("blank-page"))
        section, styles = self.document.sections[0], self.writer.styles
        middle = section.page_height / 2 - section.top_margin + Mm(styles.footer_gap)
        paragraph.paragraph_format.space_before = Emu(max(0, int(middle)))
        paragraph.add_run().add_break(WD_BREAK.PAGE)
        if part.first is not None:  # the part's pages start with it now
            part.first = oxml.move_before(paragraph, part.first)


def _running(part: _Part, document: Running) -> Running:
    """Return the furniture of ``part``: its title and control line, the document's numbers.

    The label is the document's own ("Packet page 5 of 9", in its language), as every
    footer of the PDF's (Word has one page number: the document's, through all its parts).
    """
    assert part.section.running is not None
    return dataclasses.replace(part.section.running, page=document.page)


def _blank_before(part: _Part, page_map: PageMap | None) -> bool:
    start = page_map.page_of(part.section.anchor) if page_map else None
    return bool(start and page_map and start - 1 in page_map.blank)


def furniture(word: Any, running: Running, styles: Styles, pages: int | None,
              bare_first: bool = False, title_page: bool = True,
              blank_first: bool = False,
              properties: Mapping[str, str] | None = None) -> None:
    """Give Word section ``word`` its own header and footer from ``running``.

    "Page X of Y" counts the document's pages (``pages``: their number, for readers that
    do not update fields).

    ``bare_first``: its first page has no header nor footer (a cover).
    ``title_page``: its first page has no header (a title block is there).
    ``blank_first``: its first page is a page left blank: no header, and a footer with the
    page number alone (the PDF's blank pages carry the packet's page number too).
    ``properties``: the document properties its control line shows as fields.
    """
    word.different_first_page_header_footer = title_page
    for story in (word.header, word.first_page_header, word.footer, word.first_page_footer):
        story.is_linked_to_previous = False
    footer_style = styles.paragraph("footer").word
    header(word.header, running, styles)
    header(word.first_page_header, running, styles, title=False)
    footers = [(word.footer, running)]
    if bare_first:
        oxml.empty_story(word.first_page_footer, footer_style)
    else:
        footers.append((word.first_page_footer, dataclasses.replace(
            running, control="") if blank_first else running))
    for footer, own in footers:
        paragraph = oxml.empty_story(footer, footer_style)
        width = word.page_width - word.left_margin - word.right_margin
        paragraph.paragraph_format.tab_stops.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT)
        if own.control:
            add_text(paragraph, own.control, control_fields(properties or {}))
        paragraph.add_run("\t")
        for kind, text in own.page:
            if kind == "text":
                paragraph.add_run(text)
            elif kind == "page":
                oxml.add_field(paragraph, "PAGE", "1")
            else:
                oxml.add_field(paragraph, "NUMPAGES", str(pages or 1))


def header(story: Any, running: Running, styles: Styles, title: bool = True) -> Any:
    """Return the one paragraph of header ``story``, emptied and given ``running``'s title.

    ``title``: false for a first page's header (no title there). A draft's watermark goes
    into every header written, the per-part ones of :mod:`.chapters` included.
    """
    paragraph = oxml.empty_story(story, styles.paragraph("header").word)
    if title:
        paragraph.add_run(running.title)
    if running.watermark:
        watermark(story, paragraph, running.watermark, styles)
    return paragraph


def watermark(story: Any, paragraph: Any, text: str, styles: Styles) -> None:
    """Add ``text`` to header ``story`` (at ``paragraph``) as the watermark of its pages.

    It looks as the style sheet's watermark role says (font, colour), and is as large as
    the PDF's (:meth:`Styles.watermark_size`, as wide as the PDF's letters:
    :func:`~guidegen.layout.widths.watermark_width`).
    """
    look = styles.paragraph("watermark")
    font = getattr(styles.theme.fonts, look.font).word
    ident = int("".join(c for c in str(story.part.partname) if c.isdigit()) or 1)
    oxml.add_watermark(paragraph, text.upper() if look.caps else text, font,
                       (watermark_width(text, styles), styles.watermark_size(text)),
                       look.color, ident)
