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
from dataclasses import dataclass, replace

from ..common.characters import SCRIPT_GAP
from ..common.language import Language
from ..theme.resolve import Styles, TableLook
from ..theme.theme import Theme
from ..tree import Cell, Inline, Orientation, Span, plain_text
from .metrics import Face, Measure

POINTS_PER_MM = 72 / 25.4
# where a line may break inside a run of letters without a hyphen being added
_BREAKS = re.compile(r"(?<=[-‐–—/])|\s+")
# Chinese or Japanese text and the Latin letters and digits in it ("2026年11月24日"):
# a word processor sets a gap where they meet (LibreOffice's "spacing between Asian and
# non-Asian text", which it keeps whatever the DOCX says: a fifth of an em, measured),
# and draws the Latin runs in a fallback font where the font the DOCX names for them is
# missing (Word lacking Noto Sans CJK; LibreOffice used DejaVu Sans for Yu Gothic): room
# for the theme's widest, its symbols font, DejaVu Sans
_CJK = "\u3000-\u9fff\uf900-\ufaff\uff00-\uffef"
_RUNS = re.compile(rf"([{_CJK}]+)|[^{_CJK}]+")


@dataclass(frozen=True)
class Column:
    """What one column needs and would like, in points."""

    least: float  # its longest word, padding included
    floor: float  # the narrowest it may be squeezed to
    share: float  # the share of the width it would like
    natural: float = 0.0  # its longest cell on one line, padding included
    firm: bool = False  # squeezed only after every other column


def matrix_widths(head: Sequence[Cell], rows: Sequence[Sequence[Cell]], styles: Styles,
                  orientation: str, language: Language
                  ) -> tuple[tuple[float, ...], Orientation]:
    """Return a matrix's column shares (summing to 1) and the pages it goes on.

    ``orientation`` is ``portrait``, ``landscape``, or ``auto``: landscape only if the
    columns do not fit upright. Text is measured as the style sheet sets each cell's
    role, in ``language``'s fonts.
    """
    columns = measure_columns(head, rows, styles, language)
    upright, turned = text_widths(styles.theme)
    needed = sum(column.least for column in columns)
    chosen: Orientation = "portrait"
    if orientation == "landscape" or (orientation == "auto" and needed > upright):
        chosen = "landscape"
    width = turned if chosen == "landscape" else upright
    widths = allot(columns, width)
    return tuple(w / width for w in widths), chosen


def field_widths(items: Sequence[tuple[str, str]], styles: Styles, language: Language,
                 role: str = "control") -> tuple[float, ...]:
    """Return the shares of the text width of a fields block's columns (label over value).

    Each column is as wide as its label or value on one line (as the style sheet sets
    the fields role's labels and values), plus the gap between columns; the last takes
    what is left. If they do not fit, each gets a share in proportion, and values wrap.
    """
    measure = Measure(styles.theme, language)
    look = styles.fields[role]
    label, value = (Face.of(styles.paragraph(part)) for part in (look.label, look.value))
    natural = [max(measure.width(text, label), measure.width(content, value)) + look.gap
               for text, content in items]
    width = text_widths(styles.theme)[0]
    if sum(natural) > width:
        return tuple(n / sum(natural) for n in natural)
    shares = [n / width for n in natural[:-1]]
    return (*shares, 1 - sum(shares))


def watermark_width(text: str, styles: Styles) -> float:
    """Return the width of ``text`` set as the watermark, in points, as the PDF sets it.

    The watermark role's face at :meth:`Styles.watermark_size`, its letters measured in
    the theme's fonts of any script (the DOCX's shape is stretched to this width, so
    that Word and LibreOffice draw it as large as the PDF does).
    """
    face = replace(Face.of(styles.paragraph("watermark")), size=styles.watermark_size(text))
    return Measure(styles.theme, Language.of("und")).width(text, face)


def whole_column(shares: Sequence[float], index: int, texts: Sequence[str],
                 styles: Styles, role: str, language: Language) -> tuple[float, ...]:
    """Return ``shares`` with column ``index`` wide enough for each of ``texts`` on one line.

    A record table's dates ("November 24, 2026") must not wrap; the room is taken from
    the widest other column. ``role`` is the table's (its cells' face and padding).
    In Chinese and Japanese the room is also what a word processor needs
    (:func:`_word_width`), so LibreOffice keeps the date whole too.
    """
    look = styles.tables[role]
    measure, face = Measure(styles.theme, language), Face.of(styles.paragraph(look.cells.body))
    need = max((max(measure.width(text, face), _word_width(text, face, measure, language))
                for text in texts), default=0.0)
    # the padding, and half an em for the cell's rules and the renderers' rounding
    need = (need + 2 * look.padding_horizontal + face.size / 2) / text_widths(styles.theme)[0]
    widened = list(shares)
    if need <= widened[index]:
        return tuple(shares)
    widest = max((n for n in range(len(widened)) if n != index), key=lambda n: widened[n])
    give = min(need - widened[index], widened[widest] / 2)
    widened[index] += give
    widened[widest] -= give
    return tuple(widened)


