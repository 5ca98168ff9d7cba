"""The DOCX keeps the PDF's pages: page breaks where the PDF's pages start, rows as tall.

Word and LibreOffice paginate on their own, and drift from the PDF: a line a little
taller here, a table row a little shorter there, and a page starts with other words.
The PDF's layout is known when the DOCX is finished (its :class:`~guidegen.renderers.
PageMap`), so the DOCX takes two things from it:

* every block that starts a page of the PDF breaks the page before it (Word's "page
  break before" on its first paragraph; on a table's first row, which LibreOffice makes
  the table's own break), so no page runs on past where the PDF's ends;
* every table row is at least as tall as in the PDF (``w:trHeight``, "at least"), so a
  table that runs across pages breaks where the PDF's does: neither Word nor LibreOffice
  breaks a page before a row on request. Where the PDF broke a table early to balance
  its tail (:mod:`guidegen.renderers.pdf.tails`), the rows of its last page keep with
  the next, as the PDF's do, so they go over together.

A page that starts inside a paragraph (its last lines), a list item or a table row
is left to the word processor, which may break it elsewhere; so is a page that starts
with a block the DOCX has no break for, or a table whose rows are not the PDF's. The
build knows these from the page map alone, without a word processor: :meth:`PageKeeper.keep`
returns a warning at each, located at the block (``--strict`` makes them errors).
"""

from __future__ import annotations

from typing import Any

from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.shared import Pt

from ...errors import Location, Problem
from .. import PageMap, PageStart
from . import oxml


class PageKeeper:
    """Remembers where each block went in the Word body; breaks its pages as the PDF's.

    A block is known as the PDF's page map knows it: the ``nth`` of the elements drawn
    as ``tag`` from its place in the content (several blocks may come from one place:
    the paragraphs of one Markdown text), numbered in reading order as the HTML has them.
    """

    def __init__(self, document: Any) -> None:
        self.document = document
        self.firsts: dict[tuple[str, Location], list[Any]] = {}  # first body elements
        self.tables: dict[Location, Any] = {}  # python-docx tables, by the table's place

    def begin(self, tag: str, source: Location | None) -> list[Any] | None:
        """Return the slot of the next block drawn as ``tag`` from ``source`` (see :meth:`end`)."""
        if source is None or not tag:
            return None
        slot: list[Any] = []
        self.firsts.setdefault((tag, source), []).append(slot)
        return slot

    def end(self, slot: list[Any] | None, element: Any) -> None:
        """Note that the block of ``slot`` starts with body ``element``."""
        if slot is not None and element is not None:
            slot.append(element)

    def table(self, source: Location | None, table: Any) -> None:
        """Note the Word table of the table block from ``source``."""
        if source is not None:
            self.tables.setdefault(source, table)

    def keep(self, pages: PageMap) -> list[Problem]:
        """Break the pages where ``pages`` says the PDF's start; make the rows as tall.

        Return a warning at each page the DOCX cannot start where the PDF's does.
        """
        loose = []
        for source, heights in pages.rows:
            table = self.tables.get(source)
            if table is not None and len(table.rows) == len(heights):
                for row, height in zip(table.rows, heights, strict=True):
                    row.height, row.height_rule = Pt(height), WD_ROW_HEIGHT_RULE.AT_LEAST
            else:  # its pages break where the word processor's rows do
                loose.append(Problem(source, "the DOCX's table has other rows than the "
                                     "PDF's: it may break across pages elsewhere in Word "
                                     "and LibreOffice", severity="warning"))
        for source, count in pages.kept:  # a balanced tail: its rows held together
            table = self.tables.get(source)
            for row in table.rows[-count:-1] if table is not None else ():
                keep_with_next(row)
        for number, start in enumerate(pages.starts[1:], start=2):
            if start is not None and not self._break(start):
                loose.append(_unkept(number, start))
        return loose

    def _break(self, start: PageStart) -> bool:
        """Break the page before the block ``start`` names; return whether the DOCX can."""
        if start.continued:  # a table's later rows: as tall as the PDF's, they break alike
            return start.tag == "table"
        if start.tag in _ROW_TAGS:  # a table's later row (its first cell)
            return True
        slot = self._slot(start)
        if not slot:
            return False
        if oxml.is_paragraph(slot[0]):
            oxml.paragraph(self.document, slot[0]).paragraph_format.page_break_before = True
        elif start.source in self.tables:
            first = self.tables[start.source].rows[0].cells[0].paragraphs[0]
            first.paragraph_format.page_break_before = True
        else:
            return False
        return True

    def starts(self, pages: PageMap) -> dict[int, Any]:
        """Return the body element each page (from 2) starts with, where one does."""
        found = {}
        for number, start in enumerate(pages.starts[1:], 2):
            slot = self._slot(start)
            if slot:
                found[number] = slot[0]
        return found

    def _slot(self, start: PageStart | None) -> list[Any]:
        """Return the slot of the block a page starts with; empty if it starts inside one."""
        if start is None or start.continued:
            return []
        slots = self.firsts.get((start.tag, start.source), [])
        return slots[start.nth] if start.nth < len(slots) else []


def keep_with_next(row: Any) -> None:
    """Keep a table's ``row`` on the page of the row after it (Word's keep with next)."""
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


_ROW_TAGS = ("th", "td", "tr")
_WHAT = {"p": "paragraph", "li": "list item", **dict.fromkeys(_ROW_TAGS, "table row")}


def _unkept(number: int, start: PageStart) -> Problem:
    """Return the warning that page ``number`` of the DOCX may not start as the PDF's."""
    what = _WHAT.get(start.tag, "block")
    what = f"{what} {start.nth + 1} of this text" if start.nth else f"this {what}"
    where = f"starts inside {what}" if start.continued else \
        f"starts with {what}, before which the DOCX has no page break"
    return Problem(start.source, f"page {number} of the PDF {where}: Word and LibreOffice "
                   f"break the page where their own lines fall, so the DOCX's page {number} "
                   "may start with other words than the PDF's", severity="warning")
