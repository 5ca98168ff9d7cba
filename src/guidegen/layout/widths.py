"""How wide each column of a matrix is, and whether the matrix needs landscape pages.

Decided here, once, from the content and the theme, so the PDF (its ``<colgroup>``) and
the DOCX (its column widths) break lines in the same columns. Every column needs room
for its longest word; the criteria column also for ``matrix_criteria_min`` characters,
and a mark cell only for the wider of its symbol and its word, which may wrap onto two
lines. Each column would like its share of the width (the criteria column's
``matrix_criteria_width``, the rest shared equally); a column whose text needs less
than its share on one line gives the rest to the columns whose text needs more. A
matrix whose columns cannot get their room on upright pages is turned to landscape
(``auto``); one that cannot get it even there is squeezed, subject columns first and
none below ``matrix_column_min`` characters, and its long words hyphenate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..theme.theme import Theme
from ..tree import Cell, Inline, Orientation, Span, plain_text
from .metrics import Measure

POINTS_PER_MM = 72 / 25.4
# where a line may break inside a run of letters without a hyphen being added
_BREAKS = re.compile(r"(?<=[-‐–—/])|\s+")


@dataclass(frozen=True)
class Column:
    """What one column needs and would like, in points."""

    least: float  # its longest word, padding included
    floor: float  # the narrowest it may be squeezed to
    share: float  # the share of the width it would like
    natural: float = 0.0  # its longest cell on one line, padding included
    firm: bool = False  # squeezed only after every other column


def matrix_widths(head: Sequence[Cell], rows: Sequence[Sequence[Cell]], theme: Theme,
                  orientation: str, language: str = "en"
                  ) -> tuple[tuple[float, ...], Orientation]:
    """Return a matrix's column shares (summing to 1) and the pages it goes on.

    ``orientation`` is ``portrait``, ``landscape``, or ``auto``: landscape only if the
    columns do not fit upright. Text is measured as set in ``language``'s fonts.
    """
    columns = measure_columns(head, rows, theme, language)
    upright, turned = text_widths(theme)
    needed = sum(column.least for column in columns)
    chosen: Orientation = "portrait"
    if orientation == "landscape" or (orientation == "auto" and needed > upright):
        chosen = "landscape"
    width = turned if chosen == "landscape" else upright
    widths = allot(columns, width)
    return tuple(w / width for w in widths), chosen


def field_widths(items: Sequence[tuple[str, str]], theme: Theme,
                 language: str = "en") -> tuple[float, ...]:
    """Return the shares of the text width of a fields block's columns (label over value).

    Each column is as wide as its label or value on one line, plus a gap; the last takes
    what is left. If they do not fit, each gets a share in proportion, and values wrap.
    """
    measure = Measure(theme, language)
    size = theme.sizes.small
    gap = 2.2 * size
    natural = [max(measure.width(label.upper(), size), measure.width(value, size, bold=True))
               + gap for label, value in items]
    width = text_widths(theme)[0]
    if sum(natural) > width:
        return tuple(n / sum(natural) for n in natural)
    shares = [n / width for n in natural[:-1]]
    return (*shares, 1 - sum(shares))


def text_widths(theme: Theme) -> tuple[float, float]:
    """Return the width of the text on upright and on landscape pages, in points."""
    width, height = theme.page_size_mm
    sides = theme.margins.left + theme.margins.right
    return (width - sides) * POINTS_PER_MM, (height - sides) * POINTS_PER_MM


def measure_columns(head: Sequence[Cell], rows: Sequence[Sequence[Cell]],
                    theme: Theme, language: str = "en") -> list[Column]:
    """Return what each column of a matrix needs: the criteria column first."""
    measure = Measure(theme, language)
    sizes = theme.sizes
    padding = 2 * sizes.cell_padding
    ch = measure.ch(sizes.table)
    criteria = theme.matrix_criteria_width / 100
    count = len(head)
    columns = []
    for index in range(count):
        cells = [head[index], *(row[index] for row in rows)]
        widths = [_widths(measure, cell, sizes.table, sizes.small) for cell in cells]
        longest = max(word for word, _ in widths)
        natural = max(line for _, line in widths) + padding
        if index == 0:
            least = max(longest, theme.matrix_criteria_min * ch) + padding
            columns.append(Column(least, least, criteria, natural, firm=True))
        else:
            floor = theme.matrix_column_min * ch + padding
            columns.append(Column(max(longest + padding, floor), floor,
                                  (1 - criteria) / (count - 1), natural))
    return columns


def allot(columns: Sequence[Column], width: float) -> list[float]:
    """Return each column's width in ``width``: its share, moved to where text needs it.

    Columns whose text needs less than their share on one line give the difference to
    those whose text needs more (in proportion to the need); then every column below its
    least is raised to it, from the others' room above their least.
    """
    if sum(column.least for column in columns) > width:
        return squeeze(columns, width)
    total = sum(column.share for column in columns)
    targets = [width * column.share / total for column in columns]
    spare = [max(0.0, t - max(c.natural, c.least)) for t, c in zip(targets, columns,
                                                                    strict=True)]
    need = [max(0.0, c.natural - t) for t, c in zip(targets, columns, strict=True)]
    moved = min(sum(spare), sum(need))
    widths = [t - (s * moved / sum(spare) if moved else 0.0)
              + (n * moved / sum(need) if moved else 0.0)
              for t, s, n in zip(targets, spare, need, strict=True)]
    short = sum(max(0.0, c.least - w) for w, c in zip(widths, columns, strict=True))
    if short:
        room = [max(0.0, w - c.least) for w, c in zip(widths, columns, strict=True)]
        part = short / sum(room)
        widths = [max(c.least, w - r * part)
                  for w, r, c in zip(widths, room, columns, strict=True)]
    return widths


def squeeze(columns: Sequence[Column], width: float) -> list[float]:
    """Return widths below the columns' least that fill ``width``: loose ones first."""
    widths = [column.least for column in columns]
    for firm in (False, True):
        excess = sum(widths) - width
        room = [w - c.floor if c.firm == firm else 0.0
                for w, c in zip(widths, columns, strict=True)]
        if excess <= 0 or not sum(room):
            continue
        part = min(1.0, excess / sum(room))
        widths = [w - r * part for w, r in zip(widths, room, strict=True)]
    excess = sum(widths) - width
    if excess > 0:  # even the floors do not fit: everything shrinks alike
        widths = [w * width / sum(widths) for w in widths]
    return widths