def _word_width(text: str, face: Face, measure: Measure, language: Language) -> float:
    """Return how wide a word processor may draw Chinese or Japanese ``text`` (else 0).

    Its Latin runs in the symbols font, its own in the script's, and a gap of
    :data:`~guidegen.common.characters.SCRIPT_GAP` where they meet.
    """
    if not language.east_asian:
        return 0.0
    runs, fallback = list(_RUNS.finditer(text)), replace(face, font="symbols")
    drawn = sum(measure.width(run.group(), face if run.group(1) else fallback)
                for run in runs)
    return drawn + (len(runs) - 1) * SCRIPT_GAP * face.size


def text_widths(theme: Theme) -> tuple[float, float]:
    """Return the width of the text on upright and on landscape pages, in points."""
    width, height = theme.page_size_mm
    sides = theme.margins.left + theme.margins.right
    return (width - sides) * POINTS_PER_MM, (height - sides) * POINTS_PER_MM


def measure_columns(head: Sequence[Cell], rows: Sequence[Sequence[Cell]],
                    styles: Styles, language: Language, role: str = "matrix") -> list[Column]:
    """Return what each column of a matrix needs: the criteria column first."""
    theme = styles.theme
    measure = Measure(theme, language)
    table = styles.tables[role]
    padding = 2 * table.padding_horizontal
    faces = _CellFaces(styles, table)
    ch = measure.ch(faces.body.size, faces.body.font)
    criteria = theme.matrix_criteria_width / 100
    count = len(head)
    columns = []
    for index in range(count):
        cells = [(head[index], True), *((row[index], False) for row in rows)]
        widths = [_widths(measure, cell, faces, heading) for cell, heading in cells]
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


class _CellFaces:
    """The faces of a table's cells and notes, by the roles its style gives them."""

    def __init__(self, styles: Styles, table: TableLook) -> None:
        self.styles = styles
        cells = table.cells
        self.head, self.corner, self.row_head, self.body, self.row_note, self.cell_note = (
            Face.of(styles.paragraph(role)) for role in (
                cells.head, cells.corner, cells.row_head, cells.body, cells.row_note,
                cells.cell_note))

    def of(self, cell: Cell, heading: bool) -> tuple[Face, Face]:
        """Return the faces of ``cell``'s text and of its note (``heading``: the header row)."""
        if heading:
            return (self.corner if cell.role == "corner" else self.head), self.row_note
        return (self.row_head, self.row_note) if cell.header else (self.body, self.cell_note)


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


def _widths(measure: Measure, cell: Cell, faces: _CellFaces,
            heading: bool) -> tuple[float, float]:
    """Return the widths of ``cell``'s widest unbreakable piece and of its text on one line.

    A note counts for the first (it must fit too) but not for the second: it is small
    print, and wraps.
    """
    text_face, note_face = faces.of(cell, heading)
    widest = line = 0.0
    for inlines, face in ((cell.inlines, text_face), (cell.note, note_face)):
        pieces = _pieces(inlines, face, faces.styles)
        if face is text_face:
            line = sum(measure.width(text, at) for text, at in pieces)
        for text, at in pieces:
            for word in _BREAKS.split(text):
                widest = max(widest, measure.width(word, at))
    return widest, line


_INLINE_ROLES = {"Strong": "strong", "Emph": "emph", "Code": "code", "Link": "link"}


def _pieces(inlines: Sequence[Inline], face: Face, styles: Styles) -> list[tuple[str, Face]]:
    """Return the text of ``inlines`` in runs of one face, as the style sheet sets its spans."""
    found: list[tuple[str, Face]] = []
    for node in inlines:
        role = node.role if isinstance(node, Span) else _INLINE_ROLES.get(type(node).__name__)
        span = styles.spans.get(role) if role else None
        inner = face.within(span) if span is not None else face
        if hasattr(node, "children"):
            found += _pieces(node.children, inner, styles)
        else:
            found.append((plain_text((node,)), inner))
    return found
