"""The fit model: a document's height at a small tightening, read off its first layout.

``Theme.tightened(level)`` moves the spacing and the line height linearly from level 0
to 1 (a small tightening) and leaves every width as it is, so no line breaks anew: only
the gaps between blocks and the lines of the theme's line height get shorter. The first
layout measures, per page, what share of its height each takes
(:mod:`guidegen.renderers.pdf.room`), so the content's height at any level up to 1 is
predicted (:meth:`Room.height`). The fitter (:mod:`.fitting`) uses it to look first at
the least level predicted to fit, and never to lay out a level that certainly does not.

What it buys (issue 17): the default guide, three pages fitted to two, is laid out once
beyond its first layout instead of four times (bench/README.md).

Calibrated on the 23 fitted builds of the fixtures (tests/data, tests/data/pages, the
default guide in English, German and Japanese, both packets; A4 and Letter), each laid
out at every level: a layout shrinks by 0.87 to 0.99 of the height predicted (the rest:
lines of mixed sizes, margins kept where fewer pages break), never more, so the
prediction never exceeded a layout's height (by 0.003 of a page at the closest). Type
sizes (levels past 1) change widths and line breaks: past 1 the model says nothing sure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..theme.theme import Theme

SMALL = 1.0  # the level of Theme.tightened where the spacing and line height reach their bounds
# the share of the predicted shrink a layout takes, on the fixtures' median (0.87-0.99)
TAKES = 0.92
# how full pages get, on average, with the shrink TAKES says: where to look first
PACKED = 0.983
# a level whose predicted height (all of the shrink: a lower bound) is over its pages by
# more than this share of a page certainly does not fit, and is not laid out
SURE = 0.01


@dataclass(frozen=True)
class Room:
    """A document's content in its first layout, as the model reads it (shares of a page).

    ``content`` is how much of its pages it fills (their fills summed); ``spacing`` and
    ``leading`` how much of that the spacing and the lines of the theme's line height take.
    """

    content: float
    spacing: float
    leading: float

    def height(self, theme: Theme, level: float, taken: float = 1.0) -> float:
        """Return the content's predicted height at ``level`` (past :data:`SMALL`: at it).

        ``taken`` is the share of the shrink counted (1: a lower bound of the height).
        """
        sizes, tight = theme.sizes, theme.tightened(min(level, SMALL)).sizes
        shrink = self.spacing * (1 - tight.spacing / sizes.spacing) + \
            self.leading * (1 - tight.line_height / sizes.line_height)
        return self.content - taken * shrink

    def ruled_out(self, theme: Theme, levels: Sequence[float], pages: int) -> int:
        """Return the index of the tightest of ``levels`` sure to take more than ``pages``.

        All below it do too; the last of ``levels`` never is (-1: none is).
        """
        return max((index for index, level in enumerate(levels[:-1])
                    if level <= SMALL and self.height(theme, level) > pages + SURE),
                   default=-1)

    def first_try(self, theme: Theme, levels: Sequence[float], pages: int) -> int | None:
        """Return the index of the least of ``levels`` predicted to fit ``pages``.

        Only levels to :data:`SMALL` are predicted; None if none of them is.
        """
        return next((index for index, level in enumerate(levels) if level <= SMALL
                     and self.height(theme, level, TAKES) <= pages * PACKED), None)

    def still_to_shrink(self, theme: Theme, pages: int) -> float:
        """Return the share its height at :data:`SMALL` must still shrink to fit ``pages``."""
        return 1 - pages * PACKED / self.height(theme, SMALL, TAKES)


__all__ = ["PACKED", "SMALL", "SURE", "TAKES", "Room"]
