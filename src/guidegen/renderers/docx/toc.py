r"""A table of contents that Word can update and every other reader shows filled in.

The contents are a real TOC field (``TOC \h \z \t "Title,1,Heading 1,2"``: the Word
styles of the title and heading roles, from the style sheet) whose cached
result is written here: one paragraph per entry, each a hyperlink to its heading's
bookmark with a PAGEREF field whose cached page number is where the PDF's layout put
that heading. Word updates it on demand (F9); LibreOffice, Word's protected view and
mobile viewers, which never update fields, show it as it is: complete.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu

from ...theme.resolve import Styles
from ...tree import Contents
from .. import PageMap
from .oxml import bookmark_name

UNKNOWN_PAGE = "?"


def instruction(styles: Styles) -> str:
    """Return the TOC field's instruction: level 1 the title's style, level 2 a heading's."""
    title, heading = (styles.paragraph(role).word for role in ("title", "heading"))
    return f'TOC \\h \\z \\t "{title},1,{heading},2"'


class ContentsWriter:
    """Writes contents blocks, and fills in their page numbers once the PDF is laid out."""

    def __init__(self, document: Any, styles: Styles) -> None:
        self.document = document
        self.styles = styles
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
                _field_start(paragraph._p, instruction(self.styles))
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), bookmark_name(entry.anchor))
            link.set(qn("w:history"), "1")
            paragraph._p.append(link)
            link.append(_run(entry.text))
            link.append(_run("\t"))
            _field_start(link, f"PAGEREF {bookmark_name(entry.anchor)} \\h")
            number = _run(UNKNOWN_PAGE)
            link.append(number)
            link.append(_char("end"))
            self.numbers.append((entry.anchor, number))
            paragraphs.append(paragraph)
        if paragraphs:  # the field ends with its last entry: no empty line after it
            paragraphs[-1]._p.append(_char("end"))

    def fill(self, page_map: PageMap | None) -> None:
        """Write each entry's page number, from the PDF's layout, as the cached result."""
        for anchor, run in self.numbers:
            page = page_map.page_of(anchor) if page_map else None
            run.find(qn("w:t")).text = str(page) if page else UNKNOWN_PAGE


def _field_start(parent: Any, instruction: str) -> None:
    parent.append(_char("begin"))
    run = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run.append(text)
    parent.append(run)
    parent.append(_char("separate"))


def _char(kind: str) -> Any:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run.append(char)
    return run


def _run(text: str) -> Any:
    run = OxmlElement("w:r")
    if text == "\t":
        run.append(OxmlElement("w:tab"))
        return run
    element = OxmlElement("w:t")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    run.append(element)
    return run
