r"""A table of contents that Word can update and every other reader shows filled in.

The contents are a real TOC field (``TOC \h \z \t "Title,1,Heading 1,2"``: the Word
styles of the title and heading roles, from the style sheet) whose cached
result is written here: one paragraph per entry, each a hyperlink to its heading's
bookmark with a PAGEREF field whose cached page number is where the PDF's layout put
that heading. Word updates it on demand (F9); LibreOffice, Word's protected view and
mobile viewers, which never update fields, show it as it is: complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Emu

from ...theme.resolve import Styles
from ...tree import Contents
from .. import PageMap
from . import oxml

UNKNOWN_PAGE = "?"


def instruction(styles: Styles, variants: Sequence[Styles] = ()) -> str:
    """Return the TOC field's instruction: level 1 the title's style, level 2 a heading's.

    The ``variants`` of the styles (a fitted part's, :meth:`Styles.renamed`) are listed
    too, at the same levels: a part's headings have them.
    """
    entries = [f"{each.paragraph(role).word},{level}" for each in (styles, *variants)
               for level, role in enumerate(("title", "heading"), 1)]
    return f'TOC \\h \\z \\t "{",".join(entries)}"'


class ContentsWriter:
    """Writes contents blocks, and fills in their page numbers once the PDF is laid out."""

    def __init__(self, document: Any, styles: Styles, variants: Sequence[Styles] = ()) -> None:
        self.document = document
        self.styles = styles
        self.variants = variants  # the styles of parts fitted at levels of their own
        self.numbers: list[tuple[str, Any]] = []  # (anchor, the run showing its page)

    def add(self, block: Contents, width: int) -> None:
        """Add ``block`` as a TOC field whose result lists every entry."""
        paragraphs = []
        for n, entry in enumerate(block.entries):
            style = self.styles.paragraph(f"toc-{min(entry.level, 2)}").word
            paragraph = self.document.add_paragraph(style=style)
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                Emu(width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            if n == 0:
                oxml.begin_field(paragraph, instruction(self.styles, self.variants))
            link = oxml.add_internal_link(paragraph, entry.anchor)
            oxml.add_link_text(link, entry.text)
            oxml.add_link_text(link, "\t")
            oxml.begin_field(link, f"PAGEREF {oxml.bookmark_name(entry.anchor)} \\h")
            self.numbers.append((entry.anchor, oxml.add_link_text(link, UNKNOWN_PAGE)))
            oxml.end_field(link)
            paragraphs.append(paragraph)
            if entry.note:  # (Word's own update of the field lists the headings alone)
                paragraphs.append(self.document.add_paragraph(
                    entry.note, style=self.styles.paragraph("toc-note").word))
        if paragraphs:  # the field ends with its last entry: no empty line after it
            oxml.end_field(paragraphs[-1])

    def fill(self, page_map: PageMap | None) -> None:
        """Write each entry's page number, from the PDF's layout, as the cached result."""
        for anchor, run in self.numbers:
            page = page_map.page_of(anchor) if page_map else None
            oxml.set_text(run, str(page) if page else UNKNOWN_PAGE)
