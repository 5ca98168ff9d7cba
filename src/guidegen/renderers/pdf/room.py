"""How much of each page the spacing and the line height take: what a tightening frees.

The fitter (:mod:`guidegen.builder.fitting`) tightens a guide by moving the theme's
spacing and line height towards their bounds (``Theme.tightened``: neither moves a line
break, as widths stay). From the first layout alone it predicts how tall the content is
at any such level, if it knows, per page, how much of the height is

* *spacing*: the gaps between lines and pictures outside table rows (the margins around
  blocks and a section rule's padding, all times ``sizes.spacing``), and
* *leading*: the lines whose line height is the theme's (``sizes.line_height``; a heading
  with a line height of its own keeps it).

Everything else (a row's cell padding and rules, pictures, lines of another height)
stays. Measured while the preflight walks the page's boxes (:func:`.preflight.inspect`),
each as a share of the page's text area, as its fills are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .engine import Box

_SAME = 1e-6  # line heights this close are the theme's


@dataclass
class PageRoom:
    """The lines, pictures and table rows of one page, gathered box by box."""

    line_height: float  # the theme's (a multiple of the font size)
    spans: list[tuple[float, float, bool]] = field(default_factory=list)  # top, bottom, leads
    rows: list[tuple[float, float]] = field(default_factory=list)

    def see(self, box: Box) -> None:
        """Take one box of the page, in order."""
        kind = box.kind
        if kind == "line":
            height = box.line_height
            self.spans.append((box.y, box.bottom, height is not None
                               and abs(height - self.line_height) < _SAME))
        elif kind == "picture":
            self.spans.append((box.y, box.bottom, False))
        elif kind == "row":
            self.rows.append((box.y, box.bottom))

    def share(self, top: float, bottom: float, height: float) -> tuple[float, float]:
        """Return the spacing's and the leading's share of the page from ``top`` to ``bottom``.

        The gaps between spans (outside every row) are spacing, the height only lines of
        the theme's line height cover is leading; then the page's boxes are forgotten.
        """
        spacing = leading = 0.0
        reached = top
        for start, end, leads in sorted(self.spans):
            if start > reached and not self._in_row((start + reached) / 2):
                spacing += min(start, bottom) - reached
            if end > reached:
                if leads:
                    leading += min(end, bottom) - max(start, reached)
                reached = end
            if reached >= bottom:
                break
        self.spans.clear()
        self.rows.clear()
        return (max(0.0, spacing / height), max(0.0, leading / height)) if height \
            else (0.0, 0.0)

    def _in_row(self, y: float) -> bool:
        """Return whether ``y`` is inside a table row (its cells' padding, not spacing)."""
        return any(start <= y <= end for start, end in self.rows)


__all__ = ["PageRoom"]
