"""The running header's right-hand side in Word: the part each page is in, as in the PDF.

The PDF's header prints the title at its left and, at its right, the part (a level-2
heading) in effect where the page starts (CSS ``string(chapter, start)``). Word has one
way to print a heading that changes from page to page, a ``STYLEREF`` field, and it
prints the first heading *on* the page, not the one the page starts in; LibreOffice 7
prints the field's saved text on every page. So the DOCX prints the PDF's own header
texts (the page map reads them, :attr:`~guidegen.renderers.PageMap.chapters`): where
the text changes at a page the PDF starts with a block of its own, a Word section
starts ("next page", in place of the page break there), and each section's header says
the title and the text of the first page it is printed on.

In a packet, each guide's sections print the guide's title (its own, as the PDF's
header does) and the part of the guide the page is in; the packet's own pages, its.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Emu

from ...theme.resolve import Styles
from ...tree import Running
from .. import PageMap
from . import oxml
from .parts import header


def print_chapters(document: Any, starts: dict[int, Any], page_map: PageMap,
                   owners: Sequence[Running], styles: Styles) -> None:
    """Print each page's part in its header, as ``page_map`` says the PDF's header does.

    ``starts`` gives the body block that starts each page (from 2) where one does;
    ``owners`` the furniture (title, watermark) of each Word section there is now.
    """
    chapters = page_map.chapters
    if not any(chapters):
        return
    owned = list(owners)
    for page in range(3, len(chapters) + 1):  # page 1, the title page, has no header
        if page in starts and chapters[page - 1] != chapters[page - 2]:
            index = oxml.start_section(document, starts[page])
            if index is not None:  # a piece of the section before: its owner's
                owned.insert(index, owned[index - 1])
    pages = _first_pages(document, starts)
    for section, first, running in zip(document.sections, pages, owned, strict=True):
        shown = first + 1 if section.different_first_page_header_footer else first
        chapter = chapters[shown - 1] if shown <= len(chapters) else ""
        section.header.is_linked_to_previous = False
        paragraph = header(section.header, running, styles)
        if chapter:
            width = section.page_width - section.left_margin - section.right_margin
            paragraph.paragraph_format.tab_stops.add_tab_stop(Emu(width),
                                                              WD_TAB_ALIGNMENT.RIGHT)
            paragraph.add_run("\t" + chapter)


def _first_pages(document: Any, starts: dict[int, Any]) -> list[int]:
    """Return the page each Word section starts on, from the blocks that start pages."""
    page_of = {block: page for page, block in starts.items()}
    firsts = {block: n for n, block in enumerate(oxml.section_firsts(document))
              if block is not None}
    found = [1] * len(document.sections)
    page = 1
    for block in oxml.blocks(document):
        page = page_of.get(block, page)
        if block in firsts:
            found[firsts[block]] = page
    return found
