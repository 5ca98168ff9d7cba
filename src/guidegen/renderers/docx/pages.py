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
  breaks a page before a row on request.

A page that starts inside a paragraph (its last lines) is left to the word processor.
"""

from __future__ import annotations

from typing import Any

from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.shared import Pt

from ...errors import Location
from .. import PageMap
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

    def keep(self, pages: PageMap) -> None:
        """Break the pages where ``pages`` says the PDF's start; make the rows as tall."""
        for source, heights in pages.rows:
            table = self.tables.get(source)
            if table is not None and len(table.rows) == len(heights):
                for row, height in zip(table.rows, heights, strict=True):
                    row.height, row.height_rule = Pt(height), WD_ROW_HEIGHT_RULE.AT_LEAST
        for start in pages.starts[1:]:
            if start is None or start.continued:
                continue
            slots = self.firsts.get((start.tag, start.source), [])
            slot = slots[start.nth] if start.nth < len(slots) else []
            if not slot:
                continue
            if oxml.is_paragraph(slot[0]):
                oxml.paragraph(self.document, slot[0]).paragraph_format.page_break_before = True
            elif start.source in self.tables:
                first = self.tables[start.source].rows[0].cells[0].paragraphs[0]
                first.paragraph_format.page_break_before = True
