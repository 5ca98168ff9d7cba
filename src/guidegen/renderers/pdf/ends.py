"""A packet's guide that ends on a near-empty page, and the page break that balances it.

Each guide in a packet ends its own pages (the next starts on a page of its own), and
its last page may hold only its conclusion and control block while the page before it
is full (the example packet: 29 and 40 per cent, issue 17). Such a page is a short
*end*: the last page of a part, less than ``fit.page`` per cent full (but not less than
``fit.last_page``, which the fitter tries to save: :func:`find_ends`), after a page of
the same part.

It is balanced by a page break before a section's heading (``h2``) on the page before:
the latest whose break leaves both pages at least ``fit.page`` per cent full, so the
guide reads on from a section's start and the control block stays whole under it. The
PDF is laid out once more to do it, with a table's tail (:mod:`.tails`) in the same
layout, and kept only if it has the same pages and the end is now full enough. The
DOCX then starts its pages where this PDF does (a page break before that heading).
A guide built alone is not balanced: its last page is the fitter's
(:mod:`guidegen.builder.fitting`), which tightens the spacing to save it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .engine import Page

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

SECTION = "h2"  # the heading a balancing break goes before
_ROOM = 0.97  # the most of its height a page takes, with what moves over to it
_GAIN = 0.05  # the least a break raises the emptier page by (else: a swap, not kept)
_UNNAMED = frozenset({"upright", "landscape", ""})  # a guide's own pages, not parts


@dataclass(frozen=True)
class End:
    """A part's near-empty last page (``page``, from 1, ``fill`` full), and the break.

    ``anchor`` is the ``id`` of the heading a page break goes before.
    """

    page: int
    fill: float
    anchor: str


def ends_part(page: Page, following: Page | None) -> bool:
    """Return whether ``page`` is the last of a packet's part.

    ``following`` is the next page not left blank (None after the last).
    Upright and landscape pages of one guide are not parts.
    """
    if page.name in _UNNAMED or page.name == "front":
        return False
    return following is None or (following.name != page.name
                                 and following.name not in _UNNAMED)


def find_ends(pages: Sequence[Page], fills: Sequence[float], limit: float,
              least: float) -> tuple[End, ...]:
    """Return each part's short last page, with the break that balances it.

    ``fills`` is how full each of ``pages`` is. A short end is less than ``limit``
    (``fit.page``) full, but at least ``least`` (``fit.last_page``): a last page less
    full than that is the fitter's, which lays the part out again to save it (balancing
    each of those layouts would cost one more each). A page whose page before holds no
    heading that could go over (or none that leaves both full enough) is left as it is.
    """
    found = []
    for number, page in enumerate(pages, 1):
        following = next((p for p in pages[number:] if not p.blank), None)
        fill = fills[number - 1]
        if page.blank or not least <= fill < limit or number < 2 or \
                not ends_part(page, following):
            continue
        before = pages[number - 2]
        if before.blank or before.name != page.name:
            continue
        anchor = _break(before, fill, limit)
        if anchor:
            found.append(End(number, fill, anchor))
    return tuple(found)


def _break(page: Page, fill: float, limit: float) -> str:
    """Return the ``id`` of the latest heading on ``page`` that may go over; "" if none.

    What follows it goes over to the next page (``fill`` full), leaving both at least
    ``limit`` full, and the emptier of the two fuller than that page by :data:`_GAIN`.
    A heading right after another (a section's first subsection)
    keeps with it: not one.
    """
    _, top, _, height = page.area
    lines = [box for box in page.boxes() if box.kind in ("line", "picture")]
    if not lines or not height:
        return ""
    bottom = max(box.bottom for box in lines)
    found, above, after_heading = "", top, True
    for line in lines:
        anchor = line.element_id if line.tag == SECTION and not after_heading else ""
        moved = (bottom - line.y) / height
        least = min((above - top) / height, fill + moved)  # the two pages' after it
        if anchor and least >= max(limit, fill + _GAIN) and fill + moved <= _ROOM:
            found = anchor
        above, after_heading = max(above, line.bottom), line.tag in HEADINGS
    return found


def breaks(ends: Sequence[End]) -> str:
    """Return the style rules that break the page before each end's heading."""
    return "".join(f"#{end.anchor} {{ break-before: page; }}\n" for end in ends)


__all__ = ["End", "breaks", "ends_part", "find_ends"]
