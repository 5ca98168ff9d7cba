"""The layout preflight: what WeasyPrint's laid-out pages say that a reader would notice.

After every PDF layout, :func:`inspect` walks the boxes of each page (the laid-out
document, read through :mod:`.engine`; the PDF is never parsed again) and reports, as
located warnings:

* a table column narrower than ``matrix_column_min`` characters;
* a word broken across lines without a hyphen (it could not be hyphenated);
* a mark's word hyphenated at a line end ("Teil-weise");
* a heading left last on its page;
* a last page (of the document, or of a packet's guide) less than 15 per cent full,
  and any other page (but one left blank, or a packet's front matter) less full than
  the theme's ``fit.page`` per cent;
* a table split across pages with fewer than ``table_min_rows`` rows on a side;
* a running header or footer that wraps onto a second line;
* content outside the page's text area;
* a table row taller than a page (split across pages).

It also returns the :class:`~guidegen.renderers.Pagination` a page budget is fitted
with. :func:`missing_glyphs` turns the characters no installed font has into a located
error. Every element the HTML draws for a block carries ``data-src``, an index into the
locations the layout was given, so each finding names ``file:line:col`` in the guide.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...errors import Location, Problem
from .. import Pagination, Top
from .ends import HEADINGS, ends_part
from .engine import Box, Laid, Page
from .limits import Limits, mark_words
from .room import PageRoom
from .seams import Seams
from .tails import find_tails

_SLACK = 1.0  # CSS pixels a box may stick out before it counts as outside
_LAST_WORD = re.compile(r"\S+$")
_FIRST_WORD = re.compile(r"^\S+")


@dataclass
class _Walk:
    """What one walk over the pages gathers."""

    sources: Sequence[Location]
    fallback: Location
    limits: Limits
    problems: list[Problem] = field(default_factory=list)
    reported: set[tuple[str, int | None]] = field(default_factory=set)
    rows: dict[int, tuple[int, int | None]] = field(default_factory=dict)
    header_rows: set[int] = field(default_factory=set)
    heading: str = ""
    table: tuple[int | None, dict[int, str]] = (None, {})
    tops: list[Top] = field(default_factory=list)
    fills: list[float] = field(default_factory=list)
    table_key: int | None = None
    tables: dict[int, tuple[int | None, list[int]]] = field(default_factory=dict)
    room: PageRoom = field(default_factory=lambda: PageRoom(0.0))
    seams: Seams = field(default_factory=Seams)  # LibreOffice's gaps (East Asian text)
    spacing: list[float] = field(default_factory=list)  # what of each page is spacing
    leading: list[float] = field(default_factory=list)  # and the theme's line height

    def where(self, src: int | None) -> Location:
        return self.sources[src] if src is not None and src < len(self.sources) \
            else self.fallback

    def warn(self, kind: str, src: int | None, message: str,
             where: Location | None = None) -> None:
        if (kind, src) not in self.reported:
            self.reported.add((kind, src))
            self.problems.append(Problem(where or self.where(src), message,
                                         severity="warning"))


def inspect(document: Laid, sources: Sequence[Location], fallback: Location,
            limits: Limits) -> tuple[list[Problem], Pagination]:
    """Return the warnings about a laid-out ``document``, and its pagination."""
    walk = _Walk(sources, fallback, limits, room=PageRoom(limits.line_height))
    pages = document.pages
    for number, page in enumerate(pages, 1):
        _page(walk, page, number, last=number == len(pages))
    _near_empty(walk, pages)
    _split_tables(walk)
    _wrapped_running(walk, pages)
    if limits.east_asian:
        _gaps(walk)
    if len(pages) > 1 and walk.fills[-1] < limits.last_page:
        top = walk.tops[-1]
        walk.warn("last-page", None, f"the last page is only {walk.fills[-1]:.0%} full "
                  f"(less than {limits.last_page:.0%}), holding the end of "
                  f"{_quote(top.heading) if top.heading else 'the guide'}; shorten the "
                  "guide, or give it a page budget "
                  "(handout: {pages: N})", where=top.source)
    tails = find_tails(walk.tables.values(), walk.fills, [page.blank for page in pages],
                       limits.page)
    return walk.problems, Pagination(tuple(walk.fills), tuple(walk.tops), tails,
                                     spacing=tuple(walk.spacing), leading=tuple(walk.leading))


def _page(walk: _Walk, page: Page, number: int, last: bool) -> None:
    """Inspect one page."""
    left, top, width, height = page.area
    area = (left, top, left + width, top + height)
    bottom = top
    first: Top | None = None
    last_line: tuple[str, int | None] | None = None
    repeated: set[int] = set()  # the lines of a table's header row, repeated on each page
    for box in page.boxes():
        kind = box.kind
        if kind == "row-group" and box.is_header:
            repeated.update(line.key for line in box.descendants())
        if kind in ("line", "picture"):
            bottom = max(bottom, box.bottom)
            if box.tag in HEADINGS:
                walk.heading = box.all_text
            if first is None and box.key not in repeated:
                first = Top(walk.heading, walk.where(box.src))
            last_line = (box.tag, box.src)
        if kind in ("text", "table", "picture"):
            _outside(walk, box, area)
        if kind == "table":
            walk.table = (box.src, _headers(box))
            walk.table_key = box.element_key
            walk.tables.setdefault(box.element_key, (box.src, []))
        elif kind == "row-group" and box.is_header:
            walk.header_rows.update(row.element_key for row in box.children)
        elif kind == "row" and box.element_key not in walk.header_rows:
            _row(walk, box, number)
        elif kind == "cell":
            _column(walk, box)
        _line_breaks(walk, box)
        walk.room.see(box)
        if walk.limits.east_asian:
            walk.seams.see(box)
    walk.seams.page_done(top + height - bottom)
    walk.tops.append(first or Top(walk.heading, walk.fallback))
    walk.fills.append(max(0.0, min(1.0, (bottom - top) / height)) if height else 1.0)
    spacing, leading = walk.room.share(top, bottom, height)
    walk.spacing.append(spacing)
    walk.leading.append(leading)
    if last_line is not None and last_line[0] in HEADINGS and not last:
        walk.warn("heading-last", last_line[1], f"the heading {_quote(walk.heading)} is "
                  f"the last line of page {number}: what it heads starts on the next page")


def _near_empty(walk: _Walk, pages: Sequence[Page]) -> None:
    """Warn about each page but the last that holds little (a blank or front page aside).

    The last page of a packet's part is held to what a guide's last page is. The
    warning is at what the page starts with, and names what starts the next page
    instead: it did not fit below, or it breaks the page (a landscape table, a part).
    """
    for number, (page, fill) in enumerate(zip(pages[:-1], walk.fills, strict=False), 1):
        # the next page not left blank (a part may start on a right-hand page)
        following = next((p for p in pages[number:] if not p.blank), None)
        limit = walk.limits.last_page if ends_part(page, following) else walk.limits.page
        if fill < limit and not page.blank and page.name != "front":
            here, after = walk.tops[number - 1], walk.tops[number]
            holding = f"the end of {_quote(here.heading)}" if here.heading else \
                "the start of the guide"
            what = _quote(after.heading) if after.heading else "what follows"
            walk.warn(f"near-empty-{number}", None, f"page {number} is only {fill:.0%} "
                      f"full (less than {limit:.0%}), holding {holding}: {what} starts "
                      f"page {number + 1} instead; shorten what comes before it, or what "
                      "it starts with", where=here.source)


def _gaps(walk: _Walk) -> None:
    """Warn at each page whose text LibreOffice's gaps may push over its foot (.seams)."""
    for number, more, free in walk.seams.overruns():
        walk.warn(f"gaps-{number}", None, f"page {number} may run over in LibreOffice: it "
                  "sets a gap where digits or Latin letters meet Chinese or Japanese text, "
                  f"and here the lines those gaps may add ({more:.0f} pt) are more than the "
                  f"room at the page's foot ({free:.0f} pt): the DOCX's page {number} may "
                  "end sooner than the PDF's (Word sets no gap); shorten the page's text",
                  where=walk.tops[number - 1].source)