def _widths(measure: Measure, cell: Cell, size: float, small: float) -> tuple[float, float]:
    """Return the widths of ``cell``'s widest unbreakable piece and of its text on one line.

    A note counts for the first (it must fit too) but not for the second: it is small
    print, and wraps.
    """
    widest = line = 0.0
    for inlines, at in ((cell.inlines, size), (cell.note, small)):
        pieces = _pieces(inlines, cell.header, False)
        if at == size:
            line = sum(measure.width(text, at, bold, italic) for text, bold, italic in pieces)
        for text, bold, italic in pieces:
            for word in _BREAKS.split(text):
                widest = max(widest, measure.width(word, at, bold, italic))
    return widest, line


def _pieces(inlines: Sequence[Inline], bold: bool, italic: bool
            ) -> list[tuple[str, bool, bool]]:
    """Return the text of ``inlines`` in runs of one face: (text, bold, italic)."""
    found: list[tuple[str, bool, bool]] = []
    for node in inlines:
        if isinstance(node, Span):
            found += _pieces(node.children, bold or node.role in _BOLD,
                             italic or node.role in _ITALIC)
        elif hasattr(node, "children"):
            kind = type(node).__name__
            found += _pieces(node.children, bold or kind == "Strong", italic or kind == "Emph")
        else:
            found.append((plain_text((node,)), bold, italic))
    return found


# the inline roles the built-in stylesheet sets bold or italic
_BOLD = frozenset({"mark-yes", "label", "who"})
_ITALIC = frozenset({"mark-partial"})
