"""Fitting a document to its pages: a page budget, and no near-empty last page.

Any job may be fitted (its ``fitting``, :class:`~guidegen.builder.jobs.Fitting`): what
lays it out again is its draft. Guides are; packets are not yet.

The PDF's first layout says how full each page is (its
:class:`~guidegen.renderers.Pagination`). Most guides stop there. A guide over its page
budget (``handout: {pages: N}`` or ``--pages N``), or one whose last page holds only a
few lines (less than the theme's ``fit.last_page`` per cent) or might be saved by a
small tightening (its content, less the spacing's share, fits a page fewer: a table
kept whole moves to a page of its own), is laid out again with
a tightened theme (:meth:`~guidegen.theme.theme.Theme.tightened`): spacing and line
height first (a small tightening, all a guide without a budget may get), then type
sizes down to their floor (a budget only). Both the PDF and the DOCX are then made
with that same theme, so they paginate alike.

The level is the *least* tightening that meets the goal, searched on a ladder of levels
(:data:`LADDER`): every spacing level comes before any smaller type, so type shrinks only
when spacing alone cannot do it. The first layout's fullness says where on the ladder to
look first, and the level just below it next; then each try halves what is left, so a
fitted guide usually takes two more layouts (at most five, on eight levels). A budget
that even the tightest level misses is an error naming what spilled over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import ContentError, Location, Problem
from ..renderers import RenderContext, Rendered

if TYPE_CHECKING:
    from ..theme import Templates
    from ..tree import Document
    from .jobs import Draft

SMALL, TIGHTEST = 1.0, 2.0  # the levels of Theme.tightened: spacing only; sizes too
# the levels a fit may take, least tightening first: spacing and line height (to SMALL),
# then type sizes on top (to TIGHTEST)
LADDER = (0.25, 0.5, 0.75, SMALL, 1.25, 1.5, 1.75, TIGHTEST)
# how much less room a guide takes at level 1 (spacing), and at 2 on top (type sizes),
# roughly: where on the ladder the search looks first
_SHRINK_SPACING, _SHRINK_SIZES = 0.15, 0.14
_FULL = 0.95  # how full pages get, on average, before the next block goes over


@dataclass(frozen=True)
class Fit:
    """What laying one document out again at another tightness takes; picklable.

    ``draft`` lays it out (any job's: :class:`~guidegen.builder.jobs.Draft`); ``budget``
    is the most pages it may take (None: no budget), ``where`` is where the budget was
    set (the guide's ``handout.pages``; None for ``--pages``).
    """

    draft: Draft
    templates: Templates
    budget: int | None = None
    where: Location | None = None

    def document(self, level: float, context: RenderContext
                 ) -> tuple[Document, RenderContext]:
        """Return the document laid out with the theme tightened to ``level``, and its context."""
        base = self.templates
        templates = base.with_theme(base.theme.tightened(level)) if level else base
        return self.draft.lay(templates), replace(context, templates=templates, pages_hint=None)


Layer = Callable[["Document", RenderContext], Rendered]  # lays a document out as a PDF


def settle(fit: Fit, first: Rendered,
           lay: Callable[[float], Rendered]) -> tuple[float, Rendered]:
    """Return the level to render the guide at and its PDF, given its first PDF.

    ``lay(level)`` lays the guide out again. Raise a located error if the guide cannot
    fit its budget.
    """
    pages, pagination = first.pages or 1, first.pagination
    if pagination is None:
        return 0.0, first
    last, content = pagination.fills[-1], sum(pagination.fills)  # content: in pages
    if fit.budget is None:
        limit = fit.templates.theme.fit.last_page / 100
        if pages < 2 or (last >= limit and content * (1 - _SHRINK_SPACING) > pages - 1):
            return 0.0, first  # no short last page, nor one a small tightening may save
        target, top = pages - 1, SMALL
    elif pages <= fit.budget:
        return 0.0, first
    else:
        target, top = fit.budget, TIGHTEST
    levels = [level for level in LADDER if level <= top]
    laid: dict[float, Rendered] = {}

    def lay_once(level: float) -> Rendered:
        if level not in laid:
            laid[level] = lay(level)
        return laid[level]

    found = least(levels, _guess(levels, 1 - target * _FULL / content), lay_once,
                  lambda tried: (tried.pages or 1) <= target)
    if found is not None:
        return found
    if fit.budget is not None:
        raise _over_budget(fit, lay_once(levels[-1]))
    return 0.0, first


def least(levels: Sequence[float], start: int, lay: Callable[[float], Rendered],
          fits: Callable[[Rendered], bool]) -> tuple[float, Rendered] | None:
    """Return the least of ``levels`` whose layout ``fits``, and that layout; None if none.

    Fitting is taken to grow with the level (a tighter layout takes no more pages), so
    this is a binary search, its first try ``levels[start]`` (where the first layout's
    fullness points); if that fits, the level just below is tried next, as the first
    try is most often the least already: two more layouts, usually.
    """
    low, high = -1, len(levels)  # levels[low] is known not to fit, levels[high] to fit
    tried: dict[int, Rendered] = {}
    probe = start
    while high - low > 1:
        tried[probe] = lay(levels[probe])
        if fits(tried[probe]):
            high = probe
            # the level just below first: the first try is most often the least already
            probe = high - 1 if probe == start else (low + high) // 2
        else:
            low = probe
            # nothing fitted yet: the tightest next (does any fit?); else halve what is left
            probe = len(levels) - 1 if high == len(levels) else (low + high) // 2
    return (levels[high], tried[high]) if high < len(levels) else None


def _guess(levels: Sequence[float], shrink: float) -> int:
    """Return the index of the first of ``levels`` the prior says shrinks a guide enough."""
    wanted = _level(shrink)
    return next((index for index, level in enumerate(levels) if level >= wanted),
                len(levels) - 1)


def _level(shrink: float) -> float:
    """Return the level the prior says makes a guide ``shrink`` (a share) shorter."""
    shrink = max(shrink, 0.02)
    if shrink <= _SHRINK_SPACING:
        return shrink / _SHRINK_SPACING
    return SMALL + (shrink - _SHRINK_SPACING) / _SHRINK_SIZES


def _over_budget(fit: Fit, tightest: Rendered) -> ContentError:
    """Return the error naming what spilled past the budget at the tightest level."""
    budget = fit.budget or 1
    pagination = tightest.pagination
    top = pagination.tops[budget] if pagination and len(pagination.tops) > budget else None
    spilled = f"“{top.heading}” spilled onto page {budget + 1}" if top and top.heading \
        else f"the guide runs onto page {budget + 1}"
    setting = "handout.pages" if fit.where is not None else "--pages"
    message = (f"{spilled}: the guide takes {tightest.pages} pages even at the tightest "
               f"spacing and type sizes the theme's fit allows, and its page budget "
               f"({setting}) is {budget} page{'s' if budget != 1 else ''}; shorten it, "
               "or allow more pages")
    where = top.source if top is not None else (fit.where or Location("document"))
    problems = [Problem(where, message)]
    if fit.where is not None and fit.where != where:
        problems.append(Problem(fit.where, f"the page budget of {budget} is set here"))
    return ContentError.collect(problems)