def _split_tables(walk: _Walk) -> None:
    """Warn about each table split across pages with too few rows on a side."""
    least = walk.limits.table_rows
    for src, rows in walk.tables.values():
        if len(set(rows)) < 2:
            continue
        first, last = rows.count(rows[0]), rows.count(rows[-1])
        if min(first, last) < least:
            side, count, page = ("first", first, rows[0]) if first < least else \
                ("last", last, rows[-1])
            walk.warn("table-split", src, f"a table is split across pages with only "
                      f"{count} row{'s' if count != 1 else ''} on its {side} page "
                      f"({page}; fewer than table_min_rows, {least}): a row taller than "
                      "the rest keeps the others apart; shorten its cells")


def _wrapped_running(walk: _Walk, pages: Sequence[Page]) -> None:
    """Warn once about a running header or footer that takes more than one line."""
    for page in pages:
        for box in page.margins():
            lines = [line for line in box.descendants() if line.kind == "line"]
            if len(lines) > 1:
                text = " ".join(line.all_text.strip() for line in lines)
                walk.warn("running-wraps", None, f"the running header or footer "
                          f"{_quote(text)} wraps onto {len(lines)} lines; give the guide "
                          "a shorter title, or shorten its control line")
                return


def _outside(walk: _Walk, box: Box, area: tuple[float, float, float, float]) -> None:
    left, top, right, bottom = area
    x, y = box.x, box.y
    if (x < left - _SLACK or x + box.outer_width > right + _SLACK
            or y < top - _SLACK or y > bottom + _SLACK):
        text = f" ({_quote(box.text)})" if box.text is not None else ""
        walk.warn("outside", box.src, f"content sticks out of the page's text area{text}; "
                  "its column or the page is too narrow for it")


