"""What the layout preflight (:mod:`.preflight`) holds a layout to, known before it is laid out.

:func:`~.handoff.prepare_layout` puts them in the :class:`~.handoff.Layout` it hands the
PDF helper, so the main process imports this module, not the preflight with WeasyPrint's
adapter (:mod:`.engine`) and the page readers it needs after the layout.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the tree is the main process's: the helper does not import it (4 ms)
    from ...tree import Document, Inline


@dataclass(frozen=True)
class Limits:
    """What the preflight holds a layout to: the theme's column floor, and the issue's 15%.

    The last-page share is the preflight's own (a warning); the theme's ``fit.last_page``
    is when a build tightens a guide to pull such a page back, which is a different
    question.
    """

    column_chars: float  # the narrowest a table column may be, in characters
    ch: float  # the width of one character, in em of the text's size
    last_page: float = 0.15  # the least share of its height a last page may fill
    page: float = 0.4  # the least share of its height any other page may fill
    fit_last_page: float = 0.25  # a last page less full is the fitter's (fit.last_page)
    table_rows: int = 3  # the fewest rows a split table may leave on either side
    line_height: float = 0.0  # the theme's, whose lines a tightening shortens (.room)
    mark_words: frozenset[str] = frozenset()  # the words of the marks ("Teilweise")
    east_asian: bool = False  # Chinese, Japanese, Korean: LibreOffice's gaps (.seams)


_MARKS = ("mark-yes", "mark-no", "mark-partial")


def mark_words(document: Document) -> frozenset[str]:
    """Return the words the marks of ``document``'s tables print (not their symbols)."""
    from ...tree import Span, Table, Text

    found: set[str] = set()

    def visit(nodes: Sequence[Inline], mark: bool) -> None:
        for node in nodes:
            if isinstance(node, Text) and mark:
                found.update(re.findall(r"[^\W\d_]+", node.text.replace("\u00ad", "")))
            elif isinstance(node, Span) and node.role != "symbol":
                visit(node.children, mark or node.role in _MARKS)

    for block in document.walk():
        if isinstance(block, Table):
            for cell in (*block.head, *(cell for row in block.rows for cell in row)):
                visit(cell.inlines, False)
    return frozenset(found)


__all__ = ["Limits", "mark_words"]
