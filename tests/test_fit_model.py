"""The fit model: what the first layout says about the height at a small tightening.

The first layout measures what of each page the spacing and the theme's line height take
(``Pagination.spacing``, ``Pagination.leading``: renderers/pdf/room.py); the fitter
predicts from it the content's height at each level up to a small tightening, looks
there first, and never lays out a level predicted over its pages by more than
``_SURE`` of a page (issue 17). Stand-ins read the search; real layouts of the default
guide and a one-page guide read the model and the levels it settles on.
"""

from __future__ import annotations

import pytest

import guidegen
from guidegen.builder import fitting
from guidegen.builder.fitting import SMALL, Fit, Room, settle
from guidegen.builder.options import BuildOptions
from guidegen.renderers import Pagination, Rendered, Top
from guidegen.theme import load_templates

from .conftest import DATA, DEFAULT_GUIDE, JOBS_1

TEMPLATES = load_templates()
THEME = TEMPLATES.theme
TOP = Top("Heading", None)  # type: ignore[arg-type]
# the default guide's first layout on A4 (measured): its pages' fills and shares
DEFAULT = ((0.993, 0.872, 0.345), (0.269, 0.213, 0.115), (0.566, 0.425, 0.136))


def layout(fills, spacing=(), leading=()) -> Rendered:
    """Return a layout whose pages are ``fills`` full, with the shares measured."""
    pages = len(fills)
    return Rendered(b"", pages, pagination=Pagination(
        tuple(fills), (TOP,) * pages, spacing=tuple(spacing), leading=tuple(leading)))


def truth(room: Room, taken: float, target: int, full: float = 0.98):
    """Return a stand-in that lays a level out as a guide whose shrink is ``taken`` of the
    model's: its pages are ``target`` where that height packs into them ``full``.

    ``lay.tried`` lists the levels laid out, in order.
    """
    tried: list[float] = []

    def fits(level: float) -> bool:
        return room.height(THEME, level, taken) <= target * full

    def lay(tries):
        (level,) = tries[0]
        tried.append(level)
        return [layout((0.98,) * (target if fits(level) else target + 1))]

    lay.tried = tried  # type: ignore[attr-defined]
    lay.fits = fits  # type: ignore[attr-defined]
    return lay


def test_the_default_guide_takes_one_layout_beyond_its_first():
    # predicted: 0.75 fits (its first try), 0.5 over two pages by 0.03: not laid out
    first = layout(*DEFAULT)
    lay = truth(Room(*(sum(shares) for shares in DEFAULT)), 0.92, 2, full=0.99)  # as laid out
    (level,), pdf = settle(Fit(None, TEMPLATES), first, lay)
    assert level == 0.75 and pdf.pages == 2
    assert lay.tried == [0.75]  # type: ignore[attr-defined]
    # without the shares measured (another renderer's pages), the prior searches: more
    lay = truth(Room(*(sum(shares) for shares in DEFAULT)), 0.92, 2, full=0.99)
    (level,), _ = settle(Fit(None, TEMPLATES), layout(DEFAULT[0]), lay)
    assert level == 0.75 and len(lay.tried) > 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("over", [0.002, 0.009])
def test_a_level_predicted_over_by_less_than_sure_is_laid_out(over):
    # borderline: the level below the one that fits is predicted just over its pages
    # (less than _SURE): it might fit, so it is laid out, and found where it does
    fills, spacing, leading = DEFAULT
    room = Room(sum(fills), sum(spacing), sum(leading))
    more = 2 + over - room.height(THEME, 0.5)  # its content, so that 0.5 is 2 + over
    fills = (*fills[:-1], fills[-1] + more)
    room = Room(sum(fills), sum(spacing), sum(leading))
    assert room.height(THEME, 0.5) == pytest.approx(2 + over)
    for taken, fits_at_half in ((1.0, False), (1.0 + 2 * over / 0.2, True)):
        lay = truth(room, taken, 2, full=1.0)
        (level,), _ = settle(Fit(None, TEMPLATES), layout(fills, spacing, leading), lay)
        assert 0.5 in lay.tried  # type: ignore[attr-defined]
        assert lay.fits(0.5) == fits_at_half  # type: ignore[attr-defined]
        assert level == (0.5 if fits_at_half else 0.75)


