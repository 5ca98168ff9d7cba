"""Personalised PDFs from one shared layout: only a recipient's own pages are laid out.

The packets of a roster differ in a few pages (the cover, the acknowledgement sheet);
the guides between them are the same for everyone. Laying those out once and only the
personal pages per recipient saves most of the layout (measured in ``bench/packets.py``).
It is done only where it is exact, so the PDF is byte for byte the one a whole layout
makes:

1. **Shared layout.** The document without a recipient (``RenderContext.shared``; one per
   curriculum: the packet with the guides its recipients get) is laid out once per
   process and kept (:func:`_shared`).
2. **Skeleton.** The recipient's tree is compared with it: parts that are equal are
   shared, the others personal. Every page run of shared content is replaced by empty
   *filler* sections, one per page it takes in the shared layout, inside the same
   sections (same named pages, running headers, page groups), so each personal page
   is laid out at the page number, side and counters it has in a whole layout.
3. **Check.** After laying out the skeleton: the same page count and blank pages as the
   shared layout, every filler on the page the shared layout assumed, every other
   anchor on the same page, no personal anchor on a shared page, and on each personal
   page the same generated text (running header and footer, page numbers, counters,
   strings) as the shared layout has there. Anything else (a cover that needs an extra
   page, a sheet that grows, a header taken from the shared content) and the whole
   document is laid out instead.
4. **Pages.** The PDF is written from the skeleton's personal pages and the shared
   layout's other pages (WeasyPrint's ``Document.copy(pages)``): outline, links, named
   destinations, tags and fonts are made from the pages as they are written, and the
   metadata is the recipient's. The preflight reads those pages as it reads a whole
   layout's: the skeleton's HTML keeps the shared layout's ``data-src`` indexes.
"""

from __future__ import annotations

import atexit
import dataclasses
import gc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ...tree import Block, Document, Section, walk
from .. import PageMap, RenderContext, Rendered
from .engine import Laid
from .pagemap import page_map
from .steps import Layout, laid_out, prepare_layout, settled, written

FILLER = "guidegen-filler"  # the prefix of a filler section's anchors (its role: "filler")
Break = bool | Literal["right"]


@dataclass(frozen=True)
class Skeleton:
    """A recipient's document with shared content as fillers, and where each must land."""

    document: Document
    fillers: tuple[int, ...]  # the page (from 1) of each filler, in order
    personal: frozenset[str]  # the anchors inside personal blocks


@dataclass
class _Shared:
    layout: Layout
    document: Laid
    fetcher: Any  # its URL fetcher (engine.url_fetcher), which may have refused something
    map: PageMap


# the shared layouts of this process, the latest used last: one per curriculum of the
# packet being built (a roster's recipients come in roster order, curricula mixed)
_CACHE: list[_Shared] = []
MAX_SHARED = 6  # layouts kept; each holds a whole packet's pages


@atexit.register
def _release() -> None:
    """Free the shared layout while WeasyPrint's libraries are still there to free it.

    Left to the interpreter's teardown, Pango objects can be freed after what they need
    (a crash at exit, seen under pytest); forked workers end without a teardown.
    """
    _CACHE.clear()
    gc.collect()


def compose(whole: Document, context: RenderContext) -> Rendered | None:
    """Return the PDF of ``whole`` made from its personal pages and the shared layout.

    None where that would not be exactly the PDF a whole layout makes (see above).
    """
    if context.shared is None:
        return None
    shared = _shared(prepare_layout(context.shared, context))
    plan = skeleton(whole, context.shared, shared.map)
    if plan is None:
        return None
    # the shared layout's data-src indexes kept: the preflight reads both layouts' pages
    layout = prepare_layout(plan.document, context, shared.layout.sources)
    personal, fetcher = laid_out(layout)
    if not lines_up(personal, shared.document, plan):
        return None
    fillers = {page - 1 for page in plan.fillers}
    pages = [shared.document.pages[n] if n in fillers else page
             for n, page in enumerate(personal.pages)]
    return written(personal.copy(pages), layout, fetcher, shared.fetcher)


def _shared(layout: Layout) -> _Shared:
    """Return the shared layout of ``layout``, laid out once per process.

    Up to :data:`MAX_SHARED` are kept (the least recently used goes first).
    """
    found = next((shared for shared in _CACHE if shared.layout == layout), None)
    if found is None:
        document, _, fetcher, _, _ = settled(layout)  # balanced as a whole layout is
        document.keep_painting()
        found = _Shared(layout, document, fetcher, page_map(document))
        del _CACHE[:max(0, len(_CACHE) - MAX_SHARED + 1)]
    else:
        _CACHE.remove(found)
    _CACHE.append(found)
    return found


# -- the skeleton --------------------------------------------------------------------