def _row(walk: _Walk, box: Box, page: int) -> None:
    """Note a body row's page; warn once it is met on a second one (it was split)."""
    key = box.element_key
    seen = walk.rows.get(key)
    here = next((cell for cell in (c.own_src for c in box.children) if cell is not None),
                box.src)
    if seen is None:
        walk.rows[key] = (page, here)
        if walk.table_key is not None:
            walk.tables[walk.table_key][1].append(page)
    elif seen[0] != page:
        walk.warn("row", seen[1], f"a table row is taller than a page and was split "
                  f"across pages {seen[0]} and {page}; shorten its cells")


def _headers(table: Box) -> dict[int, str]:
    """Return the text of each column's header cell, by column."""
    found = {}
    for group in table.children:
        if group.is_header:
            for row in group.children:
                for cell in row.children:
                    found[cell.column] = cell.all_text
    return found


def _column(walk: _Walk, cell: Box) -> None:
    limits = walk.limits
    size = cell.font_size
    chars = cell.width / (limits.ch * size) if size else limits.column_chars
    if chars < limits.column_chars:
        src, headers = walk.table
        column = cell.column
        name = headers.get(column) or f"{column + 1}"
        walk.warn(f"column-{column}", src, f"the column {_quote(name)} is {chars:.1f} "
                  f"characters wide (less than {limits.column_chars:g}): its words break "
                  "into pieces; give the table landscape pages (orientation: landscape) "
                  "or fewer columns")


def _line_breaks(walk: _Walk, box: Box) -> None:
    """Warn about each line of ``box`` that ends inside a word without a hyphen."""
    lines = [child for child in box.children if child.kind == "line"]
    for line, following in itertools.pairwise(lines):
        before, after = _edge_text(line, last=True), _edge_text(following, last=False)
        if before is None or after is None:
            continue
        end, start = before.text or "", after.text or ""
        if end and start and end.endswith(before.hyphen):
            _hyphenated_mark(walk, before, end[:-len(before.hyphen)], start)
            continue
        if not end or not start or not _joins(end[-1], start[0]):
            continue
        head, tail = _LAST_WORD.search(end), _FIRST_WORD.search(start)
        if head is None or tail is None:
            continue
        word = head.group() + tail.group()
        if word in box.element_text:
            walk.warn("broken-word", before.src,
                      f"{_quote(word)} is broken across lines without a hyphen "
                      f"({_quote(head.group())} | {_quote(tail.group())}): it is wider "
                      "than its column and cannot be hyphenated")


def _hyphenated_mark(walk: _Walk, before: Box, end: str, start: str) -> None:
    """Warn if the word hyphenated between ``end`` and ``start`` is a mark's."""
    head, tail = _LAST_WORD.search(end), _FIRST_WORD.search(start)
    if head is None or tail is None:
        return
    word = (head.group() + tail.group()).replace("\u00ad", "")
    if word in walk.limits.mark_words:
        walk.warn("mark-word", before.src,
                  f"the mark word {_quote(word)} is hyphenated at a line end: a reader "
                  "reads two words; give its column room (or a template that hyphenates "
                  "marks: take it out)")


def _edge_text(line: Box, last: bool) -> Box | None:
    texts = [box for box in line.descendants() if box.kind == "text" and not box.generated]
    return (texts[-1] if last else texts[0]) if texts else None


def _joins(before: str, after: str) -> bool:
    """Return whether no line may break between ``before`` and ``after`` without a hyphen."""
    return all(unicodedata.category(c)[0] in "LNM" and not _breaks_anywhere(c)
               for c in (before, after))


def _breaks_anywhere(char: str) -> bool:
    """Return whether lines break between letters of ``char``'s script (CJK, Thai, ...)."""
    return unicodedata.east_asian_width(char) in ("W", "F", "H") or \
        "\u0e00" <= char <= "\u0fff" or "\u1000" <= char <= "\u109f" or \
        "\u1780" <= char <= "\u17ff"


def _quote(text: str) -> str:
    return f"“{text.strip()}”"


__all__ = ["Limits", "inspect", "mark_words"]  # Limits and mark_words: see .limits