@pytest.mark.parametrize("content", [2.02, 2.06, 2.1, 2.15, 2.2, 2.25, 2.3])
@pytest.mark.parametrize("taken", [0.87, 0.92, 0.99])
def test_the_model_finds_what_laying_out_every_level_finds(content, taken):
    # whatever the guide's content and however much of the predicted shrink its layouts
    # take (the fixtures' 0.87-0.99), the level settled on is the least that fits
    # (every level laid out), none laid out twice, none ruled out that fits
    fills, spacing, leading = DEFAULT
    fills = (*fills[:-1], fills[-1] + content - sum(fills))
    room = Room(sum(fills), sum(spacing), sum(leading))
    lay = truth(room, taken, 2)
    levels = [level for level in fitting.LADDER if level <= SMALL]
    every = next((level for level in levels if lay.fits(level)), 0.0)  # type: ignore[attr-defined]
    (level,), _ = settle(Fit(None, TEMPLATES), layout(fills, spacing, leading), lay)
    assert level == every
    assert len(set(lay.tried)) == len(lay.tried) <= 3  # type: ignore[attr-defined]
    assert all(not lay.fits(below) for below in levels if below < every)  # type: ignore[attr-defined]


def searched(monkeypatch, guide, options):
    """Return the first layout, every level's layout and the level settled on, for
    ``guide`` built with ``options``: each level of its goal is laid out after the search."""
    found = {}
    search = fitting._search

    def every_level(fit, first, lay):
        chosen, pdf = search(fit, first, lay)
        goal = fitting._goal(fit, fit.goals[0], first)
        found.update(first=first, chosen=chosen[0], goal=goal, laid={
            level: lay([(level,)])[0] for level in goal.levels if level <= SMALL})
        return chosen, pdf

    monkeypatch.setattr(fitting, "_search", every_level)
    guidegen.render(guidegen.load(guide), ["pdf"], options)
    return found


@pytest.mark.parametrize(("guide", "paper"), [
    (DEFAULT_GUIDE, "a4"), (DEFAULT_GUIDE, "letter"), (DATA / "qa-qc-one-page.yaml", "a4")])
def test_on_real_layouts_the_model_is_a_lower_bound_and_the_level_the_least(
        monkeypatch, guide, paper):
    found = searched(monkeypatch, guide, BuildOptions(jobs=1, paper=paper))
    goal, first, laid = found["goal"], found["first"], found["laid"]
    pagination = first.pagination
    assert all(0 < spacing + leading < fill for fill, spacing, leading in zip(
        pagination.fills, pagination.spacing, pagination.leading, strict=True))
    for level, pdf in laid.items():
        height = sum(fitting._fills(goal.part, pdf))
        predicted = goal.room.height(THEME, level)
        # never taller than laid out; the shrink taken as predicted (within a tenth)
        assert predicted <= height <= predicted + 0.1 * (goal.room.content - predicted)
    least = next((level for level, pdf in laid.items() if goal.fits(pdf)), 0.0)
    assert found["chosen"] == least


def test_in_one_process_the_default_guide_is_laid_out_twice(monkeypatch):
    # its first layout and the level the model predicts (bench/balance.py: the page
    # balancing of a --jobs 1 build is that one layout more)
    import guidegen.renderers.pdf as pdf

    count = []
    laid_pages = pdf.laid_pages
    monkeypatch.setattr(pdf, "laid_pages", lambda *args: count.append(1) or laid_pages(*args))
    rendered = guidegen.render(guidegen.load(DEFAULT_GUIDE), ["pdf"], JOBS_1)
    assert len(count) == 2 and rendered["pdf"].pages == 2
