"""Fitting a document to its pages: a page budget, and no near-empty last page.

Any job may be fitted (its ``fitting``, :class:`~guidegen.builder.jobs.Fitting`): what
lays it out again is its draft. A guide is fitted as a whole, a packet part by part:
each guide in it as when it is built alone (:class:`~guidegen.builder.jobs.Part`).

The PDF's first layout says how full each page is (its
:class:`~guidegen.renderers.Pagination`). Most guides stop there. A guide over its page
budget (``handout: {pages: N}`` or ``--pages N``), or one whose last page holds only a
few lines (less than the theme's ``fit.last_page`` per cent), one whose table's last
rows were left alone on a page (the PDF balanced them over two:
:mod:`guidegen.renderers.pdf.tails`), or one that might be saved by a small tightening
(its content, less the spacing's share, fits a page fewer: a table kept whole moves to a
page of its own), is laid out again with a tightened theme
(:meth:`~guidegen.theme.theme.Theme.tightened`): spacing and line height first (a small
tightening, all a guide without a budget may get), then type sizes down to their floor
(a budget only). Without a budget, a layout that saves the page but leaves a page before
its last less than ``fit.page`` per cent full is no fit: the guide keeps its pages at
the theme's spacing. Both the PDF and the DOCX are then made with that same theme, so
they paginate alike.

The level is the *least* tightening that meets the goal, searched on a ladder of levels
(:data:`LADDER`): every spacing level comes before any smaller type, so type shrinks only
when spacing alone cannot do it. The first layout predicts the content's height at each
level up to a small tightening (:mod:`.fitmodel`): the search looks first at the least
level predicted to fit, and never lays out a level that certainly does not (nor any
below it). The level just below the first try is tried next (both at once where the
layouts can be made side by side: :class:`~guidegen.builder.trials.Pages`, the PDF
helper and its twin; where the model rules that level out, the first try alone: the
default guide's, which fits, and no twin competing with the DOCX for the cores, measured
in bench/README.md); then each try halves what is left, side by side with the level tried next
should it not fit (one goal still searching), so a fitted guide usually takes one or two
more layouts (at most six, on eight levels). A budget that even the tightest level
misses is an error naming what spilled over. The level a guide settled at in its last
build may be laid out already, beside its first layout (:mod:`.fithint`): the first try
takes it if it is that level, and the search is the same either way.

The parts of a packet each start on a page of their own, so a part's pages depend on
its own level alone: their searches run side by side, each layout of the packet trying
the next level of every part still searching (as many layouts as the longest search).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import ContentError, Location, Problem
from ..renderers import RenderContext, Rendered
from .fitmodel import SMALL, Room
from .jobs import Part
from .search import Search

if TYPE_CHECKING:
    from ..theme import Templates
    from ..tree import Document
    from .jobs import Draft, PartsDraft

TIGHTEST = 2.0  # the level of Theme.tightened where type sizes reach their floor too
# the levels a fit may take, least tightening first: spacing and line height (to SMALL),
# then type sizes on top (to TIGHTEST)
LADDER = (0.25, 0.5, 0.75, SMALL, 1.25, 1.5, 1.75, TIGHTEST)
# how much less room a guide takes at level 1 (spacing), and at 2 on top (type sizes),
# roughly: whether a small tightening may save a page, and where past level 1 the search
# looks first
_SHRINK_SPACING, _SHRINK_SIZES = 0.15, 0.14
# how full pages get, on average, before the next block goes over: calibrated on the test
# fixtures (bench/README.md)
_FULL = 0.96

Levels = tuple[float, ...]  # the document's level, or each part's (0: as the theme says)
# the levels this process settled on, by fitting key (a roster's curricula), latest last
_SETTLED: dict[str, Levels] = {}
_KEEP = 64


@dataclass(frozen=True)
class Fit:
    """What laying one document out again at another tightness takes; picklable.

    ``draft`` lays it out (any job's: :class:`~guidegen.builder.jobs.Draft`); ``budget``
    is the most pages it may take (None: no budget), ``where`` is where the budget was
    set (the guide's ``handout.pages``; None for ``--pages``). With ``parts``, each part
    is fitted on its own pages instead (the draft is a
    :class:`~guidegen.builder.jobs.PartsDraft`).
    """

    draft: Draft
    templates: Templates
    budget: int | None = None
    where: Location | None = None
    parts: tuple[Part, ...] = ()
    key: str = ""  # documents with the same key fit alike (see Fitting)
    hint: str = ""  # what the fit hint of a guide built from a file is kept by (.fithint)

    @property
    def goals(self) -> tuple[Part, ...]:
        """Return what is fitted: each part, or the whole document as one (anchor "")."""
        return self.parts or (Part("", self.budget, self.where),)

    def document(self, levels: Levels, context: RenderContext
                 ) -> tuple[Document, RenderContext]:
        """Return the document laid out at ``levels`` (one a goal), and its context.

        A packet's tries compose their pages from a shared layout of the guides too, as
        its build does: most often the level tried is the one kept, and its shared
        layout is then the one its recipients are composed from.
        """
        base = self.templates
        if self.parts:
            draft: PartsDraft = self.draft  # type: ignore[assignment]
            shared = None if context.shared is None else draft.lay_shared(base, levels)
            return draft.lay_parts(base, levels), replace(context, pages_hint=None,
                                                          shared=shared)
        level = levels[0]
        templates = base.with_theme(base.theme.tightened(level)) if level else base
        return self.draft.lay(templates), replace(context, templates=templates, pages_hint=None)


Layer = Callable[["Document", RenderContext], Rendered]  # lays a document out as a PDF
# lays the document out at each of some levels, as many as it can side by side (at least
# the first), and returns their PDFs in that order (their bytes may be left unwritten)
Trials = Callable[[Sequence[Levels]], Sequence[Rendered]]


@dataclass(frozen=True)
class _Goal:
    """What one part (or the whole document) must reach: its pages, on which levels."""

    part: Part
    target: int
    levels: tuple[float, ...]
    least_fill: float = 0.0  # how full each of its pages but the last must be
    room: Room | None = None  # its first layout's content, as the fit model reads it

    def fits(self, tried: Rendered) -> bool:
        """Return whether ``tried`` meets the goal: its pages, none near-empty but the last.

        Without a budget a page saved is worth no page left near-empty before the last
        (a table kept whole moved on): a page more at the theme's spacing reads better. A
        budget takes its pages as they come; the preflight warns of a near-empty page.
        """
        fills = _fills(self.part, tried)
        return _pages(self.part, tried) <= self.target and \
            all(fill >= self.least_fill for fill in fills[:-1])


def settle(fit: Fit, first: Rendered, lay: Trials) -> tuple[Levels, Rendered]:
    """Return the levels to render the document at (one a goal) and its PDF.

    ``first`` is its first PDF; ``lay(tries)`` lays it out again at the first of
    ``tries``, and at the others too if it can do that side by side (:data:`Trials`).
    Raise a located error if it, or a part, cannot fit its budget.
    """
    chosen, pdf = _search(fit, first, lay)
    if fit.key:
        if len(_SETTLED) >= _KEEP:
            _SETTLED.pop(next(iter(_SETTLED)))
        _SETTLED[fit.key] = chosen
    return chosen, pdf


def settled(fit: Fit) -> Levels | None:
    """Return the levels a document with ``fit``'s key was fitted to in this process."""
    return _SETTLED.get(fit.key) if fit.key else None


def _search(fit: Fit, first: Rendered, lay: Trials) -> tuple[Levels, Rendered]:
    """Return what :func:`settle` does, found by searching the ladder of each goal."""
    parts = fit.goals
    none: Levels = tuple(0.0 for _ in parts)
    goals = {n: goal for n, part in enumerate(parts)
             if (goal := _goal(fit, part, first)) is not None}
    if not goals:
        return none, first
    laid: dict[Levels, Rendered] = {none: first}

    def lay_once(levels: Levels, *ahead: Levels) -> Rendered:
        tries = [levels] if levels not in laid else []
        tries += [more for more in ahead if more not in laid and more != levels]
        laid.update(zip(tries, lay(tries), strict=False) if tries else ())  # the first, at least
        return laid[levels]

    searches = {n: _start(goal, fit, first) for n, goal in goals.items()}
    # the level below each first guess (none where the model rules that out)
    ahead = _ahead(searches, len(parts), fits=True)
    while not all(search.done for search in searches.values()):
        tried = lay_once(_levels(searches, len(parts)), *ahead)
        for n, search in searches.items():
            if not search.done:
                search.tell(goals[n].fits(tried))
        searching = sum(not search.done for search in searches.values())
        ahead = _ahead(searches, len(parts), fits=False) if searching == 1 else ()
    chosen = _levels(searches, len(parts))
    for n, search in searches.items():
        if search.found is None and goals[n].part.budget is not None:
            tightest = tuple(goals[n].levels[-1] if m == n else level
                             for m, level in enumerate(chosen))
            raise _over_budget(goals[n].part, lay_once(tightest))
    return chosen, lay_once(chosen)


def _levels(searches: dict[int, Search], count: int) -> Levels:
    """Return the levels to lay out at: each search's next try (or what it found), else 0."""
    return tuple(searches[n].probing if n in searches else 0.0 for n in range(count))


def _ahead(searches: dict[int, Search], count: int, fits: bool) -> tuple[Levels, ...]:
    """Return the levels tried next if each search's next try ``fits`` (none if the same).

    Laid out side by side with that try (where the layouts can be: :data:`Trials`), it
    saves a round of layouts when it is the level the search asks for next. After the
    first round the fitted guides said "does not fit" is the likelier: so only one
    search's (a packet's parts differ), each later round; measured in bench/README.md.
    """
    fitted = {n: copy(search) for n, search in searches.items()}
    for search in fitted.values():
        if not search.done:
            search.tell(fits)
    levels = _levels(fitted, count)
    return () if levels == _levels(searches, count) else (levels,)


def _goal(fit: Fit, part: Part, first: Rendered) -> _Goal | None:
    """Return what ``part`` of ``first`` must reach, or None if it is fine as it is."""
    fills = _fills(part, first)
    if not fills:
        return None
    pages, last, content = len(fills), fills[-1], sum(fills)
    least_fill = 0.0
    if part.budget is None:
        theme = fit.templates.theme.fit
        limit = theme.last_page / 100
        if pages < 2 or (last >= limit and content * (1 - _SHRINK_SPACING) > pages - 1
                         and not _balanced(part, first)):
            return None  # no short last page or table tail, nor one tightening may save
        target, top, least_fill = pages - 1, SMALL, theme.page / 100
    elif pages <= part.budget:
        return None
    else:
        target, top = part.budget, TIGHTEST
    levels = tuple(level for level in LADDER if level <= top)
    pagination = first.pagination
    room = Room(sum(fills), sum(_shares(part, first, pagination.spacing)),
                sum(_shares(part, first, pagination.leading))) \
        if pagination is not None and pagination.spacing else None
    return _Goal(part, target, levels, least_fill, room)


def _balanced(part: Part, pdf: Rendered) -> bool:
    """Return whether a table's tail in ``part`` was balanced over two pages (pdf.tails).

    Balancing keeps the pages; spacing that pulls the tail back saves one, so it is tried
    first, as for a short last page.
    """
    pagination = pdf.pagination
    span = _span(part, pdf)
    return pagination is not None and any(page - 1 in span for page in pagination.balanced)


def _shrink(goal: _Goal, first: Rendered) -> float:
    """Return the share of its room ``goal``'s part must shrink by, as its fills say."""
    return 1 - goal.target * _FULL / sum(_fills(goal.part, first))


def _span(part: Part, pdf: Rendered) -> range:
    """Return the indexes of the pages of ``pdf`` that ``part`` takes (the whole: all)."""
    count, pages = pdf.pages or 1, pdf.page_map
    if not part.anchor:
        return range(count)
    first = pages.page_of(part.anchor) if pages is not None else None
    if pages is None or first is None:
        return range(0)
    stop = pages.page_of(part.stop) if part.stop else None
    end = pages.page_of(f"{part.anchor}-end")
    return range(first - 1, stop - 1 if stop is not None else end or count)


def _fills(part: Part, pdf: Rendered) -> list[float]:
    """Return how full each page of ``part`` in ``pdf`` is, pages left blank left out."""
    pagination = pdf.pagination
    return [] if pagination is None else _shares(part, pdf, pagination.fills)


def _shares(part: Part, pdf: Rendered, pages: Sequence[float]) -> list[float]:
    """Return the shares of ``pages`` (one per page of ``pdf``) of ``part``, blank ones left out."""
    blank = set(pdf.page_map.blank) if pdf.page_map else set()
    return [pages[n] for n in _span(part, pdf) if n + 1 not in blank and n < len(pages)]


def _pages(part: Part, pdf: Rendered) -> int:
    """Return how many pages ``part`` takes in ``pdf`` (the whole: all of them)."""
    return len(_fills(part, pdf)) if part.anchor else pdf.pages or 1


def _start(goal: _Goal, fit: Fit, first: Rendered) -> Search:
    """Return the search of ``goal``'s ladder, as the fit model of its first layout sets it.

    It looks first at the least level predicted to fit, and never lays out a level that
    certainly does not (nor any below it), but the last (:mod:`.fitmodel`). Without a
    model (a layout that did not measure one), the prior says where to look first.
    """
    levels, room = goal.levels, goal.room
    if room is None:
        return Search(levels, _guess(levels, _shrink(goal, first)))
    theme = fit.templates.theme
    low = room.ruled_out(theme, levels, goal.target)
    start = room.first_try(theme, levels, goal.target)
    if start is None:  # past a small tightening: the type sizes' share as the prior says
        start = _guess(levels, _SHRINK_SPACING + room.still_to_shrink(theme, goal.target))
    return Search(levels, max(start, low + 1), low)


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


def _over_budget(part: Part, tightest: Rendered) -> ContentError:
    """Return the error naming what spilled past ``part``'s budget at the tightest level."""
    budget = part.budget or 1
    pagination, span = tightest.pagination, _span(part, tightest)
    spill = span[budget] if len(span) > budget else None
    top = pagination.tops[spill] if pagination and spill is not None \
        and spill < len(pagination.tops) else None
    whole, on = ("guide", "page") if not part.anchor else ("guide in the packet",
                                                         "its page")
    spilled = f"“{top.heading}” spilled onto {on} {budget + 1}" if top and top.heading \
        else f"the {whole} runs onto {on} {budget + 1}"
    setting = part.setting if part.where is not None else "--pages"
    pages = len(span) if part.anchor else tightest.pages
    message = (f"{spilled}: the {whole} takes {pages} pages even at the tightest "
               f"spacing and type sizes the theme's fit allows, and its page budget "
               f"({setting}) is {budget} page{'s' if budget != 1 else ''}; shorten it, "
               "or allow more pages")
    where = top.source if top is not None else (part.where or Location("document"))
    problems = [Problem(where, message)]
    if part.where is not None and part.where != where:
        problems.append(Problem(part.where, f"the page budget of {budget} is set here"))
    return ContentError.collect(problems)