def skeleton(whole: Document, shared: Document, pages: PageMap) -> Skeleton | None:
    """Return ``whole`` with the content it shares with ``shared`` replaced by fillers.

    ``pages`` is where the shared layout put things. None if the two documents do not
    line up part for part, or nothing is shared.
    """
    planner = _Planner(pages)
    blocks = planner.level(whole.blocks, shared.blocks, 1, (pages.pages or 0) + 1)
    if blocks is None or not planner.fillers:
        return None
    return Skeleton(dataclasses.replace(whole, blocks=blocks), tuple(planner.fillers),
                    frozenset(planner.personal))


class _Planner:
    """Walks two trees side by side, page runs at a time (see :func:`skeleton`)."""

    def __init__(self, pages: PageMap) -> None:
        self.pages = pages
        self.fillers: list[int] = []
        self.personal: set[str] = set()

    def level(self, mine: Sequence[Block], theirs: Sequence[Block], first: int,
              end: int) -> tuple[Block, ...] | None:
        """Return the blocks of one level, from page ``first`` to before page ``end``.

        The blocks are cut into runs at forced page breaks, so each run has pages of
        its own: a shared run becomes fillers, a personal one stays.
        """
        if len(mine) != len(theirs):
            return None
        runs = list(_runs(len(mine), mine))
        starts = [first] + [self.start(mine[start]) for start, _ in runs[1:]]
        if None in starts:
            return None
        found: list[Block] = []
        for (start, stop), page, after in zip(runs, starts, [*starts[1:], end], strict=True):
            assert page is not None and after is not None
            blocks = self.run(mine[start:stop], theirs[start:stop], page, after)
            if blocks is None:
                return None
            found += blocks
        return tuple(found)

    def run(self, mine: Sequence[Block], theirs: Sequence[Block], first: int,
            end: int) -> list[Block] | None:
        """Return the blocks of one run of pages, ``first`` to before ``end``."""
        head = mine[0]
        if tuple(mine) == tuple(theirs):
            count = end - first - sum(first <= blank < end for blank in self.pages.blank)
            if isinstance(head, Section) and len(mine) == 1:  # keep it: its page names
                return [dataclasses.replace(head, children=tuple(self.fill(first, count,
                                                                           False)))]
            return self.fill(first, count, _break(head))
        other = theirs[0]
        if len(mine) == 1 and isinstance(head, Section) and isinstance(other, Section) \
                and dataclasses.replace(head, children=()) == \
                dataclasses.replace(other, children=()):
            children = self.level(head.children, other.children, first, end)
            return None if children is None else [dataclasses.replace(head,
                                                                      children=children)]
        self.personal.update(_anchors(mine))
        return list(mine)

    def fill(self, first: int, count: int, opening: Break) -> list[Block]:
        """Return ``count`` filler sections for pages ``first`` onwards."""
        fillers: list[Block] = []
        for page in range(first, first + count):
            self.fillers.append(page)
            fillers.append(Section((), role="filler", anchor=f"{FILLER}-{len(self.fillers)}",
                                   break_before=opening if page == first else True))
        return fillers

    def start(self, block: Block) -> int | None:
        """Return the page where ``block`` starts in the shared layout (its first anchor)."""
        anchor = next(_anchors([block]), None)
        return None if anchor is None else self.pages.page_of(anchor)


def _runs(count: int, blocks: Sequence[Block]) -> Iterator[tuple[int, int]]:
    """Return (start, stop) of each run of ``blocks``: a new one at each forced break."""
    start = 0
    for index in range(1, count + 1):
        if index == count or _break(blocks[index]):
            yield start, index
            start = index


def _break(block: Block) -> Break:
    return block.break_before if isinstance(block, Section) else False


def _anchors(blocks: Sequence[Block]) -> Iterator[str]:
    """Return the anchors of ``blocks`` and of every block inside them, in order."""
    for block in walk(tuple(blocks)):
        anchor = getattr(block, "anchor", "")
        if anchor:
            yield anchor


# -- the check -----------------------------------------------------------------------


def lines_up(personal: Laid, shared: Laid, plan: Skeleton) -> bool:
    """Return whether the laid-out skeleton ``personal`` fits the ``shared`` layout."""
    mine, theirs = page_map(personal), page_map(shared)
    if mine.pages != theirs.pages or mine.blank != theirs.blank:
        return False
    fillers = set(plan.fillers)
    where = dict(theirs.anchors)
    for anchor, number in mine.anchors:
        expected = plan.fillers[int(anchor.rsplit("-", 1)[1]) - 1] \
            if anchor.startswith(f"{FILLER}-") else where.get(anchor)
        if number != expected:
            return False
    for number, (page, other) in enumerate(zip(personal.pages, shared.pages,
                                               strict=True), start=1):
        if number in fillers:
            if sum(a.startswith(f"{FILLER}-") for a in page.anchors) != 1 or \
                    plan.personal & set(other.anchors):
                return False
        elif page.generated_text() != other.generated_text():
            return False
    return True


__all__ = ["FILLER", "Skeleton", "compose", "lines_up", "skeleton"]
