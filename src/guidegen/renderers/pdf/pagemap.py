"""Where WeasyPrint's layout put things, for the formats that cache the PDF's page numbers.

The DOCX has no layout engine of its own, so its cached field results (NUMPAGES, each
part's page count, the table of contents) come from the PDF's: :func:`page_map` reads
the laid-out document's pages for the page of every anchor (``id``) and the pages left
blank before a part that starts on a right-hand page. Given the places in the content
the pages' ``data-src`` indexes (``sources``), it also reads what each page starts with
and how tall each table's rows are: the DOCX breaks its pages where the PDF does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ...errors import Location
from .. import PageMap, PageStart
from .engine import Box, Laid, Page

POINTS_PER_PX = 0.75  # WeasyPrint's geometry is in CSS pixels


def page_map(document: Laid, sources: Sequence[Location] = ()) -> PageMap:
    """Return the page count, each anchor's first page and the blank pages of ``document``.

    With ``sources``, also what each page starts with and each table's row heights.
    """
    anchors: dict[str, int] = {}
    blank = []
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
        if page.blank:
            blank.append(number)
    starts = _Starts(sources)
    if sources:
        for page in document.pages:
            starts.read(page)
    return PageMap(len(document.pages), tuple(sorted(anchors.items(), key=lambda a: a[1])),
                   tuple(blank), tuple(starts.starts),
                   tuple((sources[src], tuple(rows)) for src, rows in starts.tables.values()
                         if src is not None and src < len(sources)),
                   tuple(page.margin_text("@top-right") for page in document.pages))


@dataclass
class _Starts:
    """What one walk over the pages gathers: each page's start, each table's rows."""

    sources: Sequence[Location]
    starts: list[PageStart | None] = field(default_factory=list)
    drawn: set[int] = field(default_factory=set)  # elements drawn on the pages before
    tagged: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # tag, src, nth
    counts: dict[tuple[str, int], int] = field(default_factory=dict)
    tables: dict[int, tuple[int | None, list[float]]] = field(default_factory=dict)
    rows: set[int] = field(default_factory=set)  # the rows measured (a header's once)

    def read(self, page: Page) -> None:
        """Read one page, in order."""
        first: PageStart | None = None
        here: set[int] = set()
        element: int | None = None  # the element with a data-src the boxes are in
        table: int | None = None
        row: int | None = None
        header = False
        for box in page.boxes():
            kind = box.kind
            if box.own_src is not None:
                element = self._tag(box)
            if kind == "table":
                table = box.element_key
                self.tables.setdefault(table, (box.src, []))
            elif kind == "row-group":
                header = box.is_header
            elif kind == "row" and table is not None:
                row = self._row(box, table, header)
            elif kind in ("line", "picture") and element is not None:
                if first is None and not header:
                    tag, src, nth = self.tagged[element]
                    first = PageStart(self.sources[src], tag, nth, element in self.drawn,
                                      row if tag == "table" else None)
                here.add(element)
        self.starts.append(first)
        self.drawn |= here

    def _tag(self, box: Box) -> int | None:
        """Return the key of ``box``'s element, numbered among those of its tag and data-src."""
        key, src = box.element_key, box.own_src
        if src is None or src >= len(self.sources):
            return None
        if key not in self.tagged:
            tag = box.tag
            nth = self.counts.get((tag, src), 0)
            self.counts[tag, src] = nth + 1
            self.tagged[key] = (tag, src, nth)
        return key

    def _row(self, box: Box, table: int, header: bool) -> int | None:
        """Measure a row once; return its index among the table's body rows."""
        heights = self.tables[table][1]
        if box.element_key not in self.rows:  # split rows and repeated headers: once
            self.rows.add(box.element_key)
            heights.append(round((box.bottom - box.y) * POINTS_PER_PX, 2))
        return None if header else len(heights) - 2  # after the one header row (Table.head)
