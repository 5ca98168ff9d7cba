"""The least level of a ladder whose layout fits: a binary search, one layout at a time.

The fitter (:mod:`.fitting`) runs one :class:`Search` per part it fits, and decides
where it starts and which levels it may skip; this module knows only the ladder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


class Search:
    """The least of ``levels`` whose layout fits, found one layout at a time.

    Fitting is taken to grow with the level (a tighter layout takes no more pages), so
    this is a binary search, its first try ``levels[start]`` (where the first layout's
    fullness points); if that fits, the level just below is tried next, as the first
    try is most often the least already: two more layouts, usually. While nothing has
    fitted, the tightest is tried next (does any fit?); then each try halves what is left.
    """

    def __init__(self, levels: Sequence[float], start: int, low: int = -1) -> None:
        self.levels, self.start, self.probe = tuple(levels), start, start
        self.low, self.high = low, len(levels)  # levels[low] is known not to fit, [high] to

    @property
    def done(self) -> bool:
        """Return whether the least level that fits is known (or that none does)."""
        return self.high - self.low <= 1

    @property
    def probing(self) -> float:
        """Return the level to try next; once done, the level found (0 if none)."""
        return (self.found or 0.0) if self.done else self.levels[self.probe]

    @property
    def found(self) -> float | None:
        """Return the least level known to fit (None: none yet)."""
        return self.levels[self.high] if self.high < len(self.levels) else None

    def tell(self, fits: bool) -> None:
        """Take whether the level tried last fitted; choose the next."""
        if fits:
            self.high = self.probe
            self.probe = self.high - 1 if self.probe == self.start \
                else (self.low + self.high) // 2
        else:
            self.low = self.probe
            self.probe = len(self.levels) - 1 if self.high == len(self.levels) \
                else (self.low + self.high) // 2


def least(levels: Sequence[float], start: int, lay: Callable[[float], T],
          fits: Callable[[T], bool]) -> tuple[float, T] | None:
    """Return the least of ``levels`` whose layout ``fits``, and that layout; None if none.

    One :class:`Search`, laying each level it tries out with ``lay``.
    """
    search, tried = Search(levels, start), dict[float, T]()
    while not search.done:
        level = search.probing
        tried[level] = lay(level)
        search.tell(fits(tried[level]))
    return None if search.found is None else (search.found, tried[search.found])


__all__ = ["Search", "least"]
