"""Where LibreOffice's gaps beside Chinese or Japanese text may push a page over.

LibreOffice (7.4) sets a gap of a fifth of an em where a digit or a Latin letter meets
Chinese or Japanese text ("2026 年 11 月"), whatever the DOCX asks: its DOCX import drops
``w:autoSpaceDE``/``w:autoSpaceDN`` (Word honours them, and sets none; nor does the PDF).
A paragraph whose gaps take more than its last line has left gets a line more there,
and a page the PDF fills to its foot may run over in LibreOffice.

:class:`Seams` reckons it while the preflight walks a page of a Chinese, Japanese or
Korean document (:func:`.preflight.inspect`): each paragraph's gaps (every seam a whole
fifth of an em, its font's), against the room its last line on the page leaves; each
that cannot hold them costs a line (a table row: the tallest such line of its cells).
Those lines, against the room left at the page's foot: the preflight warns at the page
whose lines they outgrow. It errs on the side of warning: a gap at a line's end costs
nothing in fact. Measured with LibreOffice 7.4 on the Japanese default guide, its
introduction lengthened by dated sentences (tests/test_east_asian_docx.py): warned where
LibreOffice's pages went over (5, 6, 7 sentences on A4), not where they did not (0-4),
and not on the Japanese fixtures on A4 and Letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...common.characters import SCRIPT_GAP
from .engine import Box
from .pagemap import POINTS_PER_PX

# a box as wide as its one line is sized by it (a title block's field), in the DOCX too
_FITTED = 0.5
# kana and ideographs; not their punctuation ("・", "："), beside which LibreOffice's
# lines measured no gap (the Japanese default guide's title)
_CJK = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff" \
    "\uf900-\ufaff"
_SEAM = re.compile(f"(?<=[0-9A-Za-z])(?=[{_CJK}])|(?<=[{_CJK}])(?=[0-9A-Za-z])")


@dataclass
class _Text:
    """One element's lines on the page: their gaps, and what its last line leaves."""

    gaps: float = 0.0
    slack: float = 0.0
    line: float = 0.0  # the last line's height
    row: int | None = None  # the table row it is in
    lines: int = 0


@dataclass
class Seams:
    """The seams of each page's text, gathered box by box (CSS pixels)."""

    pages: list[dict[int, _Text]] = field(default_factory=lambda: [{}])
    free: list[float] = field(default_factory=list)  # the room at each page's foot
    row: tuple[int, float, float] | None = None  # the row seen last: key, top, bottom
    right: float = 0.0  # where the lines of the block seen last may reach

    def see(self, box: Box) -> None:
        """Take one box of the page, in order."""
        kind = box.kind
        if kind == "row":
            self.row = (box.element_key, box.y, box.bottom)
        if kind != "line":
            if kind != "text" and any(child.kind == "line" for child in box.children):
                self.right = box.content_right  # the block its lines are in
            return
        row = self.row[0] if self.row and self.row[1] <= box.y < self.row[2] else None
        text = self.pages[-1].setdefault(box.element_key, _Text(row=row))
        text.gaps += len(_SEAM.findall(box.all_text)) * SCRIPT_GAP * box.font_size
        children = box.children
        used = max((child.x + child.outer_width for child in children), default=box.x) - \
            min((child.x for child in children), default=box.x)
        text.slack, text.line = self.right - box.x - used, box.bottom - box.y
        text.lines += 1

    def page_done(self, free: float) -> None:
        """Note that the page ends, ``free`` room left at its foot; the next box is the next's."""
        self.free.append(free)
        self.pages.append({})
        self.row = None

    def overruns(self) -> list[tuple[int, float, float]]:
        """Return each page (from 1) whose text may outgrow its room in LibreOffice.

        With how much taller it may be, and the room at its foot, in points.
        """
        return [(number, more * POINTS_PER_PX, free * POINTS_PER_PX)
                for number, (more, free) in enumerate(zip(self.more(), self.free,
                                                          strict=False), 1)
                if more > free]

    def more(self) -> list[float]:
        """Return how much taller each page's text may be in LibreOffice.

        A text that goes on to the next page (a paragraph, a row split across pages)
        gains no line on this one: its last line here is not its last.
        """
        found = []
        for number, texts in enumerate(self.pages[:-1]):
            after = self.pages[number + 1]
            rows: dict[int, float] = {}
            more = 0.0
            for key, text in texts.items():
                if key in after or text.gaps <= max(text.slack, 0.0) or \
                        (text.lines == 1 and text.slack < _FITTED):
                    continue
                if text.row is None:
                    more += text.line
                else:
                    rows[text.row] = max(rows.get(text.row, 0.0), text.line)
            found.append(more + sum(rows.values()))
        return found


__all__ = ["Seams"]
